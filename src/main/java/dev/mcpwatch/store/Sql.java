package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How every store runs its SQL: every row a query returns ({@link #list}), the first one
 * ({@link #one}), or a change ({@link #update}); values bound in order, null-safe, the same way for
 * SQLite and PostgreSQL. A row is read by a {@link Row} the store defines once per table.
 */
final class Sql {
    private Sql() {}

    /** Reads the current row of a result into a value. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    static <T> List<T> list(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.read(rs));
                }
                return out;
            }
        }
    }

    /** The first row, or null when there is none. */
    static <T> T one(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row.read(rs) : null;
            }
        }
    }

    /** An INSERT, UPDATE or DELETE; returns how many rows it changed. */
    /**
     * The integer key {@code table} gives {@code name} (in {@code nameColumn}), inserted on first use;
     * {@code ON CONFLICT DO NOTHING} and a second read, because two nodes may both see it first.
     */
    static long keyOf(Connection c, String table, String keyColumn, String nameColumn, String name) throws SQLException {
        String read = "SELECT " + keyColumn + " FROM " + table + " WHERE " + nameColumn + " = ?";
        Long key = one(c, read, rs -> rs.getLong(1), name);
        if (key != null) {
            return key;
        }
        update(c, "INSERT INTO " + table + " (" + nameColumn + ") VALUES (?) ON CONFLICT (" + nameColumn + ") DO NOTHING", name);
        return one(c, read, rs -> rs.getLong(1), name);
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(ps, args);
            return ps.executeUpdate();
        }
    }

    /**
     * The conditions of a filtered list that apply — a condition whose value is null is left out —
     * and their values in order: {@code "SELECT * FROM t" + where.sql() + " ORDER BY id DESC LIMIT ?"}.
     */
    static final class Where {
        private final StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
        private final List<Object> args = new ArrayList<>();

        /** {@code condition} with a {@code ?} for each of {@code values}, unless one of them is null. */
        Where and(String condition, Object... values) {
            if (Arrays.stream(values).allMatch(Objects::nonNull)) {
                sql.append(" AND ").append(condition);
                args.addAll(List.of(values));
            }
            return this;
        }

        /** {@code condition} without values, when {@code applies}. */
        Where andIf(boolean applies, String condition) {
            if (applies) {
                sql.append(" AND ").append(condition);
            }
            return this;
        }

        String sql() {
            return sql.toString();
        }

        /** The conditions' values, then {@code more} (a limit, say). */
        Object[] args(Object... more) {
            List<Object> all = new ArrayList<>(args);
            all.addAll(List.of(more));
            return all.toArray();
        }
    }

    /** {@code n} placeholders for an IN list: {@code ?, ?, ?}. */
    static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        switch (v) {
            case null -> ps.setNull(i, Types.NULL);
            case String s -> ps.setString(i, s);
            case Long l -> ps.setLong(i, l);
            case Integer n -> ps.setInt(i, n);
            case Double d -> ps.setDouble(i, d);
            case Boolean b -> ps.setBoolean(i, b);
            case byte[] b -> ps.setBytes(i, b);
            default -> throw new IllegalArgumentException("cannot bind " + v.getClass());
        }
    }

    static PreparedStatement bindAll(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            bind(ps, i + 1, values[i]);
        }
        return ps;
    }

    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Integer intOrNull(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    static Boolean boolOrNull(ResultSet rs, String column) throws SQLException {
        boolean v = rs.getBoolean(column);
        return rs.wasNull() ? null : v;
    }
}
