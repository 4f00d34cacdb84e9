package dev.mcpwatch.postmortem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentStatus;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which incidents the runbook guide wants a postmortem for, and what a draft says while facts are missing. */
class PostmortemDraftTest {
    private static final long ONSET = 1_900_000_000_000L;
    private static final long MIN = Duration.ofMinutes(1).toMillis();

    private static Incident incident(Severity severity, Long resolvedAfterMin, Long ackAt) {
        return new Incident(5, "search", resolvedAfterMin == null ? IncidentStatus.OPEN : IncidentStatus.RESOLVED, severity,
                new Failure(Reason.TOOLS_MISSING, Phase.TOOLS_LIST, "search_web is missing"), ONSET, ONSET + 30_000, ONSET + 31_000, ackAt,
                resolvedAfterMin == null ? null : ONSET + resolvedAfterMin * MIN, resolvedAfterMin == null ? null : "recovered", 3, 1L, 3L,
                severity);
    }

    @Test
    void everyP1AndEveryP2OverThirtyMinutesNeedsOneAndNothingElseDoes() {
        assertThat(PostmortemDraft.required(incident(Severity.P1, 2L, null), List.of(), ONSET)).isTrue();
        assertThat(PostmortemDraft.required(incident(Severity.P2, 31L, null), List.of(), ONSET)).isTrue();
        assertThat(PostmortemDraft.required(incident(Severity.P2, 29L, null), List.of(), ONSET)).isFalse();
        assertThat(PostmortemDraft.required(incident(Severity.P2, null, null), List.of(), ONSET + 45 * MIN)).as("open 45 min").isTrue();
        assertThat(PostmortemDraft.required(incident(Severity.P3, 300L, null), List.of(), ONSET)).isFalse();
        TimelineEvent rose = new TimelineEvent(1, 5, ONSET + MIN, "severity", Json.object().put("from", "P2").put("to", "P1").put("why", "all tools"));
        assertThat(PostmortemDraft.required(incident(Severity.P2, 5L, null), List.of(rose), ONSET)).as("a P2 that became a P1").isTrue();
    }

    @Test
    void anOpenUnacknowledgedIncidentsDraftSaysWhatIsNotKnownYet() {
        var draft = PostmortemDraft.write(new PostmortemDraft.Facts(incident(Severity.P2, null, null), "search", "search", List.of(),
                List.of(), ONSET + 40 * MIN));
        assertThat(draft.markdown()).contains("**Severity:** P2", "**Duration:** 40 min so far (still open)", "**Affected server(s):** `search`")
                .contains("`search` was degraded for 40 min, from 17:46:40 UTC (still open)")
                .contains("- --:--:-- UTC — On-call paged via [no alert delivery recorded]")
                .contains("- --:--:-- UTC — First response: [who, what action] (no acknowledgement recorded)")
                .contains("- --:--:-- UTC — Root cause identified: [what it was] (no \"identified\" status update was posted)")
                .contains("- --:--:-- UTC — mcpwatch confirmed recovery: [not yet: the incident is open]")
                .contains("- MTTA (alert to acknowledgement): not acknowledged", "- MTTR (detection to recovery): still open")
                .contains("none seen (same tool list and server version)");
        assertThat(draft.shortForm()).contains("is not recovered yet").contains("nobody acknowledged").hasLineCount(5);
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(PostmortemDraft.minutes(47_000)).isEqualTo("47 s");
        assertThat(PostmortemDraft.minutes(150_000)).isEqualTo("2 min 30 s");
        assertThat(PostmortemDraft.minutes(12 * MIN + 5_000)).isEqualTo("12 min");
        assertThat(PostmortemDraft.minutes(125 * MIN)).isEqualTo("2 h 5 min");
    }
}
