package dev.mcpwatch.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * STARTTLS in front of a real SMTP server that has none (GreenMail 2.1 offers SMTP and SMTPS, not
 * STARTTLS): it relays the conversation, adds {@code 250-STARTTLS} to the server's EHLO answer,
 * answers {@code STARTTLS} itself, upgrades the client's connection with TLS (a certificate made in
 * the test), and from then on relays the decrypted bytes. It records which commands came before and
 * after the upgrade, so a test can check that credentials never travelled in clear text.
 */
public final class StartTlsFront implements AutoCloseable {
    private final ServerSocket listener;
    private final int backendPort;
    private final SSLContext tls;
    private final List<String> clearCommands = Collections.synchronizedList(new ArrayList<>());
    private final List<String> encryptedCommands = Collections.synchronizedList(new ArrayList<>());

    public StartTlsFront(int backendPort, SSLContext tls) throws IOException {
        this.backendPort = backendPort;
        this.tls = tls;
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("starttls-front").start(this::acceptLoop);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Commands (first word) the client sent before the TLS upgrade. */
    public List<String> clearCommands() {
        return List.copyOf(clearCommands);
    }

    /** Commands (first word) the client sent inside TLS. */
    public List<String> encryptedCommands() {
        return List.copyOf(encryptedCommands);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            client.setSoTimeout(30_000);
            backend.setSoTimeout(30_000);
            InputStream fromClient = client.getInputStream();
            OutputStream toClient = client.getOutputStream();
            InputStream fromBackend = backend.getInputStream();
            OutputStream toBackend = backend.getOutputStream();
            relayAnswer(fromBackend, toClient, false);
            while (true) {
                String line = readLine(fromClient);
                if (line == null) {
                    return;
                }
                String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT).strip();
                clearCommands.add(verb);
                if (verb.equals("STARTTLS")) {
                    toClient.write("220 2.0.0 Ready to start TLS\r\n".getBytes(StandardCharsets.US_ASCII));
                    toClient.flush();
                    SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, null, client.getPort(), false);
                    secure.setUseClientMode(false);
                    secure.startHandshake();
                    pumpEncrypted(secure, backend);
                    return;
                }
                toBackend.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                toBackend.flush();
                relayAnswer(fromBackend, toClient, verb.equals("EHLO"));
                if (verb.equals("QUIT")) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void pumpEncrypted(SSLSocket secure, Socket backend) throws IOException {
        Thread up = Thread.ofVirtual().start(() -> {
            try {
                InputStream in = secure.getInputStream();
                OutputStream out = backend.getOutputStream();
                boolean data = false;
                String line;
                while ((line = readLine(in)) != null) {
                    if (!data) {
                        encryptedCommands.add(line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT).strip());
                    }
                    if (!data && line.equalsIgnoreCase("DATA")) {
                        data = true;
                    } else if (data && line.equals(".")) {
                        data = false;
                    }
                    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException e) {
                // closed
            } finally {
                try {
                    backend.shutdownOutput();
                } catch (IOException ignored) {
                    // closed
                }
            }
        });
        try {
            backend.getInputStream().transferTo(secure.getOutputStream());
        } catch (IOException e) {
            // closed
        }
        try {
            up.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        secure.close();
    }

    /** Relays one (possibly multi-line) SMTP answer; for EHLO, advertises STARTTLS. */
    private static void relayAnswer(InputStream from, OutputStream to, boolean ehlo) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = readLine(from);
            if (line == null) {
                throw new IOException("the SMTP server closed the connection");
            }
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (ehlo && lines.getLast().startsWith("250")) {
            String last = lines.removeLast();
            lines.add("250-" + last.substring(4));
            lines.add("250 STARTTLS");
        }
        StringBuilder out = new StringBuilder();
        lines.forEach(l -> out.append(l).append("\r\n"));
        to.write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
        to.flush();
    }

    /** One CRLF-terminated line, read byte by byte so nothing past it is consumed before a TLS upgrade. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
