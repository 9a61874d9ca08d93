package dev.switchboard.gateway;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A provider played back from its documented wire format: each request it receives is recorded whole (method, path
 * and query, headers, body) and answered with the next scripted reply, written in the reply's pieces (a stream's
 * events one by one, flushed, so the gateway sees them arrive as a provider sends them). Plain sockets and HTTP/1.1 written
 * by hand, so it shares no code with the gateway it tests and can cut a stream where a real one would be cut.
 */
public final class ScriptedUpstream implements AutoCloseable {
    /** One request as the upstream saw it. Header names lower-case. */
    public record Seen(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * A reply: status, headers, and the body in pieces; {@code cutAfter} pieces are sent and then the connection is
     * dropped (a stream cut mid-way), or -1 for the whole reply.
     */
    public record Reply(int status, Map<String, String> headers, List<byte[]> pieces, int cutAfter) {
        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("content-type", "application/json"),
                    List.of(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)), -1);
        }

        public static Reply stream(String contentType, List<byte[]> pieces) {
            return new Reply(200, Map.of("content-type", contentType), pieces, -1);
        }

        public static Reply sse(List<String> events) {
            List<byte[]> pieces = new ArrayList<>();
            for (String e : events) {
                pieces.add(e.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return stream("text/event-stream", pieces);
        }

        public Reply cutAfter(int n) {
            return new Reply(status, headers, pieces, n);
        }
    }

    private final ServerSocket server;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    public ScriptedUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Queues the reply to the next request. */
    public ScriptedUpstream reply(Reply r) {
        replies.add(r);
        return this;
    }

    /** Forgets the requests received and the replies not used (a test that failed half-way leaves them). */
    public void clear() {
        seen.clear();
        replies.clear();
    }

    /** The next request received (waits up to 10 s). */
    /** The next request seen within {@code millis}, or null when none came. */
    public Seen poll(long millis) throws InterruptedException {
        return seen.poll(millis, TimeUnit.MILLISECONDS);
    }

    public Seen next() throws InterruptedException {
        Seen s = seen.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("the upstream received no request");
        }
        return s;
    }

    /** HTTP/1.1 by hand: requests with a Content-Length body, replies chunked (or with a length when whole). */
    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                Map<String, String> headers = new TreeMap<>();
                for (String h; !(h = line(in)).isEmpty(); ) {
                    int colon = h.indexOf(':');
                    headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(),
                            (a, b) -> a + "," + b);
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                byte[] body = in.readNBytes(length);
                String[] parts = requestLine.split(" ");
                seen.add(new Seen(parts[0], parts[1], headers, body));
                Reply r = replies.poll();
                if (r == null) {
                    r = Reply.json(500, "{\"error\":\"no reply scripted\"}");
                }
                StringBuilder head = new StringBuilder("HTTP/1.1 " + r.status() + " X\r\n");
                r.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
                boolean whole = r.pieces().size() == 1 && r.cutAfter() < 0;
                head.append(whole ? "content-length: " + r.pieces().get(0).length : "transfer-encoding: chunked")
                        .append("\r\n\r\n");
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                if (whole) {
                    out.write(r.pieces().get(0));
                    out.flush();
                    continue;
                }
                int sent = 0;
                for (byte[] p : r.pieces()) {
                    if (sent == r.cutAfter()) {
                        // closed (FIN) without the last chunk: a cut stream. Not a reset: a reset may make the
                        // receiver's kernel drop the pieces it has not read yet, so the cut would land anywhere.
                        out.flush();
                        return;
                    }
                    // one write per chunk, as a server's own buffering would send it (three small writes would
                    // meet Nagle's algorithm and the reader's delayed ACK: a 40 ms stall per piece)
                    byte[] size = (Integer.toHexString(p.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    byte[] chunk = new byte[size.length + p.length + 2];
                    System.arraycopy(size, 0, chunk, 0, size.length);
                    System.arraycopy(p, 0, chunk, size.length, p.length);
                    chunk[chunk.length - 2] = '\r';
                    chunk[chunk.length - 1] = '\n';
                    out.write(chunk);
                    out.flush();
                    sent++;
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the gateway closed the connection
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.isEmpty() ? null : b.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
