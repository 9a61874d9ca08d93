package dev.switchboard.providers.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4, header form, for one service in one region: adds {@code x-amz-date},
 * {@code x-amz-security-token} (temporary credentials), optionally {@code x-amz-content-sha256}, and
 * {@code authorization}. Verified against AWS's published signing test suite (SigV4SignerTest).
 */
public final class SigV4Signer {
    /*
     * The canonical request (AWS "Create a canonical request"):
     *   method \n canonical URI \n canonical query \n canonical headers \n signed headers \n hex(sha256(body))
     * - canonical URI: the path as sent, each segment URI-encoded again (RFC 3986 unreserved characters kept,
     *   everything else %XX of its UTF-8 bytes, so a '%' already in the path becomes %25). This is the "double
     *   encoding" every service but S3 expects: Bedrock model ids hold ':' (anthropic.claude-...-v1:0), which goes on
     *   the wire as %3A and is signed as %253A; sent raw, it is signed as %3A; both verify, because the service
     *   encodes the path it received the same way. With normalizePath, '.'/'..' segments and empty segments are
     *   removed first (RFC 3986 §5.2.4), as AWS does for every service but S3.
     * - canonical query: each name and value decoded, then encoded as above (so a query encodes once whatever its
     *   wire form), sorted by name, then value.
     * - canonical headers: every header of the request except a few that proxies change (IGNORED), names lower-case,
     *   values trimmed with inner runs of spaces made one, sorted by name; host is request.host() unless a host
     *   header is present.
     * String to sign: AWS4-HMAC-SHA256 \n amz-date \n date/region/service/aws4_request \n hex(sha256(canonical)).
     * Key: HMAC chain "AWS4"+secret → date → region → service → "aws4_request"; cached for the day and secret.
     * Cost: two SHA-256 (body, canonical request) and one HMAC per request, plus four HMACs on a new day or key.
     */

    /** Headers never signed: hop-by-hop or rewritten by proxies on the way, so a signature over them breaks. */
    static final Set<String> IGNORED = Set.of("authorization", "user-agent", "x-amzn-trace-id", "expect",
            "transfer-encoding", "connection", "keep-alive", "proxy-authorization", "te", "upgrade");
    static final String ALGORITHM = "AWS4-HMAC-SHA256";

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private final String region;
    private final String service;
    private final boolean contentSha256Header;
    private final boolean normalizePath;
    private volatile SigningKey key;

    private record SigningKey(String date, Secret secret, byte[] key) {
    }

    /**
     * @param contentSha256Header whether to add (and sign) {@code x-amz-content-sha256}; the test suite signs
     *                            without it, Bedrock accepts either
     * @param normalizePath       remove dot and empty segments before encoding (true for every service but S3)
     */
    public SigV4Signer(String region, String service, boolean contentSha256Header, boolean normalizePath) {
        this.region = region;
        this.service = service;
        this.contentSha256Header = contentSha256Header;
        this.normalizePath = normalizePath;
    }

    /** Bedrock's signer: service {@code bedrock} (for bedrock-runtime too), with {@code x-amz-content-sha256}. */
    public static SigV4Signer bedrock(String region) {
        return new SigV4Signer(region, "bedrock", true, true);
    }

    public String region() {
        return region;
    }

    /** Signs {@code request} in place at {@code now}. */
    public void sign(SignableRequest request, AwsKeys keys, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        String date = amzDate.substring(0, 8);
        request.header("x-amz-date", amzDate);
        if (keys.sessionToken() != null) {
            request.header("x-amz-security-token", keys.sessionToken().reveal());
        }
        String payloadHash = HEX.formatHex(sha256(request.body()));
        if (contentSha256Header) {
            request.header("x-amz-content-sha256", payloadHash);
        }
        StringBuilder signedHeaders = new StringBuilder();
        String canonical = canonicalRequest(request, payloadHash, signedHeaders);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + HEX.formatHex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        String signature = HEX.formatHex(hmac(signingKey(date, keys.secretAccessKey()), toSign));
        request.header("authorization", ALGORITHM + " Credential=" + keys.accessKeyId() + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
    }

    /** The canonical request; appends the signed header names to {@code signedHeaders}. */
    String canonicalRequest(SignableRequest request, String payloadHash, StringBuilder signedHeaders) {
        StringBuilder c = new StringBuilder(256);
        c.append(request.method()).append('\n');
        c.append(canonicalUri(request.path())).append('\n');
        c.append(canonicalQuery(request.query())).append('\n');
        boolean hostSeen = request.headers().containsKey("host");
        // headers() is sorted by name, and "host" sorts where it belongs when added here
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().entrySet());
        if (!hostSeen) {
            headers.add(Map.entry("host", request.host()));
            headers.sort(Map.Entry.comparingByKey());
        }
        for (Map.Entry<String, String> h : headers) {
            if (IGNORED.contains(h.getKey())) {
                continue;
            }
            c.append(h.getKey()).append(':').append(trimValue(h.getValue())).append('\n');
            signedHeaders.append(signedHeaders.isEmpty() ? "" : ";").append(h.getKey());
        }
        c.append('\n').append(signedHeaders).append('\n').append(payloadHash);
        return c.toString();
    }

    String canonicalUri(String path) {
        if (path.isEmpty()) {
            return "/";
        }
        String p = normalizePath ? removeDotSegments(path) : path;
        StringBuilder b = new StringBuilder(p.length() + 16);
        int start = 0;
        for (int slash; (slash = p.indexOf('/', start)) >= 0; start = slash + 1) {
            encode(p.substring(start, slash), b);
            b.append('/');
        }
        encode(p.substring(start), b);
        return b.toString();
    }

    /** Drops empty and '.' segments and resolves '..'; keeps a leading and a trailing slash. */
    static String removeDotSegments(String path) {
        List<String> out = new ArrayList<>();
        String[] segments = path.split("/", -1);
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
                continue;
            }
            out.add(s);
        }
        String last = segments[segments.length - 1];
        boolean trailing = !out.isEmpty() && (last.isEmpty() || last.equals(".") || last.equals(".."));
        return "/" + String.join("/", out) + (trailing ? "/" : "");
    }

    static String canonicalQuery(String query) {
        if (query.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.add(new String[] {encode(decode(name)), encode(decode(value))});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder b = new StringBuilder(query.length() + 16);
        for (String[] p : params) {
            b.append(b.isEmpty() ? "" : "&").append(p[0]).append('=').append(p[1]);
        }
        return b.toString();
    }

    /** Trims the value and turns each inner run of spaces into one space. */
    static String trimValue(String value) {
        String v = value.strip();
        return v.indexOf("  ") < 0 ? v : v.replaceAll(" {2,}", " ");
    }

    static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        encode(s, b);
        return b.toString();
    }

    /** RFC 3986 percent-encoding as AWS specifies it: A-Z a-z 0-9 - _ . ~ kept, every other byte %XX (upper). */
    static void encode(String s, StringBuilder b) {
        for (byte raw : s.getBytes(StandardCharsets.UTF_8)) {
            int c = raw & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
    }

    /** Percent-decoding (UTF-8); '+' stays '+', and a '%' not followed by two hex digits stays as it is. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            int hi;
            int lo;
            if (in[i] == '%' && i + 2 < in.length
                    && (hi = Character.digit(in[i + 1], 16)) >= 0 && (lo = Character.digit(in[i + 2], 16)) >= 0) {
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                out[n++] = in[i];
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private byte[] signingKey(String date, Secret secret) {
        SigningKey k = key;
        if (k != null && k.date.equals(date) && k.secret == secret) {
            return k.key;
        }
        byte[] kDate = hmac(("AWS4" + secret.reveal()).getBytes(StandardCharsets.UTF_8), date);
        byte[] derived = hmac(hmac(hmac(kDate, region), service), "aws4_request");
        key = new SigningKey(date, secret, derived);
        return derived;
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "SigV4Signer[" + service + ", " + region + "]";
    }
}
