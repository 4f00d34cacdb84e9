package dev.mcpwatch.store;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A migration written in Java, numbered among the SQL ones ({@code V15}, {@code V19}…) by its
 * constructor rather than by its class name: Flyway's own base class reads the version from a name
 * like {@code V15__binary_rollups}, which is no name for a Java class. Each runs in the transaction
 * Flyway gives it, and has no checksum (its code is its definition).
 */
abstract class NumberedMigration implements JavaMigration {
    private final MigrationVersion version;
    private final String description;

    NumberedMigration(String version, String description) {
        this.version = MigrationVersion.fromVersion(version);
        this.description = description;
    }

    @Override
    public final MigrationVersion getVersion() {
        return version;
    }

    @Override
    public final String getDescription() {
        return description;
    }

    @Override
    public final Integer getChecksum() {
        return null;
    }

    @Override
    public final boolean canExecuteInTransaction() {
        return true;
    }
}
