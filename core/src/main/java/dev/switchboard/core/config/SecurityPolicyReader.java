package dev.switchboard.core.config;

import java.nio.file.Path;
import java.util.List;

/** Reads {@code BackendSecurityPolicy} documents into {@link SecurityPolicy}. */
final class SecurityPolicyReader {
    private SecurityPolicyReader() {}

    static SecurityPolicy read(String name, Fields spec, Path baseDir) throws ConfigException {
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
                    secret(settings.only("env", "file", "secretRef"), baseDir), null, null, null);
            case AWS_CREDENTIALS -> new SecurityPolicy(name, type, targets, null, aws(settings, baseDir), null, null);
            case GCP_CREDENTIALS -> new SecurityPolicy(name, type, targets, null, null, gcp(settings, baseDir), null);
            case AZURE_CREDENTIALS -> new SecurityPolicy(name, type, targets, null, null, null, azure(settings, baseDir));
        };
    }

    /** {@code {env: NAME}} or {@code {file: path}}; a Kubernetes secretRef is for the Kubernetes mode. */
    private static SecurityPolicy.Secret secret(Fields f, Path baseDir) throws ConfigException {
        if (f.has("secretRef")) {
            throw f.error("secretRef", "names a Kubernetes Secret, which a config file cannot read; in a file, name where"
                    + " the secret is: {env: VARIABLE} or {file: /path/to/secret}");
        }
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

    private static SecurityPolicy.Aws aws(Fields f, Path baseDir) throws ConfigException {
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
        if (file.has("secretRef")) {
            throw file.error("secretRef", "names a Kubernetes Secret, which a config file cannot read; name the"
                    + " credentials file with file: /path/to/credentials");
        }
        return new SecurityPolicy.Aws(region, readable(file, "file", baseDir), file.optionalString("profile", "default"));
    }

    private static SecurityPolicy.Gcp gcp(Fields f, Path baseDir) throws ConfigException {
        f.only("projectName", "region", "credentialsFile", "workloadIdentityFederationConfig");
        if (f.has("workloadIdentityFederationConfig")) {
            throw f.error("workloadIdentityFederationConfig", "is not supported yet; use a service-account key file"
                    + " (credentialsFile: {file: ...}) or GOOGLE_APPLICATION_CREDENTIALS");
        }
        Path file = null;
        if (f.has("credentialsFile")) {
            Fields cf = f.object("credentialsFile").only("file", "secretRef");
            if (cf.has("secretRef")) {
                throw cf.error("secretRef", "names a Kubernetes Secret, which a config file cannot read; name the key"
                        + " file with file: /path/to/service_account.json");
            }
            file = readable(cf, "file", baseDir);
        }
        return new SecurityPolicy.Gcp(f.string("projectName"), f.string("region"), file);
    }

    private static SecurityPolicy.Azure azure(Fields f, Path baseDir) throws ConfigException {
        f.only("clientID", "tenantID", "clientSecret", "clientSecretRef", "oidcExchangeToken", "useManagedIdentity");
        for (String unsupported : new String[] {"oidcExchangeToken", "useManagedIdentity"}) {
            if (f.has(unsupported)) {
                throw f.error(unsupported, "is not supported yet; use a client secret: clientSecret: {env: ...}");
            }
        }
        if (f.has("clientSecretRef")) {
            throw f.error("clientSecretRef", "names a Kubernetes Secret, which a config file cannot read; in a file,"
                    + " use clientSecret: {env: VARIABLE} or {file: /path}");
        }
        return new SecurityPolicy.Azure(f.string("tenantID"), f.string("clientID"),
                secret(f.object("clientSecret").only("env", "file", "secretRef"), baseDir));
    }
}
