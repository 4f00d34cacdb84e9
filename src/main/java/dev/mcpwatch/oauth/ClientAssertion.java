package dev.mcpwatch.oauth;

import dev.mcpwatch.probe.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 §2.2, OpenID Connect Core §9): a short-lived
 * JWT signed with the client's private key, issued and subject the client id, audience the
 * authorization server's issuer identifier. Signed with the JDK alone (ES256/ES384 in the JOSE
 * R||S form, RS256, PS256).
 */
final class ClientAssertion {
    static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private ClientAssertion() {}

    static String sign(String clientId, String audience, String pem, String algorithm, Instant now) throws OAuthException {
        String alg = algorithm == null ? "ES256" : algorithm;
        ObjectNode header = Json.object();
        header.put("alg", alg);
        header.put("typ", "JWT");
        ObjectNode claims = Json.object();
        claims.put("iss", clientId);
        claims.put("sub", clientId);
        claims.put("aud", audience);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.getEpochSecond() + 60);
        String input = B64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = signature(alg);
            s.initSign(privateKey(pem, alg));
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new OAuthException("cannot sign the client assertion with " + alg + ": " + e.getMessage());
        }
    }

    private static Signature signature(String alg) throws GeneralSecurityException, OAuthException {
        return switch (alg) {
            case "ES256" -> Signature.getInstance("SHA256withECDSAinP1363Format");
            case "ES384" -> Signature.getInstance("SHA384withECDSAinP1363Format");
            case "RS256" -> Signature.getInstance("SHA256withRSA");
            case "PS256" -> {
                Signature s = Signature.getInstance("RSASSA-PSS");
                s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                yield s;
            }
            default -> throw new OAuthException("signing algorithm " + alg + " is not supported (ES256, ES384, RS256, PS256)");
        };
    }

    /** A PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), EC for ES*, RSA for RS* and PS*. */
    static PrivateKey privateKey(String pem, String alg) throws OAuthException {
        String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        if (pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new OAuthException("the private key is in a legacy PEM form; convert it to PKCS#8 "
                    + "(openssl pkcs8 -topk8 -nocrypt -in key.pem)");
        }
        try {
            byte[] der = Base64.getDecoder().decode(body);
            return KeyFactory.getInstance(alg.startsWith("ES") ? "EC" : "RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new OAuthException("the private key is not a PKCS#8 PEM " + (alg.startsWith("ES") ? "EC" : "RSA") + " key");
        }
    }
}
