package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.testkit.Results;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chunk gives back exactly the probes packed into it: ordinary hours (a probe a minute, a few
 * milliseconds of drift), and the edges — no probe, one probe, equal ids' neighbours, starts out of
 * order (a slow probe written after a faster later one), huge gaps and totals, a shape changing back
 * and forth, empty times — and it is about 20 bytes a probe besides its times. Times packed against
 * their shape (a phase starts where the previous ended, the total is where the last one ended) come
 * back exactly.
 */
class ProbeChunkTest {
    static final long HOUR = 1_763_632_800_000L;

    @Test
    void anHourOfProbesComesBackAsPacked() {
        Random random = new Random(3);
        List<ProbeChunk.Probe> probes = new ArrayList<>();
        long id = 9_000_000;
        for (int i = 0; i < 60; i++) {
            id += 1 + random.nextInt(2_000);
            byte[] times = new byte[14];
            random.nextBytes(times);
            probes.add(new ProbeChunk.Probe(id, HOUR + 60_000L * i + random.nextInt(40), 20_000 + random.nextInt(30_000), 17, times));
        }
        byte[] packed = ProbeChunk.encode(probes.getFirst().id(), HOUR, probes);
        assertSame(ProbeChunk.decode(probes.getFirst().id(), HOUR, packed), probes);
        assertThat((double) packed.length / probes.size()).as("bytes per probe, 14 of them its times").isLessThan(23);
    }

    @Test
    void edgeCasesComeBackAsPacked() {
        List<ProbeChunk.Probe> probes = List.of(
                new ProbeChunk.Probe(5, HOUR + 3_599_999, 0, 1, new byte[0]),
                new ProbeChunk.Probe(6, HOUR, Long.MAX_VALUE, 900_000_000_000L, new byte[] {(byte) 0xFF, 0, 0x7F}),
                new ProbeChunk.Probe(7, HOUR + 1, 1, 1, new byte[] {1}),
                new ProbeChunk.Probe(Long.MAX_VALUE / 2, HOUR + 2, 3, 900_000_000_000L, new byte[200]));
        assertSame(ProbeChunk.decode(5, HOUR, ProbeChunk.encode(5, HOUR, probes)), probes);
        assertSame(ProbeChunk.decode(1, HOUR, ProbeChunk.encode(1, HOUR, probes.subList(2, 3))), probes.subList(2, 3));
        assertThat(ProbeChunk.decode(1, HOUR, ProbeChunk.encode(1, HOUR, List.of()))).isEmpty();
    }

    @Test
    void timesPackedAgainstTheirShapeComeBackExactlyAndSmaller() {
        Random random = new Random(11);
        for (int i = 0; i < 50; i++) {
            Instant start = Instant.parse("2026-11-20T10:00:00Z").plusSeconds(60L * i).plusNanos(random.nextInt(1_000_000_000));
            ProbeResult r = Results.healthy(start, 5 + random.nextDouble() * 400);
            ObjectNode detail = (ObjectNode) Json.MAPPER.readTree(ResultStore.detail(r));
            if (i % 5 == 0) {
                ((ObjectNode) detail.path("timings").get(1)).put("durationMs", 7); // whole milliseconds are kept as they are
            }
            ProbeTimes.Split split = ProbeTimes.split(detail, start);
            ProbeTimes.Layout layout = ProbeTimes.Layout.of(Json.MAPPER.readTree(split.shape()));
            ProbeChunk.Probe row = new ProbeChunk.Probe(i, start.toEpochMilli(), ProbeTimes.micros(r.totalMs()), 1, split.times());

            ProbeChunk.Probe packed = layout.pack(row);

            assertSame(List.of(layout.unpack(packed)), List.of(row));
            assertThat(packed.times().length).as("probe %d", i).isLessThanOrEqualTo(row.times().length);
            assertThat(Math.abs(packed.totalUs())).as("the total, predicted by where the last phase ended").isLessThan(1_000);
        }
        ProbeTimes.Layout layout = ProbeTimes.Layout.of(Json.MAPPER.readTree("{\"timings\":[{\"startMs\":0}]}"));
        assertThatThrownBy(() -> layout.pack(new ProbeChunk.Probe(1, HOUR, 1, 1, new byte[] {0, 2, 2})))
                .hasMessageContaining("do not fit its shape (1 times expected)");
    }

    @Test
    void aDamagedChunkIsRefusedWithWhereItBroke() {
        byte[] packed = ProbeChunk.encode(1, HOUR, List.of(new ProbeChunk.Probe(1, HOUR + 5, 70_000, 3, new byte[] {1, 2, 3})));
        assertThatThrownBy(() -> ProbeChunk.decode(1, HOUR, Arrays.copyOf(packed, packed.length - 1)))
                .hasMessageContaining("ends early, inside a probe's times");
        assertThatThrownBy(() -> ProbeChunk.decode(1, HOUR, new byte[] {9})).hasMessageContaining("unknown layout 9");
        assertThatThrownBy(() -> ProbeChunk.encode(1, HOUR, List.of(new ProbeChunk.Probe(2, HOUR, 1, 1, new byte[0]),
                new ProbeChunk.Probe(1, HOUR, 1, 1, new byte[0])))).hasMessageContaining("out of id order");
    }

    private static void assertSame(List<ProbeChunk.Probe> actual, List<ProbeChunk.Probe> expected) {
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            ProbeChunk.Probe a = actual.get(i);
            ProbeChunk.Probe e = expected.get(i);
            assertThat(List.of(a.id(), a.startedAt(), a.totalUs(), a.shapeId())).as("probe %d", i)
                    .isEqualTo(List.of(e.id(), e.startedAt(), e.totalUs(), e.shapeId()));
            assertThat(a.times()).as("times of probe %d", i).isEqualTo(e.times());
        }
    }
}
