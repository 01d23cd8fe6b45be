package dev.ripple.io.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularMatrixException;

/**
 * Fits a {@link CostModel} to a measured table: per queue depth, the line
 * {@code t(n) = a + n / b} through the amortized per-read times {@code t = 1/IOPS}.
 *
 * <p>The fit minimises <em>relative</em> error, {@code Σ ((a + s·n − t) / t)²} with {@code s = 1/b},
 * solved as a linear least-squares problem by Commons Math's QR decomposition. Plain least squares
 * would let the 1 MiB points (hundreds of µs) drown the 4 KiB ones (tens of µs), yet the
 * per-operation overhead {@code a} the planner needs is decided by the small reads. A negative
 * intercept or slope (noise on a flat curve) is clamped to a physically meaningful line and the
 * remaining coefficient refitted.
 */
public final class CostModelFitter {

    private CostModelFitter() {}

    /**
     * Fits one line per queue depth present in {@code table}.
     *
     * @throws IllegalArgumentException if some queue depth has fewer than two distinct read sizes
     */
    public static CostModel fit(List<Measurement> table) {
        Map<Integer, List<Measurement>> byDepth = new TreeMap<>();
        for (Measurement m : table) {
            byDepth.computeIfAbsent(m.queueDepth(), q -> new ArrayList<>()).add(m);
        }
        if (byDepth.isEmpty()) {
            throw new IllegalArgumentException("cannot fit a cost model to an empty table");
        }
        List<CostLine> lines = new ArrayList<>();
        for (Map.Entry<Integer, List<Measurement>> e : byDepth.entrySet()) {
            lines.add(fitLine(e.getKey(), e.getValue()));
        }
        return new CostModel(
                "fitted: t(n) = a + n/b per queue depth, relative least squares over " + table.size() + " points",
                lines);
    }

    static CostLine fitLine(int queueDepth, List<Measurement> points) {
        long distinctSizes =
                points.stream().mapToInt(Measurement::readBytes).distinct().count();
        if (distinctSizes < 2) {
            throw new IllegalArgumentException("queue depth " + queueDepth + ": need at least two read sizes to fit"
                    + " a cost line, got " + distinctSizes);
        }
        int k = points.size();
        double[][] x = new double[k][2];
        double[] y = new double[k];
        for (int i = 0; i < k; i++) {
            double t = points.get(i).amortizedMicros();
            x[i][0] = 1 / t;
            x[i][1] = points.get(i).readBytes() / t;
            y[i] = 1;
        }
        double a;
        double s;
        try {
            RealVector solution = new QRDecomposition(new Array2DRowRealMatrix(x, false))
                    .getSolver()
                    .solve(new ArrayRealVector(y, false));
            a = solution.getEntry(0);
            s = solution.getEntry(1);
        } catch (SingularMatrixException e) {
            throw new IllegalArgumentException(
                    "queue depth " + queueDepth + ": measurements do not determine a cost line", e);
        }
        if (a < 0) {
            // Zero overhead: s minimises Σ (s·n/t − 1)².
            a = 0;
            double num = 0;
            double den = 0;
            for (double[] row : x) {
                num += row[1];
                den += row[1] * row[1];
            }
            s = num / den;
        }
        if (!(s > 0)) {
            // Time does not grow with size within noise: take the fastest observed rate per byte
            // and put the rest into the overhead.
            s = Double.MAX_VALUE;
            for (Measurement m : points) {
                s = Math.min(s, m.amortizedMicros() / m.readBytes());
            }
            double minOverhead = Double.MAX_VALUE;
            for (Measurement m : points) {
                minOverhead = Math.min(minOverhead, m.amortizedMicros() - s * m.readBytes());
            }
            a = Math.max(0, minOverhead);
        }
        // A slope of almost nothing (noise on a flat curve) would be a rate past any device's.
        s = Math.max(s, 1 / CostLine.MAX_BYTES_PER_MICRO);
        return new CostLine(queueDepth, Math.min(a, CostLine.MAX_FIXED_MICROS), 1 / s);
    }

    /** Largest relative error of {@code model} against the table's amortized times. */
    public static double maxRelativeError(CostModel model, List<Measurement> table) {
        double worst = 0;
        for (Measurement m : table) {
            double predicted = model.costMicros(m.readBytes(), m.queueDepth());
            worst = Math.max(worst, Math.abs(predicted - m.amortizedMicros()) / m.amortizedMicros());
        }
        return worst;
    }
}
