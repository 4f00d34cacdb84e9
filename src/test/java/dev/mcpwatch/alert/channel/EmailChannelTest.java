package dev.mcpwatch.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mcpwatch.testkit.Certificates;
import dev.mcpwatch.testkit.StartTlsFront;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The e-mail channel against a real SMTP server (GreenMail, with a user and password), reached
 * through STARTTLS with a certificate made in the test: plain text and HTML, login only inside TLS,
 * no clear-text fallback, the server's certificate checked.
 */
@Timeout(60)
class EmailChannelTest {
    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp"))
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("mcpwatch@example.com", "mcpwatch", "app-password"));

    private final Certificates certs = new Certificates();
    private StartTlsFront front;
    private Path ca;

    @BeforeEach
    void startTls() throws Exception {
        front = new StartTlsFront(smtp.getSmtp().getPort(), Certificates.serverContext(certs.valid()));
        ca = Files.createTempFile("smtp-ca", ".pem");
        Files.writeString(ca, certs.root.certificatePem());
    }

    @AfterEach
    void stop() throws Exception {
        front.close();
        Files.deleteIfExists(ca);
    }

    private Channel email(int port, String password, boolean trustTestCa) {
        return Alerts.channel("""
                alerting:
                  channels:
                    team:
                      type: email
                      from: mcpwatch@example.com
                      to: [oncall@example.com, platform@example.com]
                      smtp:
                        host: 127.0.0.1
                        port: %d
                        security: starttls
                        username: mcpwatch
                        password: %s
                %s
                """.formatted(port, password, trustTestCa ? "        ca_file: " + ca : ""));
    }

    @Test
    void sendsPlainTextAndHtmlOverStartTlsAfterLoggingInInsideTls() throws Exception {
        Result r = email(front.port(), "app-password", true).send(Alerts.opened(), Alerts.attempt());

        assertThat(r.error()).isNull();
        assertThat(r.delivered()).isTrue();
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(2); // one per recipient
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("[P1] Weather MCP is down: connection_refused (tcp layer)");
        assertThat(m.getFrom()[0].toString()).isEqualTo("mcpwatch@example.com");
        assertThat(m.getHeader("X-Mcpwatch-Dedup-Key")[0]).isEqualTo("mcpwatch:weather:incident:17");
        Multipart parts = (Multipart) m.getContent();
        assertThat(parts.getContentType()).startsWith("multipart/alternative");
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat((String) parts.getBodyPart(0).getContent()).contains("Connection refused to 127.0.0.1:443")
                .contains("Failure: connection_refused (tcp layer, in connect)").contains("Runbook: https://wiki.example.com/runbooks/weather");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) parts.getBodyPart(1).getContent()).contains("<table").contains("href=\"https://wiki.example.com/runbooks/weather\"");
        assertThat(front.clearCommands()).containsExactly("EHLO", "STARTTLS");
        assertThat(front.encryptedCommands()).contains("EHLO", "AUTH", "MAIL", "RCPT", "DATA");
    }

    @Test
    void serverTextIsEscapedInTheHtmlPart() throws Exception {
        email(front.port(), "app-password", true).send(Alerts.hostile(), Alerts.attempt());

        Multipart parts = (Multipart) smtp.getReceivedMessages()[0].getContent();
        assertThat((String) parts.getBodyPart(1).getContent()).contains("&lt;script&gt;").doesNotContain("<script>");
    }

    @Test
    void refusesToSendInClearTextWhenTheServerOffersNoStartTls() {
        Result r = email(smtp.getSmtp().getPort(), "app-password", true).send(Alerts.opened(), Alerts.attempt());

        assertThat(r.delivered()).isFalse();
        assertThat(r.outcome()).isEqualTo(Result.Outcome.RETRY);
        assertThat(r.error()).containsIgnoringCase("STARTTLS");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void refusesAServerWhoseCertificateItDoesNotTrust() {
        Result r = email(front.port(), "app-password", false).send(Alerts.opened(), Alerts.attempt());

        assertThat(r.delivered()).isFalse();
        assertThat(front.encryptedCommands()).doesNotContain("AUTH");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void aWrongPasswordIsNotDeliveredAndNotShown() {
        Result r = email(front.port(), "wrong-password", true).send(Alerts.opened(), Alerts.attempt());

        assertThat(r.delivered()).isFalse();
        assertThat(r.error()).containsIgnoringCase("authentication").doesNotContain("wrong-password");
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void laterMessagesOfAnIncidentThreadUnderTheFirstAndAcknowledgementsAreNotMailed() throws Exception {
        Channel channel = email(front.port(), "app-password", true);
        channel.send(Alerts.opened(), Alerts.attempt());
        channel.send(Alerts.resolved(), new Attempt(43, 1, Instant.now(), Duration.ofSeconds(5), null));

        MimeMessage opened = smtp.getReceivedMessagesForDomain("oncall@example.com")[0];
        MimeMessage resolved = smtp.getReceivedMessagesForDomain("oncall@example.com")[1];
        assertThat(opened.getSubject()).contains("is down");
        assertThat(resolved.getSubject()).contains("recovered");
        assertThat(resolved.getHeader("In-Reply-To")[0]).isEqualTo(opened.getMessageID());
        assertThat(resolved.getHeader("References")[0]).isEqualTo(opened.getMessageID());
        assertThat(resolved.getMessageID()).isNotEqualTo(opened.getMessageID());
        assertThat(channel.accepts("incident.acknowledged")).isFalse();
    }
}
