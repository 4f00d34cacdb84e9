package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may use the dashboard and the API: operators (a password hash each), their browser sessions
 * and the API tokens. Sessions and tokens are stored by hash only; see {@code dev.mcpwatch.auth}.
 */
public final class AuthStore {

    public record Session(String tokenHash, String username, String csrfToken, long createdAt, long lastSeenAt, long expiresAt) {}

    public record Token(long id, String name, String hint, String createdBy, long createdAt, Long lastUsedAt, Long revokedAt) {}

    // ---- users --------------------------------------------------------------------------------

    public boolean anyUser(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users LIMIT 1"); ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** The stored password hash of a user, or null when there is no such user. */
    public String passwordHash(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM users WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public void setPassword(Connection c, String username, String hash, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (username, password_hash, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, "
                + "updated_at = excluded.updated_at")) {
            Sql.bindAll(ps, username, hash, now, now);
            ps.executeUpdate();
        }
    }

    // ---- sessions -----------------------------------------------------------------------------

    public void createSession(Connection c, Session s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sessions (token_hash, username, csrf_token, created_at, last_seen_at, "
                + "expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            Sql.bindAll(ps, s.tokenHash(), s.username(), s.csrfToken(), s.createdAt(), s.lastSeenAt(), s.expiresAt());
            ps.executeUpdate();
        }
    }

    public Session session(Connection c, String tokenHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT token_hash, username, csrf_token, created_at, last_seen_at, expires_at "
                + "FROM sessions WHERE token_hash = ?")) {
            ps.setString(1, tokenHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Session(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6)) : null;
            }
        }
    }

    public void touchSession(Connection c, String tokenHash, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")) {
            Sql.bindAll(ps, now, tokenHash);
            ps.executeUpdate();
        }
    }

    public void deleteSession(Connection c, String tokenHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE token_hash = ?")) {
            ps.setString(1, tokenHash);
            ps.executeUpdate();
        }
    }

    /** Ends every session of a user (after a password change). */
    public void deleteSessions(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE username = ?")) {
            ps.setString(1, username);
            ps.executeUpdate();
        }
    }

    public int deleteExpiredSessions(Connection c, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE expires_at < ?")) {
            ps.setLong(1, now);
            return ps.executeUpdate();
        }
    }

    // ---- API tokens ---------------------------------------------------------------------------

    public long createToken(Connection c, String name, String tokenHash, String hint, String createdBy, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_tokens (name, token_hash, hint, created_by, created_at) "
                + "VALUES (?, ?, ?, ?, ?) RETURNING id")) {
            Sql.bindAll(ps, name, tokenHash, hint, createdBy, now);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The live (not revoked) token with this hash, or null. */
    public Token liveToken(Connection c, String tokenHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, hint, created_by, created_at, last_used_at, revoked_at "
                + "FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL")) {
            ps.setString(1, tokenHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? token(rs) : null;
            }
        }
    }

    public void tokenUsed(Connection c, long id, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")) {
            Sql.bindAll(ps, now, id);
            ps.executeUpdate();
        }
    }

    /** Revokes a token; false when there is no live token with this id. */
    public boolean revokeToken(Connection c, long id, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            Sql.bindAll(ps, now, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Every token, live ones first, newest first. */
    public List<Token> tokens(Connection c) throws SQLException {
        List<Token> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, hint, created_by, created_at, last_used_at, revoked_at "
                + "FROM api_tokens ORDER BY CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END, id DESC");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(token(rs));
            }
        }
        return out;
    }

    private static Token token(ResultSet rs) throws SQLException {
        return new Token(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), Sql.longOrNull(rs, "last_used_at"),
                Sql.longOrNull(rs, "revoked_at"));
    }
}
