package dev.mcpwatch.oauth;

import dev.mcpwatch.probe.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import okhttp3.HttpUrl;
import tools.jackson.databind.node.ObjectNode;

/**
 * The key a monitor proves possession of for DPoP-bound tokens (RFC 9449): an EC P-256 key, and the
 * ES256 proofs made with it, one fresh proof (new jti) per request. A login's key is kept with its
 * grant, because the refresh token is bound to it too.
 */
final class DpopKey {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ECPrivateKey privateKey;
    private final ECPublicKey publicKey;

    private DpopKey(ECPrivateKey privateKey, ECPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    static DpopKey generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            return new DpopKey((ECPrivateKey) kp.getPrivate(), (ECPublicKey) kp.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is part of every JDK", e);
        }
    }

    /** The key pair (PKCS#8 and X.509, in base64, joined by a dot), to keep sealed with a grant. */
    String export() {
        return Base64.getEncoder().encodeToString(privateKey.getEncoded()) + "." + Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    static DpopKey restore(String exported) throws OAuthException {
        try {
            String[] parts = exported.split("\\.");
            KeyFactory f = KeyFactory.getInstance("EC");
            ECPrivateKey priv = (ECPrivateKey) f.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(parts[0])));
            ECPublicKey pub = (ECPublicKey) f.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(parts[1])));
            return new DpopKey(priv, pub);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new OAuthException("the stored DPoP key cannot be read; log in again");
        }
    }

    /** A proof for one request: method, URL without query and fragment, and for a resource request the token's hash and a nonce. */
    String proof(String method, HttpUrl url, String accessToken, String nonce, Instant now) {
        ObjectNode header = Json.object();
        header.put("typ", "dpop+jwt");
        header.put("alg", "ES256");
        header.set("jwk", jwk());
        ObjectNode claims = Json.object();
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("htm", method);
        claims.put("htu", url.newBuilder().query(null).fragment(null).build().toString());
        claims.put("iat", now.getEpochSecond());
        if (accessToken != null) {
            claims.put("ath", B64.encodeToString(sha256(accessToken)));
        }
        if (nonce != null) {
            claims.put("nonce", nonce);
        }
        String input = B64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(privateKey);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 is part of every JDK", e);
        }
    }

    private ObjectNode jwk() {
        ObjectNode jwk = Json.object();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("x", B64.encodeToString(unsigned(publicKey.getW().getAffineX())));
        jwk.put("y", B64.encodeToString(unsigned(publicKey.getW().getAffineY())));
        return jwk;
    }

    /** A coordinate as exactly 32 big-endian bytes (RFC 7518 §6.2.1.2). */
    private static byte[] unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        if (b.length == 32) {
            return b;
        }
        byte[] out = new byte[32];
        if (b.length > 32) {
            System.arraycopy(b, b.length - 32, out, 0, 32);
        } else {
            System.arraycopy(b, 0, out, 32 - b.length, b.length);
        }
        return out;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "DpopKey[P-256, " + Arrays.hashCode(publicKey.getEncoded()) + "]";
    }
}
