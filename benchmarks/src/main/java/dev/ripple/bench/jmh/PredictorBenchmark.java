package dev.ripple.bench.jmh;

import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.TrainedPredictor;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.kernels.KernelProvider;
import java.util.List;
import java.util.SplittableRandom;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU cost of one predictor call (one token, one layer) at all-MiniLM-L6-v2's shape (dModel
 * 384, dFfn 1536) with rank / hidden width 96, so it can be set against the I/O it saves: the
 * low-rank predictor under {@code act > -0.05} with margin 1.5, and the trained one, linear (as
 * started from low-rank factors, also with the scalar twin) and rectified.
 * Weights are seeded Gaussians: the cost does not depend on their values, only the share of
 * neurons emitted does a little (about half here).
 *
 * <pre>./ripple jmh PredictorBenchmark</pre>
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class PredictorBenchmark extends ForkedBenchmark {
    static final int D = 384;
    static final int N = 1536;
    static final int R = 96;
    static final int INPUTS = 64;

    /** {@code -scalar}: with {@link KernelProvider#scalar()}, the reference twin, instead of the best kernels. */
    @Param({"lowrank", "trained-linear", "trained-linear-scalar", "trained-relu"})
    public String predictor;

    private ActivationPredictor p;
    private float[][] xs;
    private int next;
    private final IntArrayList out = new IntArrayList(N);

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(7);
        var k = predictor.endsWith("-scalar") ? KernelProvider.scalar() : KernelProvider.best();
        p = switch (predictor) {
            case "lowrank" ->
                new LowRankPredictor(
                        List.of(new LowRankPredictor.Factors(
                                D,
                                R,
                                N,
                                gauss(r, D * R, 0.05),
                                gauss(r, R * N, 0.1),
                                gauss(r, N, 0.3),
                                abs(gauss(r, N, 0.3)),
                                Activation.GELU,
                                0f)),
                        ActivityRule.parse("act > -0.05"),
                        1.5f);
            case "trained-linear", "trained-linear-scalar", "trained-relu" ->
                new TrainedPredictor(
                        List.of(new TrainedPredictor.Layer(
                                D,
                                R,
                                N,
                                gauss(r, D * R, 0.05),
                                gauss(r, R, 0.1),
                                gauss(r, R * N, 0.1),
                                gauss(r, N, 0.3),
                                0f,
                                predictor.equals("trained-relu"),
                                null)),
                        k);
            default -> throw new IllegalArgumentException(predictor);
        };
        xs = new float[INPUTS][];
        for (int i = 0; i < INPUTS; i++) {
            xs[i] = gauss(r, D, 1);
        }
    }

    private static float[] gauss(SplittableRandom r, int n, double s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u = 1 - r.nextDouble();
            a[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()) * s);
        }
        return a;
    }

    private static float[] abs(float[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.abs(a[i]);
        }
        return a;
    }

    @Benchmark
    public int predict() {
        out.clear();
        p.predict(0, xs[next++ & (INPUTS - 1)], out);
        return out.size();
    }
}
