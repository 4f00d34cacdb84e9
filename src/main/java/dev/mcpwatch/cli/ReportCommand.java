package dev.mcpwatch.cli;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.reliability.Period;
import dev.mcpwatch.reliability.RecordReader;
import dev.mcpwatch.reliability.Report;
import dev.mcpwatch.store.Database;
import java.time.InstantSource;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcpwatch report --month 2026-11 [--tag prod] [--format md|csv|json]}: one month of the
 * reliability record beside the month before, read straight from the database (the server need not
 * run), with each monitor's figures and the incidents behind them.
 */
@Command(name = "report",
        description = {
            "Print a month of the reliability record beside the month before.",
            "Availability (maintenance excluded), incidents by severity and failure, MTTD, MTTA and MTTR (mean, median,",
            "p90), how incidents ended, time at each severity and the change from the month before; then each monitor's",
            "figures and the incidents. Definitions: docs/reliability.md.",
            "Reads the database of --config (or ./mcpwatch.yaml), or --db. Exit codes: 0 printed, 1 a usage error or unknown scope."
        },
        mixinStandardHelpOptions = true)
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    Storage storage;

    @Option(names = "--month", paramLabel = "YYYY-MM", description = "The calendar month (UTC), e.g. 2026-11. Default: the last whole month.")
    String month;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only the monitors with this tag.")
    String tag;

    @Option(names = "--monitor", paramLabel = "ID", description = "Only this monitor.")
    String monitor;

    @Option(names = "--format", paramLabel = "md|csv|json", defaultValue = "md",
            description = "md (Markdown, default), csv (one row for the scope, one per monitor) or json.")
    String format;

    @Override
    public Integer call() throws Exception {
        Report.Format f;
        YearMonth m;
        RecordReader.Scope scope;
        try {
            f = Report.Format.of(format);
            m = month == null ? YearMonth.now(ZoneOffset.UTC).minusMonths(1) : Period.parseMonth(month);
            scope = RecordReader.Scope.of(monitor, tag);
        } catch (IllegalArgumentException e) {
            command.commandLine().getErr().println("mcpwatch: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try (Database db = storage.open()) {
            List<MaintenanceWindow> windows = storage.loaded == null ? List.of() : storage.loaded.alerting().maintenance();
            Report report = new RecordReader(db, () -> windows, InstantSource.system()).report(scope, m);
            var out = command.commandLine().getOut();
            out.print(report.render(f));
            out.flush();
            return 0;
        } catch (NoSuchElementException | IllegalArgumentException e) {
            command.commandLine().getErr().println("mcpwatch: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
