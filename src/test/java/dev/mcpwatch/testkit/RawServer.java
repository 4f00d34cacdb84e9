package dev.mcpwatch.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on loopback that answers HTTP with whatever bytes a test writes, so a test can send
 * what no HTTP library would: a negative Content-Length, headers larger than a client reads, a reset
 * right after the connection is accepted. Each connection runs on its own virtual thread and serves
 * requests one after another until the handler closes it.
 */
public final class RawServer implements AutoCloseable {

    /** Answers one request (its method, path, headers and body as text) on a socket. */
    @FunctionalInterface
    public interface Handler {
        void answer(int requestNumber, String request, Socket socket, OutputStream out) throws IOException;
    }

    private final ServerSocket listener;
    private final Handler handler;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public RawServer(Handler handler) {
        this.handler = handler;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().name("raw-server").start(this::acceptForever);
    }

    /** A server that resets every connection as soon as it accepts it, before reading a byte. */
    public static RawServer resettingOnAccept() {
        return new RawServer(null);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + listener.getLocalPort() + path;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Requests read so far. */
    public int requests() {
        return requests.get();
    }

    private void acceptForever() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            if (handler == null) {
                s.setSoLinger(true, 0); // close() now sends RST instead of FIN
                return;
            }
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (!s.isClosed()) {
                String request = readRequest(in);
                if (request == null) {
                    return;
                }
                handler.answer(requests.incrementAndGet(), request, s, out);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away: expected with these fixtures
        }
    }

    /** The request head and body as text, or null at the end of the stream. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            if ((b = in.read()) < 0) {
                return null;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Writes text as ISO-8859-1 bytes: exactly the bytes the test spelled. */
    public static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a test server
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
