package dev.switchboard.providers.credentials;

/**
 * A GCP project and region ({@code gcpCredentials.projectName}, {@code .region}): Vertex AI paths start with
 * {@link #pathPrefix()}, and the host is {@link #host()}.
 */
public record VertexLocation(String projectName, String region) {

    public VertexLocation {
        if (projectName == null || projectName.isBlank() || region == null || region.isBlank()) {
            throw new IllegalArgumentException("GCP credentials need projectName and region");
        }
    }

    /** {@code /v1/projects/{projectName}/locations/{region}}, as Envoy AI Gateway prefixes Vertex AI paths. */
    public String pathPrefix() {
        return "/v1/projects/" + projectName + "/locations/" + region;
    }

    /** {@code {region}-aiplatform.googleapis.com}, or {@code aiplatform.googleapis.com} for region {@code global}. */
    public String host() {
        return region.equals("global") ? "aiplatform.googleapis.com" : region + "-aiplatform.googleapis.com";
    }
}
