package dev.ripple.io.device;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Per-operation read cost as a function of size and queue depth: one {@link CostLine} per queue
 * depth, interpolated between them.
 *
 * <p>Between two modelled depths the per-operation overhead and the time per byte are interpolated
 * linearly in {@code log2(queueDepth)}, the axis devices scale on; outside the modelled range the
 * nearest line is used (a device does not get faster past its deepest measured queue).
 *
 * @param method how the lines were obtained, for reports ("fitted: ...", "preset: ...")
 * @param lines  one line per distinct queue depth, at least one
 */
public record CostModel(String method, List<CostLine> lines) {

    public CostModel {
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("cost model needs a method description");
        }
        if (lines == null || lines.isEmpty()) {
            throw new IllegalArgumentException("cost model needs at least one cost line");
        }
        List<CostLine> sorted = new ArrayList<>(lines);
        sorted.sort(Comparator.comparingInt(CostLine::queueDepth));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).queueDepth() == sorted.get(i - 1).queueDepth()) {
                throw new IllegalArgumentException("cost model has two lines for queue depth "
                        + sorted.get(i).queueDepth());
            }
        }
        lines = List.copyOf(sorted);
    }

    /** Cost of one read of {@code bytes} at {@code queueDepth}, µs. */
    public double costMicros(long bytes, int queueDepth) {
        return lineAt(queueDepth).costMicros(bytes);
    }

    /**
     * The deepest queue depth the model has a line for: {@link #lineAt} a deeper depth uses that
     * line unchanged, so a report can say when the depth asked for was beyond what was measured.
     */
    public int deepestQueueDepth() {
        return lines.getLast().queueDepth();
    }

    /** The (possibly interpolated) cost line at {@code queueDepth}. */
    public CostLine lineAt(int queueDepth) {
        if (queueDepth <= 0) {
            throw new IllegalArgumentException("queue depth must be positive, got " + queueDepth);
        }
        CostLine first = lines.getFirst();
        CostLine last = lines.getLast();
        if (queueDepth <= first.queueDepth()) {
            return first.queueDepth() == queueDepth
                    ? first
                    : new CostLine(queueDepth, first.fixedMicros(), first.bytesPerMicro());
        }
        if (queueDepth >= last.queueDepth()) {
            return last.queueDepth() == queueDepth
                    ? last
                    : new CostLine(queueDepth, last.fixedMicros(), last.bytesPerMicro());
        }
        for (int i = 1; i < lines.size(); i++) {
            CostLine hi = lines.get(i);
            if (hi.queueDepth() == queueDepth) {
                return hi;
            }
            if (hi.queueDepth() > queueDepth) {
                CostLine lo = lines.get(i - 1);
                double w = (log2(queueDepth) - log2(lo.queueDepth())) / (log2(hi.queueDepth()) - log2(lo.queueDepth()));
                double fixed = lo.fixedMicros() + w * (hi.fixedMicros() - lo.fixedMicros());
                double microsPerByte = 1 / lo.bytesPerMicro() + w * (1 / hi.bytesPerMicro() - 1 / lo.bytesPerMicro());
                return new CostLine(queueDepth, fixed, 1 / microsPerByte);
            }
        }
        throw new AssertionError("unreachable: lines are sorted");
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }
}
