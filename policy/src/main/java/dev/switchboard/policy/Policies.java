package dev.switchboard.policy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.PolicyDocument;
import java.util.List;

/**
 * The governance of one configuration, built from its policy documents. Until a kind's steps run on the request
 * path, a document of that kind is refused when the configuration loads rather than accepted and ignored: a client
 * key that is not checked, or a budget that is not charged, must not look configured.
 */
public final class Policies {
    private Policies() {}

    /**
     * Checks that every document is one this build enforces.
     *
     * @throws ConfigException naming the first document that is not, and what to do
     */
    public static void build(List<PolicyDocument> documents) throws ConfigException {
        for (PolicyDocument d : documents) {
            throw d.spec().error(d.kind() + " '" + d.name() + "' is recognised but not enforced by this build yet"
                    + " (client keys, limits, prices and guardrails are being built: issue 12); remove the document"
                    + " rather than run without what it asks for");
        }
    }
}
