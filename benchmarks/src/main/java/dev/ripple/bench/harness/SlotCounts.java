package dev.ripple.bench.harness;

import dev.ripple.placement.trace.ActivationTrace;
import org.roaringbitmap.ImmutableBitmapDataProvider;

/**
 * How often each slot of a placed file was active in a calibration trace: the profiled
 * frequencies "lfu" is seeded with (PowerInfer's offline hot set), in the file's slot order.
 */
public final class SlotCounts {
    private SlotCounts() {}

    /** {@code [layer][slot]} counts for files whose layer {@code l} holds neuron {@code orders[l][slot]} in each slot. */
    public static long[][] of(ActivationTrace calibration, int[][] orders) {
        long[][] counts = new long[orders.length][];
        for (int l = 0; l < orders.length; l++) {
            long[] byNeuron = new long[calibration.neurons(l)];
            for (ImmutableBitmapDataProvider active : calibration.layer(l)) {
                active.forEach((int n) -> byNeuron[n]++);
            }
            counts[l] = new long[orders[l].length];
            for (int slot = 0; slot < orders[l].length; slot++) {
                counts[l][slot] = byNeuron[orders[l][slot]];
            }
        }
        return counts;
    }
}
