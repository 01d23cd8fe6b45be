package dev.ripple.core.activity;

import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFormatException;
import dev.ripple.core.tensor.Tensor;
import java.util.Arrays;

/**
 * The shape checks the stored predictors ({@link LowRankPredictor}, {@link TrainedPredictor}) make
 * of their tensors when a file is opened: a tensor of another shape is damage to the file, refused
 * naming the tensor and the layer, before a kernel could read past it.
 */
final class StoredTensorShapes {
    private StoredTensorShapes() {}

    /** {@code t} if it has exactly {@code shape}. */
    static Tensor shaped(RippleFile file, Tensor t, int layer, long... shape) throws RippleFormatException {
        if (!Arrays.equals(t.shape(), shape)) {
            throw misfit(file, t, Arrays.toString(shape), layer);
        }
        return t;
    }

    /** The refusal of {@code t}, which does not have the {@code expected} shape of its layer. */
    static RippleFormatException misfit(RippleFile file, Tensor t, String expected, int layer) {
        return new RippleFormatException(
                file.path(),
                "tensor " + t.name(),
                Problem.INCONSISTENT,
                "shape " + Arrays.toString(t.shape()) + " does not fit layer " + layer + ": expected " + expected);
    }
}
