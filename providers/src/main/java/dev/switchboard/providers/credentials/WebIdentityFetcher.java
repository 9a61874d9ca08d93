package dev.switchboard.providers.credentials;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Temporary AWS keys by STS {@code AssumeRoleWithWebIdentity} (IRSA on EKS, or any OIDC token in a file): the token
 * file is read at each fetch (Kubernetes rotates projected tokens), sent unsigned as a form POST with
 * {@code RoleArn}, {@code RoleSessionName} and {@code WebIdentityToken}; the XML answer's
 * {@code AssumeRoleWithWebIdentityResult/Credentials} has {@code AccessKeyId}, {@code SecretAccessKey},
 * {@code SessionToken} and {@code Expiration}.
 */
final class WebIdentityFetcher implements RefreshingToken.Fetcher<AwsKeys> {
    static final String STS_VERSION = "2011-06-15";

    private final URI stsEndpoint;
    private final String roleArn;
    private final Path tokenFile;
    private final String sessionName;
    private final TokenHttp http;

    WebIdentityFetcher(URI stsEndpoint, String roleArn, Path tokenFile, String sessionName, TokenHttp http) {
        this.stsEndpoint = stsEndpoint;
        this.roleArn = roleArn;
        this.tokenFile = tokenFile;
        this.sessionName = sessionName;
        this.http = http;
    }

    /** The regional STS endpoint, which AWS recommends over the global one. */
    static URI regionalEndpoint(String region) {
        return URI.create("https://sts." + region + ".amazonaws.com/");
    }

    @Override
    public Expiring<AwsKeys> fetch() throws Exception {
        String token;
        try {
            token = new String(Files.readAllBytes(tokenFile), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new TokenFetchException("the web identity token file " + tokenFile + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", "AssumeRoleWithWebIdentity");
        form.put("Version", STS_VERSION);
        form.put("RoleArn", roleArn);
        form.put("RoleSessionName", sessionName);
        form.put("WebIdentityToken", token);
        return parse(http.postForm(stsEndpoint, form, "text/xml"), TokenHttp.endpoint(stsEndpoint));
    }

    static Expiring<AwsKeys> parse(String xml, String endpoint) throws TokenFetchException {
        Element credentials;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setNamespaceAware(false);
            Document doc = factory.newDocumentBuilder()
                    .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            NodeList list = doc.getElementsByTagName("Credentials");
            if (list.getLength() == 0) {
                throw new TokenFetchException(endpoint + " answered without Credentials");
            }
            credentials = (Element) list.item(0);
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new TokenFetchException(endpoint + " answered something that is not STS XML");
        }
        try {
            AwsKeys keys = new AwsKeys(child(credentials, "AccessKeyId"),
                    Secret.of(child(credentials, "SecretAccessKey")), Secret.of(child(credentials, "SessionToken")));
            return new Expiring<>(keys, Instant.parse(child(credentials, "Expiration")));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new TokenFetchException(endpoint + " answered incomplete Credentials");
        }
    }

    private static String child(Element parent, String name) {
        NodeList list = parent.getElementsByTagName(name);
        if (list.getLength() == 0) {
            throw new IllegalArgumentException(name);
        }
        return list.item(0).getTextContent().strip();
    }
}
