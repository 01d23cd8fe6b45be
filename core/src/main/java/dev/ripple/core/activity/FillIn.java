package dev.ripple.core.activity;

import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFormat;
import dev.ripple.core.tensor.DType;
import java.util.List;
import java.util.Optional;

/**
 * Mean fill-in for one layer: what dropped neurons are assumed to contribute.
 *
 * <p>The dense output is {@code y = b + Σ_i a_i·d_i} (d_i: neuron i's down column). A sparse run
 * computes exact activations only for the neurons in the active set S and replaces every other
 * a_i by m_i, the calibration mean of a_i <em>over the tokens where i was not active</em> under
 * the rule (the conditional mean: for GELU with {@code act > 0} it is the mean of the small
 * negative values that are dropped, not the mean over all tokens). Then
 * <pre>
 *   ŷ = b + Σ_{i∈S} a_i·d_i + Σ_{i∉S} m_i·d_i
 *     = (b + Σ_i m_i·d_i) + Σ_{i∈S} (a_i − m_i)·d_i
 * </pre>
 * so one constant vector per layer, {@code c = Σ_i m_i·d_i}, is added to the bias, and each
 * loaded neuron contributes {@code (a_i − m_i)·d_i}. No dropped neuron is ever read. A neuron that
 * is loaded although inactive (a predictor's false positive) contributes exactly, because its
 * mean is taken back out; with S = all neurons the result is the dense output exactly.
 *
 * <p>In a {@code .ripple} file the means and the constant are two resident tensors per layer,
 * written by {@link #tensors} and read by {@link #read}.
 *
 * @param meanByNeuron m_i, in the model's original neuron order
 * @param constant     c = Σ_i m_i·d_i, {@code dModel} values
 */
public record FillIn(float[] meanByNeuron, float[] constant) {

    public FillIn {
        meanByNeuron = meanByNeuron.clone();
        constant = constant.clone();
    }

    /**
     * Computes fill-in from per-neuron sums of the dropped activations and their counts over a
     * calibration set; neurons that were never dropped get mean 0.
     */
    public static FillIn fromDroppedSums(BundleSource w, double[] droppedSum, long[] droppedCount) {
        int n = w.spec().dFfn();
        int d = w.spec().dModel();
        if (droppedSum.length != n || droppedCount.length != n) {
            throw new IllegalArgumentException("layer " + w.spec().index() + ": need " + n + " sums and counts");
        }
        float[] mean = new float[n];
        for (int i = 0; i < n; i++) {
            mean[i] = droppedCount[i] == 0 ? 0f : (float) (droppedSum[i] / droppedCount[i]);
        }
        return fromMeans(w, mean);
    }

    /**
     * Computes the constant for given per-neuron means, reading each down column with a non-zero
     * mean from {@code w} (neuron by neuron, so a streamed layer is never held whole).
     */
    public static FillIn fromMeans(BundleSource w, float[] meanByNeuron) {
        int d = w.spec().dModel();
        if (meanByNeuron.length != w.spec().dFfn()) {
            throw new IllegalArgumentException("layer " + w.spec().index() + ": " + meanByNeuron.length + " means for "
                    + w.spec().dFfn() + " neurons");
        }
        double[] c = new double[d];
        float[] bundle = new float[w.spec().bundleElements()];
        int down = w.spec().downOffset();
        for (int i = 0; i < meanByNeuron.length; i++) {
            double m = meanByNeuron[i];
            if (m == 0) {
                continue;
            }
            w.bundleOf(i, bundle, 0);
            for (int k = 0; k < d; k++) {
                c[k] += m * bundle[down + k];
            }
        }
        float[] constant = new float[d];
        for (int k = 0; k < d; k++) {
            constant[k] = (float) c[k];
        }
        return new FillIn(meanByNeuron, constant);
    }

    /** The resident tensors that store layer {@code layer}'s fill-in in a {@code .ripple} file. */
    public List<ResidentTensor> tensors(int layer) {
        return List.of(
                new ResidentTensor(
                        RippleFormat.fillMeanTensor(layer), DType.F32, new long[] {meanByNeuron.length}, meanByNeuron),
                new ResidentTensor(
                        RippleFormat.fillConstantTensor(layer), DType.F32, new long[] {constant.length}, constant));
    }

    /** Layer {@code layer}'s fill-in stored in {@code file}, if it has one. */
    public static Optional<FillIn> read(RippleFile file, int layer) {
        var spec = file.layers().get(layer).spec();
        if (file.tensor(RippleFormat.fillMeanTensor(layer)).isEmpty()
                || file.tensor(RippleFormat.fillConstantTensor(layer)).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FillIn(
                file.vector(RippleFormat.fillMeanTensor(layer), spec.dFfn()),
                file.vector(RippleFormat.fillConstantTensor(layer), spec.dModel())));
    }

    @Override
    public float[] meanByNeuron() {
        return meanByNeuron.clone();
    }

    @Override
    public float[] constant() {
        return constant.clone();
    }

    /** The means rearranged by slot: {@code result[k] = m[slotToNeuron[k]]}. */
    public float[] meanBySlot(int[] slotToNeuron) {
        float[] out = new float[slotToNeuron.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = meanByNeuron[slotToNeuron[k]];
        }
        return out;
    }
}
