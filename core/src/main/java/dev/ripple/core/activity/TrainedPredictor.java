package dev.ripple.core.activity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFormat;
import dev.ripple.core.format.RippleFormatException;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * A small network per layer, trained on profiled FFN inputs to say which neurons will be active
 * (issue 16, part 2; the shape of Deja Vu's predictor): {@code h = relu(x·W1 + b1)} (or without
 * the relu),
 * {@code logit = h·W2 + b2}, a neuron predicted active when its logit exceeds the layer's
 * threshold. It is trained offline (placement's {@code PredictorTrainer}) with a loss that weights
 * a missed neuron by the output error missing it causes, and the thresholds are calibrated on a
 * validation split to a recall target, so unlike {@link LowRankPredictor} it learns what the rule
 * decides rather than a regression of pre-activations followed by an interval test.
 *
 * <p>Cost per token and layer: {@code hidden·(dModel + dFfn)} multiply-adds, the same as a
 * low-rank predictor of rank {@code hidden}. Both products are sums of scaled rows computed with
 * the {@link Kernels#axpy} kernel ({@link KernelProvider#best()}: the Vector API where available;
 * {@link KernelProvider#scalar()} is the reference twin, and a contract test holds the two
 * together). Thread-safe: every call uses its own buffers.
 *
 * <pre>{@code
 * TrainedPredictor p = new TrainedPredictor(List.of(layer0, layer1));
 * MutableIntList active = new IntArrayList();
 * p.predict(0, x, active);            // neuron indices, ascending
 * }</pre>
 *
 * <p>In a {@code .ripple} file each layer's network is a set of resident f32 tensors
 * ({@link #tensors} writes them, {@link #read} reads them back, side by side so the two cannot drift
 * apart; docs/FORMAT.md lists them), the threshold calibrated for the layer among them, and
 * whether the hidden layer is rectified in the provenance's {@value #PROVENANCE} object.
 */
public final class TrainedPredictor implements ActivationPredictor {

    /**
     * One layer's network.
     *
     * @param w1        {@code [dModel × hidden]}, row-major
     * @param w2        {@code [hidden × dFfn]}, row-major
     * @param threshold the logit above which a neuron is predicted active
     * @param relu      whether the hidden layer is rectified; without, the network is a low-rank
     *                  logit model that can start from the low-rank predictor's factors
     * @param dip       per neuron, a logit below which the neuron is predicted active too (null:
     *                  none): with a start from low-rank factors the logit is a monotone function of
     *                  the predicted pre-activation, and a GELU is also above {@code act > -0.05}
     *                  far below its dip, so very low logits mean active as well
     */
    public record Layer(
            int dModel,
            int hidden,
            int dFfn,
            float[] w1,
            float[] b1,
            float[] w2,
            float[] b2,
            float threshold,
            boolean relu,
            float[] dip) {
        public Layer {
            if (dip != null && dip.length != dFfn) {
                throw new IllegalArgumentException(
                        "trained predictor layer: " + dip.length + " dip bounds for " + dFfn + " neurons");
            }
            if (dModel <= 0
                    || hidden <= 0
                    || dFfn <= 0
                    || w1.length != dModel * hidden
                    || b1.length != hidden
                    || w2.length != hidden * dFfn
                    || b2.length != dFfn) {
                throw new IllegalArgumentException("trained predictor layer: shapes do not match dModel " + dModel
                        + ", hidden " + hidden + ", dFfn " + dFfn);
            }
            if (Float.isNaN(threshold)) {
                throw new IllegalArgumentException("trained predictor layer: threshold is NaN");
            }
        }

        /** The same network with another threshold. */
        public Layer withThreshold(float t) {
            return new Layer(dModel, hidden, dFfn, w1, b1, w2, b2, t, relu, dip);
        }

        /** Multiply-adds per token. */
        public long multiplyAdds() {
            return (long) hidden * (dModel + dFfn);
        }
    }

    /** The provenance key of the trained predictor's description (how it was trained, {@code relu}). */
    public static final String PROVENANCE = "trainedPredictor";

    /**
     * The resident tensors that store layer {@code layer}'s network in a {@code .ripple} file: w1,
     * b1, w2, b2, the threshold as a one-element vector (it may be infinite, which JSON cannot
     * hold) and the dip bounds when the network has them.
     */
    public static List<ResidentTensor> tensors(int layer, Layer f) {
        int d = f.dModel();
        int h = f.hidden();
        int n = f.dFfn();
        List<ResidentTensor> out = new ArrayList<>(List.of(
                new ResidentTensor(RippleFormat.trainedTensor(layer, "w1"), DType.F32, new long[] {d, h}, f.w1()),
                new ResidentTensor(RippleFormat.trainedTensor(layer, "b1"), DType.F32, new long[] {h}, f.b1()),
                new ResidentTensor(RippleFormat.trainedTensor(layer, "w2"), DType.F32, new long[] {h, n}, f.w2()),
                new ResidentTensor(RippleFormat.trainedTensor(layer, "b2"), DType.F32, new long[] {n}, f.b2()),
                new ResidentTensor(
                        RippleFormat.trainedTensor(layer, "threshold"), DType.F32, new long[] {1}, new float[] {
                            f.threshold()
                        })));
        if (f.dip() != null) {
            out.add(new ResidentTensor(RippleFormat.trainedTensor(layer, "dip"), DType.F32, new long[] {n}, f.dip()));
        }
        return out;
    }

    /** True when {@code file} stores a trained predictor (layer 0's w1 is there). */
    public static boolean isStoredIn(RippleFile file) {
        return !file.layers().isEmpty()
                && file.tensor(RippleFormat.trainedTensor(0, "w1")).isPresent();
    }

    /**
     * The trained predictor stored in {@code file}, with the best kernels. The weights are copied
     * out of the mapped file (off-heap, where the kernels read them), so the predictor outlives the
     * file; the networks are small (a quarter of the up projections at the default width).
     *
     * @throws MissingPredictorException naming the file when it holds none
     * @throws RippleFormatException when a layer's tensors are missing, of another type or shape,
     *     or the provenance does not say whether the hidden layer is rectified
     */
    public static TrainedPredictor read(RippleFile file) throws RippleFormatException {
        return read(file, KernelProvider.best());
    }

    /** As {@link #read(RippleFile)}, with the given kernels ({@link KernelProvider#scalar()} for the reference). */
    public static TrainedPredictor read(RippleFile file, Kernels kernels) throws RippleFormatException {
        return read(file, kernels, Arena.ofAuto());
    }

    /**
     * As {@link #read(RippleFile)}, the weights allocated in {@code arena}: closing it frees them at
     * once (the predictor must not predict after), where the other forms leave them to the garbage
     * collector, which sees only the small heap object and may not run for a long time. {@code
     * RippleModel} reads its predictor this way and closes the arena with the model.
     */
    public static TrainedPredictor read(RippleFile file, Arena arena) throws RippleFormatException {
        return read(file, KernelProvider.best(), arena);
    }

    private static TrainedPredictor read(RippleFile file, Kernels kernels, Arena arena) throws RippleFormatException {
        if (!isStoredIn(file)) {
            throw new MissingPredictorException(
                    file.path(),
                    PredictorKind.TRAINED,
                    "write it with 'ripple place --predictor trained' (PlacementPipeline.trainPredictor and "
                            + "LayoutOptions.withTrained), or run with the low-rank or dense predictor");
        }
        JsonNode relu = file.provenance().path(PROVENANCE).path("relu");
        if (!relu.isBoolean()) {
            throw new RippleFormatException(
                    file.path(),
                    "metadata",
                    Problem.INCONSISTENT,
                    "the file stores trained predictor tensors but its provenance has no boolean " + PROVENANCE
                            + ".relu");
        }
        List<Layer> layers = new ArrayList<>();
        for (FfnLayerSection section : file.layers()) {
            int i = section.spec().index();
            int d = section.spec().dModel();
            int n = section.spec().dFfn();
            Tensor w1 = stored(file, i, "w1");
            if (w1.rank() != 2 || w1.dim(0) != d || w1.dim(1) < 1 || w1.dim(1) > Integer.MAX_VALUE / Math.max(d, n)) {
                throw StoredTensorShapes.misfit(file, w1, "[" + d + ", hidden]", i);
            }
            int h = (int) w1.dim(1);
            float[] b1 = floats(file, stored(file, i, "b1"), i, h);
            float[] w2 = floats(file, stored(file, i, "w2"), i, h, n);
            float[] b2 = floats(file, stored(file, i, "b2"), i, n);
            float threshold = floats(file, stored(file, i, "threshold"), i, 1)[0];
            Tensor dipTensor = file.tensor(RippleFormat.trainedTensor(i, "dip")).orElse(null);
            float[] dip = dipTensor == null ? null : floats(file, f32(file, dipTensor), i, n);
            try {
                layers.add(new Layer(d, h, n, w1.toFloatArray(), b1, w2, b2, threshold, relu.booleanValue(), dip));
            } catch (IllegalArgumentException e) {
                throw new RippleFormatException(
                        file.path(),
                        "tensor " + RippleFormat.trainedTensor(i, "threshold"),
                        Problem.INCONSISTENT,
                        e.getMessage());
            }
        }
        return new TrainedPredictor(layers, kernels, arena);
    }

    private static Tensor stored(RippleFile file, int layer, String part) throws RippleFormatException {
        String name = RippleFormat.trainedTensor(layer, part);
        Tensor t = file.tensor(name).orElse(null);
        if (t == null) {
            throw new RippleFormatException(
                    file.path(),
                    "tensor " + name,
                    Problem.INCONSISTENT,
                    "missing, though layer 0 stores a trained predictor");
        }
        return f32(file, t);
    }

    private static Tensor f32(RippleFile file, Tensor t) throws RippleFormatException {
        if (t.dtype() != DType.F32) {
            throw new RippleFormatException(
                    file.path(),
                    "tensor " + t.name(),
                    Problem.INCONSISTENT,
                    "a trained predictor tensor must be f32, not " + t.dtype().label());
        }
        return t;
    }

    private static float[] floats(RippleFile file, Tensor t, int layer, long... shape) throws RippleFormatException {
        return StoredTensorShapes.shaped(file, t, layer, shape).toFloatArray();
    }

    /**
     * A layer as the kernels read it: the weights off-heap only, where the Vector API's loads are
     * intrinsified (a heap copy beside them would hold the largest part twice), the rest on heap.
     */
    private record Resident(
            int dModel,
            int hidden,
            int dFfn,
            float[] b1,
            float[] b2,
            float threshold,
            boolean relu,
            float[] dip,
            MemorySegment w1,
            MemorySegment w2) {

        static Resident of(Layer f, Arena arena) {
            return new Resident(
                    f.dModel(),
                    f.hidden(),
                    f.dFfn(),
                    f.b1(),
                    f.b2(),
                    f.threshold(),
                    f.relu(),
                    f.dip(),
                    arena.allocate(4L * f.w1().length, 64).copyFrom(MemorySegment.ofArray(f.w1())),
                    arena.allocate(4L * f.w2().length, 64).copyFrom(MemorySegment.ofArray(f.w2())));
        }

        /** The layer with its weights copied back to the heap. */
        Layer layer() {
            return new Layer(
                    dModel,
                    hidden,
                    dFfn,
                    w1.toArray(ValueLayout.JAVA_FLOAT),
                    b1,
                    w2.toArray(ValueLayout.JAVA_FLOAT),
                    b2,
                    threshold,
                    relu,
                    dip);
        }
    }

    private final Resident[] layers;
    private final Kernels kernels;

    /** With the best kernels of this JVM. */
    public TrainedPredictor(List<Layer> layers) {
        this(layers, KernelProvider.best());
    }

    /** With the given kernels ({@link KernelProvider#scalar()} for the reference). */
    public TrainedPredictor(List<Layer> layers, Kernels kernels) {
        this(layers, kernels, Arena.ofAuto());
    }

    private TrainedPredictor(List<Layer> layers, Kernels kernels, Arena arena) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("trained predictor: no layers");
        }
        this.layers = new Resident[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            this.layers[l] = Resident.of(layers.get(l), arena);
        }
        this.kernels = kernels;
    }

    @Override
    public String name() {
        return "trained";
    }

    public int layers() {
        return layers.length;
    }

    /** Layer {@code l}'s network, its weights copied out to the heap (for writing it, or changing it). */
    public Layer layer(int l) {
        return layers[l].layer();
    }

    /** The same networks with new per-layer thresholds (one per layer). */
    public TrainedPredictor withThresholds(float[] thresholds) {
        if (thresholds.length != layers.length) {
            throw new IllegalArgumentException(
                    "trained predictor: " + thresholds.length + " thresholds for " + layers.length + " layers");
        }
        List<Layer> out = new ArrayList<>();
        for (int l = 0; l < layers.length; l++) {
            out.add(layers[l].layer().withThreshold(thresholds[l]));
        }
        return new TrainedPredictor(out, kernels);
    }

    /** Every neuron's logit for input {@code x}. */
    public float[] logits(int layer, float[] x) {
        Resident r = layers[layer];
        int d = r.dModel();
        int h = r.hidden();
        int n = r.dFfn();
        float[] hid = r.b1().clone();
        for (int k = 0; k < d; k++) {
            float xk = x[k];
            if (xk != 0f) {
                kernels.axpy(DType.F32, xk, r.w1(), 4L * k * h, hid, h, null);
            }
        }
        float[] z = r.b2().clone();
        for (int j = 0; j < h; j++) {
            float v = r.relu() ? Math.max(0f, hid[j]) : hid[j];
            if (v != 0f) {
                kernels.axpy(DType.F32, v, r.w2(), 4L * j * n, z, n, null);
            }
        }
        return z;
    }

    /** Stateless: a prediction on the layer input may start its reads early, as the low-rank predictor's. */
    @Override
    public boolean predictsAhead() {
        return true;
    }

    @Override
    public void predict(int layer, float[] x, MutableIntList out) {
        float[] z = logits(layer, x);
        float t = layers[layer].threshold();
        float[] dip = layers[layer].dip();
        for (int i = 0; i < z.length; i++) {
            if (z[i] > t || (dip != null && z[i] < dip[i])) {
                out.add(i);
            }
        }
    }
}
