package dev.mcpwatch.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Passwords are kept as salted PBKDF2-SHA256 hashes that name their own cost. */
class PasswordsTest {

    @Test
    void aHashVerifiesItsPasswordAndNoOther() {
        String hash = Passwords.hash("correct horse battery");

        assertThat(hash).startsWith("pbkdf2-sha256$600000$").doesNotContain("correct horse");
        assertThat(Passwords.verify("correct horse battery", hash)).isTrue();
        assertThat(Passwords.verify("correct horse batterY", hash)).isFalse();
        assertThat(Passwords.verify("", hash)).isFalse();
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTimeBecauseOfTheSalt() {
        assertThat(Passwords.hash("same password", 1_000)).isNotEqualTo(Passwords.hash("same password", 1_000));
    }

    @Test
    void aHashWithAnotherIterationCountStillVerifies() {
        assertThat(Passwords.verify("old and cheap", Passwords.hash("old and cheap", 1_000))).isTrue();
    }

    @Test
    void aMalformedStoredHashIsAWrongPasswordNotACrash() {
        assertThat(Passwords.verify("x", "plain-text")).isFalse();
        assertThat(Passwords.verify("x", "pbkdf2-sha256$notanumber$AAAA$AAAA")).isFalse();
        assertThat(Passwords.verify("x", null)).isFalse();
    }

    @Test
    void shortPasswordsAreRefusedWithTheReason() {
        assertThat(Passwords.weakness("short")).isEqualTo("the password must have at least 10 characters");
        assertThat(Passwords.weakness("long enough!")).isNull();
    }
}
