package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The words and figures several reports share. */
class ReportTextTest {
    @Test
    void aShareJustUnderZeroIsZeroPercentNotMinusZero() {
        assertEquals("0%", ReportText.wholePercent(-0.003));
        assertEquals("0%", ReportText.wholePercent(-0.0));
        assertEquals("-2%", ReportText.wholePercent(-0.02));
        assertEquals("45%", ReportText.wholePercent(0.449));
        assertEquals("100%", ReportText.wholePercent(1));
    }
}
