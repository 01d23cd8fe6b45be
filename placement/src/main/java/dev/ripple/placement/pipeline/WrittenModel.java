package dev.ripple.placement.pipeline;

import dev.ripple.core.format.StorageError;
import dev.ripple.core.tensor.DType;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code .ripple} file {@link PlacementPipeline#write} wrote, and what it holds.
 *
 * @param file          where it is
 * @param sizeBytes     its size
 * @param algorithm     the placement its bundles follow
 * @param bundleType    the bundles' type on flash
 * @param storageErrors per layer, the bundles' relative RMS error against the imported weights
 * @param predictorRank the low-rank predictor's rank, 0 when none was stored
 * @param predictorFit  "inputs" (fitted to profiled FFN input moments), "weights" (to the weights
 *                      alone: the trace held no moments) or "none"
 * @param aheadPredictor whether the read-ahead's predictor is stored beside the low-rank one (fitted
 *                      to the layer inputs: the trace held a decoder's ahead moments)
 */
public record WrittenModel(
        Path file,
        long sizeBytes,
        String algorithm,
        DType bundleType,
        List<StorageError> storageErrors,
        int predictorRank,
        String predictorFit,
        boolean aheadPredictor) {

    public WrittenModel {
        storageErrors = List.copyOf(storageErrors);
    }

    /** The up/gate rows' error, mean over layers. */
    public double meanUpGateError() {
        return storageErrors.stream()
                .mapToDouble(StorageError::upGate)
                .average()
                .orElse(0);
    }

    /** The down columns' error, mean over layers. */
    public double meanDownError() {
        return storageErrors.stream().mapToDouble(StorageError::down).average().orElse(0);
    }
}
