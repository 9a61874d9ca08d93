package dev.switchboard.core.config;

import java.nio.file.Path;
import java.util.List;

/** Reads {@code BackendSecurityPolicy} documents into {@link SecurityPolicy}. */
final class SecurityPolicyReader {
    private SecurityPolicyReader() {}

    /** Where the Secret keys live: the name Envoy AI Gateway gives each credential in its Secret. */
    static final String API_KEY = "apiKey";
    static final String AWS_CREDENTIALS = "credentials";
    static final String GCP_SERVICE_ACCOUNT = "service_account.json";
    static final String AZURE_CLIENT_SECRET = "client-secret";

    /** {@code secrets} resolves Kubernetes secretRefs (null in a file); {@code namespace} is the policy's own. */
    static SecurityPolicy read(String name, Fields spec, Path baseDir, SecretResolver secrets, String namespace)
            throws ConfigException {
        Refs refs = new Refs(baseDir, secrets, namespace);
        spec.only("targetRefs", "type", "apiKey", "anthropicAPIKey", "azureAPIKey", "awsCredentials", "gcpCredentials",
                "azureCredentials");
        String typeName = spec.string("type");
        SecurityPolicy.Type type = null;
        for (SecurityPolicy.Type t : SecurityPolicy.Type.values()) {
            if (t.configName.equals(typeName)) {
                type = t;
            }
        }
        if (type == null) {
            StringBuilder names = new StringBuilder();
            for (SecurityPolicy.Type t : SecurityPolicy.Type.values()) {
                names.append(names.isEmpty() ? "" : ", ").append(t.configName);
            }
            throw spec.error("type", "unknown type '" + typeName + "'; expected one of " + names);
        }
        for (SecurityPolicy.Type t : SecurityPolicy.Type.values()) {
            if (t != type && spec.has(t.field)) {
                throw spec.error(t.field, "set for type " + t.configName + ", but the type is " + typeName);
            }
        }
        List<String> targets = spec.list("targetRefs", r -> {
            r.only("name", "kind", "group");
            String kind = r.optionalString("kind", "AIServiceBackend");
            if (!kind.equals("AIServiceBackend")) {
                throw r.error("kind", "expected AIServiceBackend, got '" + kind + "'"
                        + (kind.equals("InferencePool") ? " (pools of self-hosted servers need no provider credentials;"
                        + " to reach one, put an AIServiceBackend in front)" : ""));
            }
            return r.string("name");
        });
        if (targets.isEmpty()) {
            throw spec.error("targetRefs", "required: the AIServiceBackends this policy authenticates to");
        }
        Fields settings = spec.object(type.field);
        return switch (type) {
            case API_KEY, ANTHROPIC_API_KEY, AZURE_API_KEY -> new SecurityPolicy(name, type, targets,
                    secret(settings.only("env", "file", "secretRef"), refs), null, null, null);
            case AWS_CREDENTIALS -> new SecurityPolicy(name, type, targets, null, aws(settings, refs), null, null);
            case GCP_CREDENTIALS -> new SecurityPolicy(name, type, targets, null, null, gcp(settings, refs), null);
            case AZURE_CREDENTIALS -> new SecurityPolicy(name, type, targets, null, null, null, azure(settings, refs));
        };
    }

    /** How references resolve: paths from {@code baseDir}, Secrets through {@code secrets} (null in a file). */
    private record Refs(Path baseDir, SecretResolver secrets, String namespace) {
        /**
         * The file of {@code key} of the Secret that {@code f}'s {@code field} ({@code {name, namespace?}}) names;
         * in a file, the refusal, with {@code instead} saying what to write.
         */
        Path secretFile(Fields f, String field, String key, String instead) throws ConfigException {
            if (secrets == null) {
                throw f.error(field, "names a Kubernetes Secret, which a config file cannot read; " + instead);
            }
            Fields ref = f.object(field).only("name", "namespace", "kind", "group");
            String kind = ref.optionalString("kind", "Secret");
            if (!kind.equals("Secret")) {
                throw ref.error("kind", "expected Secret, got '" + kind + "'");
            }
            try {
                return secrets.file(ref.optionalString("namespace", namespace), ref.string("name"), key);
            } catch (ConfigException e) { // names this document, so a loader that skips bad resources skips it
                throw ref.error(e.getMessage());
            }
        }
    }

    /** {@code {env: NAME}}, {@code {file: path}} or (in the Kubernetes mode) {@code {secretRef: {name}}}. */
    private static SecurityPolicy.Secret secret(Fields f, Refs refs) throws ConfigException {
        if (f.has("secretRef")) {
            if (f.has("env") || f.has("file")) {
                throw f.error("expected exactly one of env, file or secretRef");
            }
            return new SecurityPolicy.Secret(null, refs.secretFile(f, "secretRef", API_KEY, "in a file, name where the secret"
                    + " is: {env: VARIABLE} or {file: /path/to/secret}"));
        }
        Path baseDir = refs.baseDir();
        if (f.has("env") == f.has("file")) {
            throw f.error("expected exactly one of env (an environment variable's name) or file (a path)");
        }
        if (f.has("env")) {
            String env = f.string("env");
            if (env.isBlank()) {
                throw f.error("env", "expected an environment variable's name");
            }
            return new SecurityPolicy.Secret(env, null);
        }
        return new SecurityPolicy.Secret(null, readable(f, "file", baseDir));
    }

    private static Path readable(Fields f, String field, Path baseDir) throws ConfigException {
        Path p = baseDir.resolve(f.string(field));
        if (!java.nio.file.Files.isReadable(p)) {
            throw f.error(field, "cannot read '" + p + "'");
        }
        return p;
    }

    private static SecurityPolicy.Aws aws(Fields f, Refs refs) throws ConfigException {
        f.only("region", "credentialsFile", "oidcExchangeToken");
        if (f.has("oidcExchangeToken")) {
            throw f.error("oidcExchangeToken", "is not supported yet; for web identity, set AWS_ROLE_ARN and"
                    + " AWS_WEB_IDENTITY_TOKEN_FILE (the default chain, used when credentialsFile is not set)");
        }
        String region = f.string("region");
        if (!f.has("credentialsFile")) {
            return new SecurityPolicy.Aws(region, null, null);
        }
        Fields file = f.object("credentialsFile").only("file", "profile", "secretRef");
        Path path = file.has("secretRef") ? refs.secretFile(file, "secretRef", AWS_CREDENTIALS, "name the credentials file with"
                + " file: /path/to/credentials") : readable(file, "file", refs.baseDir());
        return new SecurityPolicy.Aws(region, path, file.optionalString("profile", "default"));
    }

    private static SecurityPolicy.Gcp gcp(Fields f, Refs refs) throws ConfigException {
        f.only("projectName", "region", "credentialsFile", "workloadIdentityFederationConfig");
        if (f.has("workloadIdentityFederationConfig")) {
            throw f.error("workloadIdentityFederationConfig", "is not supported yet; use a service-account key file"
                    + " (credentialsFile: {file: ...}) or GOOGLE_APPLICATION_CREDENTIALS");
        }
        Path file = null;
        if (f.has("credentialsFile")) {
            Fields cf = f.object("credentialsFile").only("file", "secretRef");
            file = cf.has("secretRef") ? refs.secretFile(cf, "secretRef", GCP_SERVICE_ACCOUNT, "name the key file with file:"
                    + " /path/to/service_account.json") : readable(cf, "file", refs.baseDir());
        }
        return new SecurityPolicy.Gcp(f.string("projectName"), f.string("region"), file);
    }

    private static SecurityPolicy.Azure azure(Fields f, Refs refs) throws ConfigException {
        f.only("clientID", "tenantID", "clientSecret", "clientSecretRef", "oidcExchangeToken", "useManagedIdentity");
        for (String unsupported : new String[] {"oidcExchangeToken", "useManagedIdentity"}) {
            if (f.has(unsupported)) {
                throw f.error(unsupported, "is not supported yet; use a client secret: clientSecret: {env: ...}");
            }
        }
        if (f.has("clientSecretRef")) { // Envoy AI Gateway's spelling: the Secret reference itself
            if (f.has("clientSecret")) {
                throw f.error("expected one of clientSecret or clientSecretRef");
            }
            return new SecurityPolicy.Azure(f.string("tenantID"), f.string("clientID"), new SecurityPolicy.Secret(null,
                    refs.secretFile(f, "clientSecretRef", AZURE_CLIENT_SECRET, "in a file, use clientSecret:"
                            + " {env: VARIABLE} or {file: /path}")));
        }
        return new SecurityPolicy.Azure(f.string("tenantID"), f.string("clientID"),
                secret(f.object("clientSecret").only("env", "file", "secretRef"), refs));
    }
}
