package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The "ripple vs llm-in-a-flash" wording: a ratio is said in the direction it goes. */
class ReportTextTest {

    @Test
    void aSmallerFigureIsSaidAsLower() {
        assertEquals("1.09x lower", ReportText.compared(10.9, 10.0, "lower", "higher"));
        assertEquals("2.50x fewer", ReportText.compared(10, 4, "fewer", "more"));
    }

    @Test
    void aLargerFigureIsSaidAsHigherNotAsARatioBelowOneLower() {
        // the workload bench printed "0.99x lower mean I/O time" for ripple 53.944 ms against 53.183 ms
        assertEquals("1.01x higher", ReportText.compared(53.183, 53.944, "lower", "higher"));
        assertEquals("2.00x more", ReportText.compared(5, 10, "fewer", "more"));
    }

    @Test
    void equalFiguresAreOneTimesLower() {
        assertEquals("1.00x lower", ReportText.compared(3, 3, "lower", "higher"));
    }
}
