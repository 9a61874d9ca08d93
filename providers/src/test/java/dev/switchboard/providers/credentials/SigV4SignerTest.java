package dev.switchboard.providers.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The signer against AWS's published SigV4 test suite (header signing), as awslabs/aws-c-auth carries it in
 * tests/aws-signing-test-suite/v4/: each vector's request, and the Authorization header its
 * header-signed-request.txt holds. Every vector signs with the suite's context: key AKIDEXAMPLE, region us-east-1,
 * service "service", at 2015-08-30T12:36:00Z.
 */
class SigV4SignerTest {
    static final AwsKeys SUITE_KEYS = new AwsKeys("AKIDEXAMPLE",
            Secret.of("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), null);
    static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");
    static final String CREDENTIAL = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

    static Stream<Arguments> vectors() {
        return Stream.of(
                vector("get-vanilla", "GET", "/", Map.of(), "", true, "host;x-amz-date",
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
                vector("post-vanilla", "POST", "/", Map.of(), "", true, "host;x-amz-date",
                        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
                vector("get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", Map.of(), "", true,
                        "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
                vector("get-vanilla-query-order-encoded", "GET", "/?Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
                        Map.of(), "", true, "host;x-amz-date",
                        "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"),
                vector("get-vanilla-query-unreserved", "GET",
                        "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                + "=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        Map.of(), "", true, "host;x-amz-date",
                        "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
                vector("get-vanilla-utf8-query", "GET", "/?ሴ=bar", Map.of(), "", true, "host;x-amz-date",
                        "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
                vector("post-vanilla-query", "POST", "/?Param1=value1", Map.of(), "", true, "host;x-amz-date",
                        "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
                vector("get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        Map.of(), "", true, "host;x-amz-date",
                        "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
                vector("get-utf8", "GET", "/ሴ", Map.of(), "", true, "host;x-amz-date",
                        "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
                vector("get-space-normalized", "GET", "/example space/", Map.of(), "", true, "host;x-amz-date",
                        "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
                vector("get-slashes-normalized", "GET", "//example//", Map.of(), "", true, "host;x-amz-date",
                        "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"),
                vector("get-slashes-unnormalized", "GET", "//example//", Map.of(), "", false, "host;x-amz-date",
                        "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5"),
                vector("get-relative-relative-normalized", "GET", "/example1/example2/../..", Map.of(), "", true,
                        "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
                vector("get-header-value-trim", "GET", "/",
                        Map.of("My-Header1", " value1", "My-Header2", " \"a   b   c\""), "", true,
                        "host;my-header1;my-header2;x-amz-date",
                        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
                vector("post-x-www-form-urlencoded", "POST", "/",
                        Map.of("Content-Type", "application/x-www-form-urlencoded", "Content-Length", "13",
                                "x-amz-content-sha256",
                                "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"),
                        "Param1=value1", true, "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
                        "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"));
    }

    private static Arguments vector(String name, String method, String pathAndQuery, Map<String, String> headers,
            String body, boolean normalize, String signedHeaders, String signature) {
        return Arguments.of(name, method, pathAndQuery, headers, body, normalize,
                CREDENTIAL + "SignedHeaders=" + signedHeaders + ", Signature=" + signature);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void signsAsTheSuitePublishes(String name, String method, String pathAndQuery, Map<String, String> headers,
            String body, boolean normalize, String authorization) {
        SignableRequest request = new SignableRequest(method, "example.amazonaws.com", pathAndQuery, headers,
                body.getBytes(StandardCharsets.UTF_8));
        new SigV4Signer("us-east-1", "service", false, normalize).sign(request, SUITE_KEYS, SUITE_TIME);
        assertThat(request.header("authorization")).isEqualTo(authorization);
        assertThat(request.header("x-amz-date")).isEqualTo("20150830T123600Z");
    }

    @Test
    void sessionTokenIsSentAndSigned() { // get-vanilla-with-session-token
        AwsKeys keys = new AwsKeys("AKIDEXAMPLE", Secret.of("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                Secret.of("6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"));
        SignableRequest request = new SignableRequest("GET", "example.amazonaws.com", "/", Map.of(), new byte[0]);
        new SigV4Signer("us-east-1", "service", false, true).sign(request, keys, SUITE_TIME);
        assertThat(request.header("x-amz-security-token"))
                .isEqualTo("6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267");
        assertThat(request.header("authorization")).isEqualTo(CREDENTIAL
                + "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                + "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
    }

    @Test
    void bedrockPathsAreEncodedAgainSoAModelIdsColonIsSignedAsTheServiceSeesIt() {
        SigV4Signer signer = SigV4Signer.bedrock("us-east-1");
        // as the AWS SDKs send it: ':' escaped on the wire, so the canonical URI escapes the '%'
        assertThat(signer.canonicalUri("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"))
                .isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse");
        // sent raw, the ':' is escaped once
        assertThat(signer.canonicalUri("/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse-stream"))
                .isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream");
    }

    @Test
    void bedrockSignsTheBodyHashAndServiceBedrock() {
        byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        SignableRequest request = new SignableRequest("POST", "bedrock-runtime.us-west-2.amazonaws.com",
                "/model/m%3A0/converse", Map.of("content-type", "application/json"), body);
        SigV4Signer.bedrock("us-west-2").sign(request, SUITE_KEYS, SUITE_TIME);
        assertThat(request.header("x-amz-content-sha256")) // sha256sum of the body
                .isEqualTo("5e4ce7b36ba37b78a5d5f9fd08e6b7b54ba6879d651aa46ec9e1d6fa24ebe30a");
        assertThat(request.header("authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/bedrock/aws4_request, "
                        + "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=");
        // the same request with another body gets another signature
        SignableRequest other = new SignableRequest("POST", "bedrock-runtime.us-west-2.amazonaws.com",
                "/model/m%3A0/converse", Map.of("content-type", "application/json"),
                "{\"messages\":[1]}".getBytes(StandardCharsets.UTF_8));
        SigV4Signer.bedrock("us-west-2").sign(other, SUITE_KEYS, SUITE_TIME);
        assertThat(other.header("authorization")).isNotEqualTo(request.header("authorization"));
    }

    @Test
    void hopByHopHeadersAreNotSigned() {
        Map<String, String> headers = new TreeMap<>(Map.of("user-agent", "x", "transfer-encoding", "chunked"));
        SignableRequest request = new SignableRequest("GET", "example.amazonaws.com", "/", headers, new byte[0]);
        new SigV4Signer("us-east-1", "service", false, true).sign(request, SUITE_KEYS, SUITE_TIME);
        assertThat(request.header("authorization")).isEqualTo(CREDENTIAL
                + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }
}
