package dev.switchboard.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A real redis-server on a free loopback port, started (and restarted, on the same port) by a test. */
final class RedisServerProcess implements AutoCloseable {
    final int port;
    private Process process;

    private RedisServerProcess(int port) {
        this.port = port;
    }

    static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, "redis-server").canExecute()) {
                return true;
            }
        }
        return false;
    }

    static RedisServerProcess start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServerProcess r = new RedisServerProcess(port);
        r.startAgain();
        return r;
    }

    /** Starts the server (empty: no persistence) and waits until it answers PING. */
    void startAgain() throws IOException {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).ignoreExceptions().until(() -> command("PING").contains("PONG"));
    }

    /** Kills it (SIGKILL: no goodbye to clients) and waits for the exit. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** One inline command over a plain socket; the raw reply. */
    String command(String line) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
        }
    }

    /** A hash field as a number, or -1 when absent. */
    long hashField(String key, String field) throws IOException {
        String reply = command("HGET " + key + " " + field);
        if (reply.startsWith("$-1")) {
            return -1;
        }
        return Long.parseLong(reply.split("\r\n")[1]);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }
}
