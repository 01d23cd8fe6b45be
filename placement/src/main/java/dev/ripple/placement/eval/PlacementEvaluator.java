package dev.ripple.placement.eval;

import dev.ripple.placement.algorithm.Permutations;
import dev.ripple.placement.trace.ActivationTrace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.roaringbitmap.ImmutableBitmapDataProvider;
import org.roaringbitmap.IntIterator;

/**
 * Measures a placement on held-out tokens: per layer and overall, active neurons per token,
 * contiguous reads per token, and reads plus extra bytes after collapsing gaps of g bundles
 * (default g = 0, 1, 2, 4, 8). Bundles of one layer are assumed equal in size, so bytes are
 * counted in bundles; the overall extra fraction is total extra bundles over total needed ones.
 *
 * <pre>{@code
 * int[][] orders = PlacementAlgorithms.placeAll(calibration, PlacementAlgorithms.byName("ripple"),
 *         new CoActivationCounter());
 * PlacementEvaluation e = new PlacementEvaluator().evaluate(heldOut, orders);
 * double reads = e.overall().readsPerToken();
 * }</pre>
 */
public final class PlacementEvaluator {
    /** The collapse gaps reported by default. */
    public static final int[] DEFAULT_GAPS = {0, 1, 2, 4, 8};

    private final int[] gaps;

    public PlacementEvaluator(int... gaps) {
        for (int g : gaps) {
            if (g < 0) {
                throw new IllegalArgumentException("collapse gap must be >= 0, got " + g);
            }
        }
        this.gaps = gaps.clone();
    }

    public PlacementEvaluator() {
        this(DEFAULT_GAPS);
    }

    /** Evaluates {@code orders[layer]} (slot -> neuron) on every layer of {@code heldOut}. */
    public PlacementEvaluation evaluate(ActivationTrace heldOut, int[][] orders) {
        if (orders.length != heldOut.layers()) {
            throw new IllegalArgumentException(
                    orders.length + " layer orders for a trace of " + heldOut.layers() + " layers");
        }
        List<LayerEvaluation> layers = new ArrayList<>();
        Totals all = new Totals(gaps.length);
        for (int l = 0; l < orders.length; l++) {
            Totals t = new Totals(gaps.length);
            tally(heldOut.layer(l), heldOut.neurons(l), orders[l], l, t);
            layers.add(new LayerEvaluation(l, t.active(), t.reads(), t.collapsed(gaps)));
            all.add(t);
        }
        return new PlacementEvaluation(new OverallEvaluation(all.active(), all.reads(), all.collapsed(gaps)), layers);
    }

    /** Evaluates one layer's order on its held-out active sets. */
    public LayerEvaluation evaluateLayer(
            int layer, List<? extends ImmutableBitmapDataProvider> tokens, int neurons, int[] order) {
        Totals t = new Totals(gaps.length);
        tally(tokens, neurons, order, layer, t);
        return new LayerEvaluation(layer, t.active(), t.reads(), t.collapsed(gaps));
    }

    private void tally(
            List<? extends ImmutableBitmapDataProvider> tokens, int neurons, int[] order, int layer, Totals t) {
        if (!Permutations.isPermutation(order, neurons)) {
            throw new IllegalArgumentException("layer " + layer + ": order of " + order.length
                    + " slots is not a permutation of 0.." + (neurons - 1));
        }
        int[] slotOf = Permutations.inverse(order);
        int[] slots = new int[neurons];
        for (ImmutableBitmapDataProvider active : tokens) {
            int count = 0;
            IntIterator it = active.getIntIterator();
            while (it.hasNext()) {
                slots[count++] = slotOf[it.next()];
            }
            Arrays.sort(slots, 0, count);
            t.tokens++;
            t.active += count;
            t.reads += ReadRuns.runs(slots, count);
            for (int g = 0; g < gaps.length; g++) {
                t.collapsedReads[g] += ReadRuns.collapsedReads(slots, count, gaps[g]);
                t.extra[g] += ReadRuns.extraSlots(slots, count, gaps[g]);
            }
        }
    }

    /** Running sums of one layer or of all. */
    private static final class Totals {
        long tokens;
        long active;
        long reads;
        final long[] collapsedReads;
        final long[] extra;

        Totals(int gaps) {
            collapsedReads = new long[gaps];
            extra = new long[gaps];
        }

        void add(Totals o) {
            tokens += o.tokens;
            active += o.active;
            reads += o.reads;
            for (int g = 0; g < extra.length; g++) {
                collapsedReads[g] += o.collapsedReads[g];
                extra[g] += o.extra[g];
            }
        }

        double active() {
            return tokens == 0 ? 0 : (double) active / tokens;
        }

        double reads() {
            return tokens == 0 ? 0 : (double) reads / tokens;
        }

        List<CollapseFigure> collapsed(int[] gaps) {
            List<CollapseFigure> out = new ArrayList<>();
            for (int g = 0; g < gaps.length; g++) {
                out.add(new CollapseFigure(
                        gaps[g],
                        tokens == 0 ? 0 : (double) collapsedReads[g] / tokens,
                        active == 0 ? 0 : (double) extra[g] / active));
            }
            return out;
        }
    }
}
