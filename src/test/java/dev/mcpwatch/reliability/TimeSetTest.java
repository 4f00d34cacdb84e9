package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Unwatched time (maintenance, pauses) and the watched durations measured around it. */
class TimeSetTest {

    @Test
    void overlappingAndTouchingSpansMergeIntoOne() {
        TimeSet s = TimeSet.of(List.of(new Span(50, 60), new Span(10, 20), new Span(15, 30), new Span(30, 40), new Span(70, 70)));
        assertThat(s.spans()).containsExactly(new Span(10, 40), new Span(50, 60));
    }

    @Test
    void outsideIsTheDurationLessTheTimeInsideTheSet() {
        TimeSet s = TimeSet.of(List.of(new Span(100, 200), new Span(300, 400)));
        assertThat(s.outside(0, 500)).isEqualTo(300);
        assertThat(s.outside(150, 350)).isEqualTo(100);
        assertThat(s.outside(120, 180)).isZero();
        assertThat(s.outside(500, 400)).as("a duration that ends before it starts is no time").isZero();
        assertThat(s.within(0, 1_000)).isEqualTo(200);
    }

    @Test
    void aSpanStartIsInsideAndItsEndIsNot() {
        TimeSet s = TimeSet.of(List.of(new Span(100, 200)));
        assertThat(s.contains(100)).isTrue();
        assertThat(s.contains(199)).isTrue();
        assertThat(s.contains(200)).isFalse();
        assertThat(s.covers(100, 200)).isTrue();
        assertThat(s.covers(99, 200)).isFalse();
        assertThat(s.touches(199, 300)).isTrue();
        assertThat(s.touches(200, 300)).isFalse();
    }

    @Test
    void unionKeepsBoth() {
        TimeSet maintenance = TimeSet.of(List.of(new Span(0, 10)));
        TimeSet paused = TimeSet.of(List.of(new Span(5, 20), new Span(40, 50)));
        assertThat(maintenance.union(paused).spans()).containsExactly(new Span(0, 20), new Span(40, 50));
    }

    @Test
    void aSpanThatEndsBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> new Span(10, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends before it starts");
    }
}
