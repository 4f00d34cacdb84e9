package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Who may use the dashboard and the API: operators (a password hash each), their browser sessions
 * and the API tokens. Sessions and tokens are stored by hash only; see {@code dev.mcpwatch.auth}.
 */
public final class AuthStore {

    public record Session(String tokenHash, String username, String csrfToken, long createdAt, long lastSeenAt, long expiresAt) {}

    /** {@code readOnly}: the token reads but may change nothing, through /api or /mcp. */
    public record Token(long id, String name, String hint, String createdBy, long createdAt, Long lastUsedAt, Long revokedAt, boolean readOnly) {}

    // ---- users --------------------------------------------------------------------------------

    public boolean anyUser(Connection c) throws SQLException {
        return Sql.one(c, "SELECT 1 FROM users LIMIT 1", rs -> true) != null;
    }

    /** The stored password hash of a user, or null when there is no such user. */
    public String passwordHash(Connection c, String username) throws SQLException {
        return Sql.one(c, "SELECT password_hash FROM users WHERE username = ?", rs -> rs.getString(1), username);
    }

    public void setPassword(Connection c, String username, String hash, long now) throws SQLException {
        Sql.update(c, "INSERT INTO users (username, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at", username,
                hash, now, now);
    }

    // ---- sessions -----------------------------------------------------------------------------

    public void createSession(Connection c, Session s) throws SQLException {
        Sql.update(c, "INSERT INTO sessions (token_hash, username, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                s.tokenHash(), s.username(), s.csrfToken(), s.createdAt(), s.lastSeenAt(), s.expiresAt());
    }

    public Session session(Connection c, String tokenHash) throws SQLException {
        return Sql.one(c, "SELECT token_hash, username, csrf_token, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = ?",
                rs -> new Session(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)), tokenHash);
    }

    public void touchSession(Connection c, String tokenHash, long now) throws SQLException {
        Sql.update(c, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", now, tokenHash);
    }

    public void deleteSession(Connection c, String tokenHash) throws SQLException {
        Sql.update(c, "DELETE FROM sessions WHERE token_hash = ?", tokenHash);
    }

    /** Ends every session of a user (after a password change). */
    public void deleteSessions(Connection c, String username) throws SQLException {
        Sql.update(c, "DELETE FROM sessions WHERE username = ?", username);
    }

    public int deleteExpiredSessions(Connection c, long now) throws SQLException {
        return Sql.update(c, "DELETE FROM sessions WHERE expires_at < ?", now);
    }

    // ---- API tokens ---------------------------------------------------------------------------

    public long createToken(Connection c, String name, String tokenHash, String hint, String createdBy, long now) throws SQLException {
        return createToken(c, name, tokenHash, hint, createdBy, false, now);
    }

    public long createToken(Connection c, String name, String tokenHash, String hint, String createdBy, boolean readOnly, long now)
            throws SQLException {
        return Sql.one(c, "INSERT INTO api_tokens (name, token_hash, hint, created_by, read_only, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                rs -> rs.getLong(1), name, tokenHash, hint, createdBy, readOnly, now);
    }

    /** The live (not revoked) token with this hash, or null. */
    public Token liveToken(Connection c, String tokenHash) throws SQLException {
        return Sql.one(c, TOKEN + " WHERE token_hash = ? AND revoked_at IS NULL", AuthStore::token, tokenHash);
    }

    public void tokenUsed(Connection c, long id, long now) throws SQLException {
        Sql.update(c, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, id);
    }

    /** Revokes a token; false when there is no live token with this id. */
    public boolean revokeToken(Connection c, long id, long now) throws SQLException {
        return Sql.update(c, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, id) == 1;
    }

    /** Every token, live ones first, newest first. */
    public List<Token> tokens(Connection c) throws SQLException {
        return Sql.list(c, TOKEN + " ORDER BY CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END, id DESC", AuthStore::token);
    }

    private static final String TOKEN = "SELECT id, name, hint, created_by, created_at, last_used_at, revoked_at, read_only FROM api_tokens";

    private static Token token(ResultSet rs) throws SQLException {
        return new Token(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), Sql.longOrNull(rs, "last_used_at"),
                Sql.longOrNull(rs, "revoked_at"), rs.getBoolean("read_only"));
    }
}
