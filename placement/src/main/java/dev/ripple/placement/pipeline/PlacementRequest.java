package dev.ripple.placement.pipeline;

import dev.ripple.placement.algorithm.PlacementAlgorithm;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.trace.ActivationTrace;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link PlacementPipeline#placeModel} turns into a {@code .ripple} file: a model, its traces,
 * the algorithms to place with (the first one is written), and how to lay the file out. It is
 * {@code ripple place} as one value.
 *
 * <pre>{@code
 * PlacementRequest r = PlacementRequest.of(Path.of("model.onnx"), calibration, Path.of("model.ripple"))
 *         .withHeldOut(heldOut, "heldout.rtrace")
 *         // ripple+ (the default alone) is written; identity is placed beside it to compare on heldOut
 *         .withAlgorithms(List.of(PlacementAlgorithms.byName("ripple+"), PlacementAlgorithms.byName("identity")));
 * PlacedModel placed = PlacementPipeline.placeModel(r, PipelineListener.NONE);
 * }</pre>
 *
 * @param model       the model file or checkpoint directory to import
 * @param importing   bundle and resident types
 * @param calibration the trace the placement and the predictor follow
 * @param calibrationName how errors name the calibration trace (its file)
 * @param heldOut     a trace each placement is evaluated on, or null
 * @param heldOutName how errors name the held-out trace (its file)
 * @param algorithms  the algorithms to place with, the written one first
 * @param layout      predictor rank, margin, fill-in, tokenizer, resident types; the predictor
 *                    {@code training} trains takes the place of its trained one
 * @param training    a predictor to train on text and store, or null for none
 * @param out         the file to write (atomically)
 * @param traceMatch  how the traces are matched to the model; null is {@link TraceMatch#SAME_CHECKPOINT}
 */
@RecordBuilder
public record PlacementRequest(
        Path model,
        ImportOptions importing,
        ActivationTrace calibration,
        String calibrationName,
        ActivationTrace heldOut,
        String heldOutName,
        List<PlacementAlgorithm> algorithms,
        LayoutOptions layout,
        Training training,
        Path out,
        TraceMatch traceMatch)
        implements PlacementRequestBuilder.With {

    public PlacementRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(importing, "importing");
        Objects.requireNonNull(calibration, "calibration");
        Objects.requireNonNull(calibrationName, "calibrationName");
        if (heldOut != null) {
            Objects.requireNonNull(heldOutName, "heldOutName");
        }
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(out, "out");
        traceMatch = traceMatch == null ? TraceMatch.SAME_CHECKPOINT : traceMatch;
        algorithms = List.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("no placement algorithm given");
        }
    }

    /** The model placed by ripple+ on {@code calibration}, with the default layout and no held-out trace. */
    public static PlacementRequest of(Path model, ActivationTrace calibration, Path out) {
        return new PlacementRequest(
                model,
                ImportOptions.defaults(),
                calibration,
                "calibration trace",
                null,
                null,
                List.of(PlacementAlgorithms.byName("ripple+")),
                LayoutOptions.defaults(),
                null,
                out,
                TraceMatch.SAME_CHECKPOINT);
    }

    /** With a held-out trace, named {@code name} in errors (its file). */
    public PlacementRequest withHeldOut(ActivationTrace trace, String name) {
        return with(r -> r.heldOut(trace).heldOutName(name));
    }

    /**
     * A trained predictor ({@link PlacementPipeline#trainPredictor}): the passages it trains on (best
     * the calibration text) and how. The ONNX model's tokenizer is the layout's.
     */
    public record Training(List<String> passages, TrainingOptions options) {
        public Training {
            passages = List.copyOf(passages);
            Objects.requireNonNull(options, "options");
        }
    }
}
