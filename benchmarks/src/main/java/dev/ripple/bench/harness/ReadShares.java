package dev.ripple.bench.harness;

import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.RippleFile;
import dev.ripple.io.Extent;
import dev.ripple.io.ReadPlan;
import dev.ripple.io.ReadPlanner;
import dev.ripple.placement.trace.ActivationTrace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.roaringbitmap.ImmutableBitmapDataProvider;

/**
 * The profiled seed of the linking policy: per layer and slot, the reads a slot stands for over a
 * calibration trace, planned exactly as the runtime plans them. Each token-layer's needed slots
 * are planned with the runtime's planner over the placed file; each of the n slots of a read gets
 * 1/n. This is the read-aware counterpart of the activation counts that seed "lfu": an isolated
 * slot earns one operation per activation, a slot of a long read a fraction, because caching it
 * removes a read only together with the read's other slots.
 */
public final class ReadShares {
    private ReadShares() {}

    /**
     * @param calibration trace of the calibration split (neuron ids)
     * @param file        the placed {@code .ripple} file whose slot order and offsets the runtime reads
     * @param planner     the runtime's planner (cost model, alignment)
     */
    public static double[][] of(ActivationTrace calibration, Path file, ReadPlanner planner) throws IOException {
        try (RippleFile f = RippleFile.open(file)) {
            List<FfnLayerSection> layers = f.layers();
            double[][] shares = new double[layers.size()][];
            for (FfnLayerSection layer : layers) {
                int l = layer.spec().index();
                int[] toSlot = layer.neuronToSlot();
                int bundle = layer.spec().bundleBytes();
                double[] share = new double[toSlot.length];
                List<Extent> extents = new ArrayList<>();
                for (ImmutableBitmapDataProvider active : calibration.layer(l)) {
                    int[] slots = active.toArray();
                    for (int i = 0; i < slots.length; i++) {
                        slots[i] = toSlot[slots[i]];
                    }
                    Arrays.sort(slots);
                    extents.clear();
                    for (int s : slots) {
                        extents.add(new Extent(layer.bundleOffset(s), bundle));
                    }
                    if (slots.length == 0) {
                        continue;
                    }
                    ReadPlan plan = planner.plan(extents);
                    int[] size = new int[plan.operations()];
                    for (int i = 0; i < slots.length; i++) {
                        size[plan.readOf(i)]++;
                    }
                    for (int i = 0; i < slots.length; i++) {
                        share[slots[i]] += 1.0 / size[plan.readOf(i)];
                    }
                }
                shares[l] = share;
            }
            return shares;
        }
    }
}
