package dev.switchboard.gateway.upstream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on 127.0.0.1 that answers every request with a small keep-alive 200 and counts its
 * connections: accepted, and open now (a connection counts as closed once the client closed it, or once this
 * server closed it for having been idle {@link #closeIdleAfterMillis}, as uvicorn does after 5 s).
 */
final class FakeKeepAliveServer implements AutoCloseable {
    private final ServerSocket socket;
    /** When above 0, a connection idle this long is closed by the server. */
    volatile int closeIdleAfterMillis;
    /** Connections accepted so far. */
    final AtomicInteger accepted = new AtomicInteger();
    /** Connections open now. */
    final AtomicInteger open = new AtomicInteger();
    /** Requests answered. */
    final AtomicInteger requests = new AtomicInteger();

    FakeKeepAliveServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("fake-keep-alive").start(this::accept);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                accepted.incrementAndGet();
                open.incrementAndGet();
                Thread.ofPlatform().daemon().start(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            s.setSoTimeout(closeIdleAfterMillis);
            while (readRequest(in)) {
                requests.incrementAndGet();
                out.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (SocketTimeoutException | SocketException e) {
            // idle too long (this server closes it), or reset by the client
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            open.decrementAndGet();
        }
    }

    /** Reads one request head and its content-length body; false at the end of the stream. */
    private static boolean readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (b < 0) {
            return false;
        }
        long length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).trim());
            }
        }
        in.skipNBytes(length);
        return true;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
