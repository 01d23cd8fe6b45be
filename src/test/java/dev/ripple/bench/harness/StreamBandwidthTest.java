package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bandwidth kernels compute what they claim, and a measurement gives positive, finite rates. */
class StreamBandwidthTest {

    @Test
    void vectorSumMatchesItsScalarTwinOnEveryRange() {
        Random r = new Random(3);
        float[] a = new float[1000];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        for (int[] range : new int[][] {{0, 1000}, {3, 997}, {0, 0}, {5, 6}, {17, 130}}) {
            float expected = StreamBandwidth.sumScalar(a, range[0], range[1]);
            assertEquals(
                    expected, StreamBandwidth.sum(a, range[0], range[1]), 1e-4f, "range " + range[0] + ".." + range[1]);
        }
    }

    @Test
    void triadAndCopyWriteTheirTargets() {
        float[] a = {0, 0, 0};
        float[] b = {1, 2, 3};
        float[] c = {4, 5, 6};
        StreamBandwidth.triad(a, b, c, 2f, 1, 3);
        assertEquals(0f, a[0]);
        assertEquals(12f, a[1]);
        assertEquals(15f, a[2]);
        StreamBandwidth.copy(b, c, 0, 2);
        assertEquals(1f, c[0]);
        assertEquals(2f, c[1]);
        assertEquals(6f, c[2]);
    }

    @Test
    void aSmallMeasurementGivesPositiveRates() {
        StreamBandwidth.Result r = StreamBandwidth.measure(1 << 16, 2, 2);
        assertTrue(
                r.copyGBs() > 0 && r.triadGBs() > 0 && r.readGBs() > 0 && Double.isFinite(r.bestGBs()), r.toString());
        assertEquals(Math.max(r.copyGBs(), Math.max(r.triadGBs(), r.readGBs())), r.bestGBs());
    }
}
