package dev.ripple.core.format;

import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;

/**
 * Shape of one FFN layer as stored on flash: {@code y = Σ_i act_i · down[:, i] + downBias} with
 * {@code act_i = f(x·up_i + upBias_i)}, or for gated layers
 * {@code act_i = f(x·gate_i + gateBias_i) · (x·up_i + upBias_i)}, or with {@code upActivated}
 * (dReLU, TurboSparse) {@code act_i = f(gate) · f(up)}. With a {@code reluThreshold} t the ReLU is
 * ProSparse's FATReLU: {@code f(z) = z > t ? z : 0}.
 *
 * <p>Each neuron's weights form one bundle, so one contiguous read fetches everything the neuron
 * needs. Bundle layout, back to back:
 * <pre>
 *   up row [dModel] | gate row [dModel] (gated only) | down column [dModel] | up bias | gate bias (gated only)
 * </pre>
 * For float dtypes every element is of {@link #dtype()}. For the block-quantized ones (Q8_0, Q4_0)
 * each row is {@code dModel/32} blocks and the biases follow as f32 ({@link #biasType()}), so a
 * neuron is still one read. The element offsets ({@link #gateOffset()}, ...) place the parts in an
 * f32 array, as importers hand a bundle over; the byte offsets ({@link #gateOffsetBytes()}, ...)
 * place them in the stored bundle.
 *
 * @param index      layer number in the model, from 0
 * @param dModel     hidden size (input and output width)
 * @param dFfn       number of neurons
 * @param activation element-wise activation
 * @param gated      true for GLU-style layers (gate and up projections)
 * @param dtype      element type of the bundles on flash
 * @param upActivated gated layers only: the activation is applied to the up projection too (dReLU)
 * @param reluThreshold ReLU only: values at or below it are zero (FATReLU); 0 for a plain ReLU
 */
public record FfnLayerSpec(
        int index,
        int dModel,
        int dFfn,
        Activation activation,
        boolean gated,
        DType dtype,
        boolean upActivated,
        float reluThreshold) {

    public FfnLayerSpec {
        if (index < 0 || dModel <= 0 || dFfn <= 0) {
            throw new IllegalArgumentException(
                    "layer " + index + ": dModel and dFfn must be positive, got " + dModel + " and " + dFfn);
        }
        if (activation == null || dtype == null || !dtype.holdsWeights()) {
            throw new IllegalArgumentException(
                    "layer " + index + ": needs an activation and a weight dtype, got " + activation + " and " + dtype);
        }
        if (dtype.isQuantized() && dModel % dtype.blockSize() != 0) {
            throw new IllegalArgumentException("layer " + index + ": " + dtype.label()
                    + " bundles need a width that is a " + "multiple of " + dtype.blockSize() + ", got " + dModel);
        }
        if (upActivated && !gated) {
            throw new IllegalArgumentException(
                    "layer " + index + ": only a gated layer can activate its up projection");
        }
        if (!Float.isFinite(reluThreshold) || (reluThreshold != 0f && activation != Activation.RELU)) {
            throw new IllegalArgumentException("layer " + index + ": a threshold (" + reluThreshold
                    + ") applies to ReLU only, not " + activation.label());
        }
    }

    /** A plain, ReLU-thresholdless layer: every encoder and OPT, SwiGLU and ReLU-gated Llama layers. */
    public FfnLayerSpec(int index, int dModel, int dFfn, Activation activation, boolean gated, DType dtype) {
        this(index, dModel, dFfn, activation, gated, dtype, false, 0f);
    }

    /** The activation f of one pre-activation value, with the FATReLU threshold when there is one. */
    public float activate(float z) {
        return activation.apply(z, reluThreshold);
    }

    /**
     * A neuron's activation from its pre-activations: {@code f(up)}; gated {@code f(gate)·up}; with
     * {@link #upActivated()} {@code f(gate)·f(up)}. The one definition the executor, the dense
     * references and the profiler share.
     */
    public float neuron(float up, float gate) {
        if (!gated) {
            return activate(up);
        }
        return activate(gate) * (upActivated ? activate(up) : up);
    }

    /** Elements in one bundle: 2·dModel + 1, or 3·dModel + 2 when gated. */
    public int bundleElements() {
        return gated ? 3 * dModel + 2 : 2 * dModel + 1;
    }

    /** Bytes in one bundle. */
    public int bundleBytes() {
        return rows() * rowBytes() + (gated ? 2 : 1) * biasType().size();
    }

    /** Rows in a bundle: up and down, and gate when gated. */
    private int rows() {
        return gated ? 3 : 2;
    }

    /** Bytes of one row of a bundle (dModel weights of {@link #dtype()}). */
    public int rowBytes() {
        return Math.toIntExact(dtype.bytes(dModel));
    }

    /** The type the biases are stored in: the bundle's own for float dtypes, f32 after quantized rows. */
    public DType biasType() {
        return dtype.isQuantized() ? DType.F32 : dtype;
    }

    /** Byte offset of the gate row inside a stored bundle (gated layers only). */
    public int gateOffsetBytes() {
        return rowBytes();
    }

    /** Byte offset of the down column inside a stored bundle. */
    public int downOffsetBytes() {
        return (gated ? 2 : 1) * rowBytes();
    }

    /** Byte offset of the up bias inside a stored bundle. */
    public int upBiasOffsetBytes() {
        return rows() * rowBytes();
    }

    /** Byte offset of the gate bias inside a stored bundle (gated layers only). */
    public int gateBiasOffsetBytes() {
        return rows() * rowBytes() + biasType().size();
    }

    /** Element offset of the gate row inside a bundle (gated layers only). */
    public int gateOffset() {
        return dModel;
    }

    /** Element offset of the down column inside a bundle. */
    public int downOffset() {
        return gated ? 2 * dModel : dModel;
    }

    /** Element offset of the up bias inside a bundle. */
    public int upBiasOffset() {
        return gated ? 3 * dModel : 2 * dModel;
    }

    /** Element offset of the gate bias inside a bundle (gated layers only). */
    public int gateBiasOffset() {
        return 3 * dModel + 1;
    }

    /** Bytes of all bundles of the layer. */
    public long sectionBytes() {
        return (long) dFfn * bundleBytes();
    }

    /** The same layer stored with another element type. */
    public FfnLayerSpec withDtype(DType other) {
        return new FfnLayerSpec(index, dModel, dFfn, activation, gated, other, upActivated, reluThreshold);
    }
}
