package dev.mcpwatch.alert.channel;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.Section;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * E-mail over SMTP (Jakarta Mail, Angus): a multipart/alternative message, plain text and HTML with
 * the same content. {@code security: starttls} (the default) refuses to send unless the server
 * upgrades the connection with STARTTLS, {@code ssl} is TLS from the first byte (port 465),
 * {@code none} is for a relay on the same host only. The server's certificate and host name are
 * checked, against the system's CAs and those of {@code ca_file}. A {@code username} makes it log in
 * (AUTH) with {@code password}.
 *
 * <p>Every message of an incident threads under the first (In-Reply-To and References point at the
 * {@code incident.opened} message's Message-ID, derived from the dedup key), and a delivery keeps
 * its Message-ID across retries, so a mail system that collapses identical Message-IDs absorbs a
 * repeated delivery. Acknowledgements are not mailed.
 */
final class EmailChannel implements Channel {
    record Settings(String from, List<String> to, Smtp smtp) {}

    record Smtp(String host, Integer port, String security, String username, String password, String caFile) {}

    static final Block<Settings> SETTINGS = Block.of("email", Settings.class, null, """
            {
              "description": "e-mail over SMTP: plain text and HTML, every message of an incident in one thread",
              "required": ["from", "to", "smtp"],
              "properties": {
                "from": {"$ref": "#/$defs/text", "description": "the sender's address"},
                "to": {"$ref": "#/$defs/texts", "minItems": 1, "x-missing": "is required: a list of addresses"},
                "smtp": {
                  "type": "object", "additionalProperties": false, "required": ["host"],
                  "x-missing": "is required: host, port, security, username, password",
                  "properties": {
                    "host": {"$ref": "#/$defs/secret"},
                    "port": {"$ref": "#/$defs/integer", "minimum": 1, "maximum": 65535, "description": "default 587, or 465 with security: ssl"},
                    "security": {
                      "enum": ["starttls", "ssl", "none"], "errorMessage": "must be starttls, ssl or none", "default": "starttls",
                      "description": "starttls (required, the default), ssl (TLS from the start, port 465), none (local relay only)"
                    },
                    "username": {"$ref": "#/$defs/text", "description": "with a username, mcpwatch logs in (AUTH)"},
                    "password": {"$ref": "#/$defs/secret", "description": "required with a username"},
                    "ca_file": {"$ref": "#/$defs/text", "description": "also trust these CAs (PEM)"}
                  }
                }
              }
            }
            """);

    enum Security { STARTTLS, SSL, NONE }

    private final Channels.Common common;
    private final InternetAddress from;
    private final List<InternetAddress> to;
    private final String host;
    private final int port;
    private final Security security;
    private final String username;
    private final String password;
    private final SSLSocketFactory tls;

    private EmailChannel(Channels.Common common, InternetAddress from, List<InternetAddress> to, String host, int port, Security security,
            String username, String password, SSLSocketFactory tls) {
        this.common = common;
        this.from = from;
        this.to = List.copyOf(to);
        this.host = host;
        this.port = port;
        this.security = security;
        this.username = username;
        this.password = password;
        this.tls = tls;
    }

    static EmailChannel create(Channels.Common common, Settings s, Section at) {
        InternetAddress from = address(at.at("from"), s.from());
        List<InternetAddress> to = new ArrayList<>();
        for (String recipient : s.to() == null ? List.<String>of() : s.to()) {
            InternetAddress a = address(at.at("to"), recipient);
            if (a != null) {
                to.add(a);
            }
        }
        Smtp smtp = s.smtp();
        if (smtp == null) {
            return null;
        }
        Section smtpAt = at.at("smtp");
        String host = Channels.secret(smtp.host());
        Security security = smtp.security() == null ? Security.STARTTLS : Security.valueOf(smtp.security().toUpperCase(Locale.ROOT));
        int port = smtp.port() != null ? smtp.port() : security == Security.SSL ? 465 : 587;
        String username = blankToNull(smtp.username());
        if (username != null && !smtpAt.written("password")) {
            smtpAt.at("password").problem("is required with a username (write it as ${ENV_VAR})");
        }
        SSLSocketFactory tls = null;
        if (smtp.caFile() != null) {
            try {
                tls = trusting(Path.of(smtp.caFile()));
            } catch (IOException | GeneralSecurityException e) {
                smtpAt.at("ca_file").problem("cannot be read as PEM certificates: " + e.getMessage());
            }
        }
        return new EmailChannel(common, from, to, host, port, security, username, smtp.password() == null ? "" : smtp.password(), tls);
    }

    private static InternetAddress address(Section where, String text) {
        if (text == null) {
            return null;
        }
        try {
            return new InternetAddress(text, true);
        } catch (AddressException e) {
            where.problem("'" + text + "' is not an e-mail address: " + e.getMessage());
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A socket factory trusting the system's CAs and those in {@code pem}. */
    private static SSLSocketFactory trusting(Path pem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        system.init((KeyStore) null);
        int i = 0;
        for (TrustManager tm : system.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                for (X509Certificate c : x.getAcceptedIssuers()) {
                    store.setCertificateEntry("system-" + i++, c);
                }
            }
        }
        try (InputStream in = Files.newInputStream(pem)) {
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("file-" + n++, c);
            }
            if (n == 0) {
                throw new GeneralSecurityException("no certificates in " + pem);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    Session session(Duration timeout) {
        Properties p = new Properties();
        String ms = Long.toString(timeout.toMillis());
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", Integer.toString(port));
        p.put("mail.smtp.connectiontimeout", ms);
        p.put("mail.smtp.timeout", ms);
        p.put("mail.smtp.writetimeout", ms);
        p.put("mail.smtp.auth", Boolean.toString(username != null));
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        switch (security) {
            case STARTTLS -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
            }
            case SSL -> p.put("mail.smtp.ssl.enable", "true");
            case NONE -> { }
        }
        if (tls != null) {
            p.put("mail.smtp.ssl.socketFactory", tls);
        }
        return Session.getInstance(p);
    }

    /** The message, plain text and HTML, threaded under the incident's first message. */
    MimeMessage message(Session session, Alert a, Attempt attempt) throws MessagingException {
        String domain = from.getAddress().contains("@") ? from.getAddress().substring(from.getAddress().indexOf('@') + 1) : "mcpwatch";
        String thread = "<" + a.dedupKey().replaceAll("[^A-Za-z0-9.-]", ".") + "@" + domain + ">";
        boolean first = !a.isIncident() || a.event().equals("incident.opened");
        String messageId = first ? thread : "<" + a.dedupKey().replaceAll("[^A-Za-z0-9.-]", ".") + "." + attempt.deliveryId() + "@" + domain + ">";
        MimeMessage m = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        m.setFrom(from);
        m.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
        m.setSubject(Render.title(a), "UTF-8");
        m.setSentDate(Date.from(attempt.at()));
        m.setHeader("X-Mcpwatch-Event", a.event());
        m.setHeader("X-Mcpwatch-Dedup-Key", a.dedupKey());
        if (!first) {
            m.setHeader("In-Reply-To", thread);
            m.setHeader("References", thread);
        }
        MimeBodyPart text = new MimeBodyPart();
        text.setText(Render.plain(a), "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent(html(a), "text/html; charset=UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        return m;
    }

    static String html(Alert a) {
        StringBuilder s = new StringBuilder("<!doctype html><html><body style=\"font-family:sans-serif\">");
        s.append("<h2 style=\"color:").append(Render.hex(Render.color(a))).append("\">").append(escape(Render.title(a))).append("</h2>");
        if (a.message() != null) {
            s.append("<p>").append(escape(a.message())).append("</p>");
        }
        List<Render.Fact> facts = Render.facts(a);
        if (!facts.isEmpty()) {
            s.append("<table cellpadding=\"4\">");
            for (Render.Fact f : facts) {
                s.append("<tr><th align=\"left\">").append(escape(f.label())).append("</th><td>").append(escape(f.value())).append("</td></tr>");
            }
            s.append("</table>");
        }
        List<String> lines = Render.digestLines(a);
        if (!lines.isEmpty()) {
            s.append("<ul>");
            lines.forEach(l -> s.append("<li>").append(escape(l)).append("</li>"));
            s.append("</ul>");
        }
        List<Render.Link> links = Render.links(a);
        if (!links.isEmpty()) {
            s.append("<p>");
            for (Render.Link l : links) {
                s.append("<a href=\"").append(escape(l.url())).append("\">").append(escape(l.label())).append("</a> &nbsp; ");
            }
            s.append("</p>");
        }
        s.append("<p style=\"color:#6B7280;font-size:small\">mcpwatch · ").append(escape(a.event())).append(" · ")
                .append(escape(a.dedupKey())).append("</p></body></html>");
        return s.toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    @Override
    public Result send(Alert alert, Attempt attempt) {
        Session session = session(attempt.timeout());
        try (Transport transport = session.getTransport(security == Security.SSL ? "smtps" : "smtp")) {
            MimeMessage m = message(session, alert, attempt);
            transport.connect(host, port, username, username == null ? null : password);
            transport.sendMessage(m, m.getAllRecipients());
            return Result.delivered(250);
        } catch (SendFailedException e) {
            boolean noneValid = e.getValidSentAddresses() == null && e.getValidUnsentAddresses() == null && e.getInvalidAddresses() != null;
            return noneValid ? Result.failed(null, "no recipient accepted: " + e.getMessage()) : Result.retry(null, message(e));
        } catch (MessagingException e) {
            return Result.retry(null, message(e));
        }
    }

    private static String message(MessagingException e) {
        StringBuilder s = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(String.valueOf(e.getMessage()).strip());
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !String.valueOf(e.getMessage()).contains(cause.getMessage())) {
            s.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(')');
        }
        return Http.clip(s.toString().replace('\n', ' '), 400);
    }

    @Override
    public Channels.Common common() {
        return common;
    }

    @Override
    public String type() {
        return "email";
    }

    @Override
    public String disabledBecause() {
        if (host == null || host.isEmpty()) {
            return "smtp.host is empty (is its environment variable set?)";
        }
        if (username != null && password.isEmpty()) {
            return "smtp.password is empty (is its environment variable set?)";
        }
        return null;
    }

    @Override
    public boolean accepts(String event) {
        return !event.equals("incident.acknowledged");
    }

    @Override
    public String toString() {
        return "email channel " + name() + " to " + to.size() + " recipient(s) via " + security.name().toLowerCase(Locale.ROOT);
    }
}
