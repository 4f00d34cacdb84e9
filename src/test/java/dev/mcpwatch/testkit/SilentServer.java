package dev.mcpwatch.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP port on loopback that accepts every connection and then says nothing: no HTTP response,
 * no TLS handshake. What a hung process behind a live socket looks like from outside. Connections
 * are held open until the server is closed, so the client sees silence, not a reset.
 */
public final class SilentServer implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    public SilentServer() {
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().name("silent-server").start(this::acceptForever);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The URL of a path on this port, by IP literal, with the given scheme (http or https). */
    public String url(String scheme, String path) {
        return scheme + "://127.0.0.1:" + port() + path;
    }

    /** How many connections were accepted so far. */
    public int accepted() {
        return held.size();
    }

    private void acceptForever() {
        while (!listener.isClosed()) {
            try {
                held.add(listener.accept());
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a test server
        }
        for (Socket s : held) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a test server
            }
        }
    }
}
