package dev.mcpwatch.oauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what mcpwatch keeps of a user's OAuth grant (AES-256-GCM, a random 96-bit nonce per seal,
 * the monitor id as associated data so a sealed grant cannot be moved to another monitor). The key
 * comes from the environment ({@value #VARIABLE}): 32 random bytes in base64 (or any secret of at
 * least 32 characters, hashed to 256 bits); it is never written anywhere.
 */
final class SecretBox {
    static final String VARIABLE = "MCPWATCH_OAUTH_KEY";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The box for a key value, or an exception saying what is wrong with it (never the value). */
    static SecretBox of(String value) throws OAuthException {
        if (value == null || value.isBlank()) {
            throw new OAuthException(VARIABLE + " is not set: mcpwatch keeps OAuth refresh tokens encrypted with it "
                    + "(create one with: openssl rand -base64 32)");
        }
        if (value.strip().length() < 32) {
            throw new OAuthException(VARIABLE + " is too short: give 32 random bytes in base64 (openssl rand -base64 32)");
        }
        try {
            return new SecretBox(MessageDigest.getInstance("SHA-256").digest(value.strip().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    String seal(String plain, String context) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return "v1:" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    String open(String sealed, String context) throws OAuthException {
        try {
            if (!sealed.startsWith("v1:")) {
                throw new OAuthException("the stored grant is in an unknown format");
            }
            byte[] in = Base64.getDecoder().decode(sealed.substring(3));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new OAuthException("the stored grant cannot be decrypted with " + VARIABLE + " (was the key changed?)");
        }
    }
}
