package dev.ripple.placement.profile;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.placement.predictor.AheadMoments;
import dev.ripple.placement.predictor.InputMoments;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.roaringbitmap.RoaringBitmap;

/**
 * What a profiling run accumulates, passage by passage, whatever runs the model (ONNX Runtime for
 * ONNX files, the Java forward for decoders): each token's active set per layer, the per-neuron
 * means for fill-in, the rule's FFN error, the FFN inputs' moments for the predictor and, for a
 * decoder, the layer inputs' joint moments with them for the read-ahead's predictor.
 */
final class ProfileRecording {
    /** Which input moments a recording sums. */
    enum Moments {
        /** None: the model does not give its FFN inputs, or they are too wide. */
        NONE,
        /** The FFN inputs' ({@link InputMoments}). */
        FFN,
        /** The FFN inputs' and their joint moments with the layer inputs ({@link AheadMoments}). */
        AHEAD
    }

    private final String model;
    private final String checkpoint;
    private final String checkpointStamp;
    /** What the trace records of the profiled FFN ({@link TraceInfo#ffnOf}). */
    private final String ffn;

    private final ActivityRule rule;
    private final ProfileOptions options;
    private final LayerRecorder[] recorders;
    private final InputMoments.Builder[] moments;
    /** With {@link Moments#AHEAD}, per layer: the FFN side stands in for {@link #moments}, which are then null. */
    private final AheadMoments.Builder[] ahead;

    private final ActivationTrace.Builder trace;
    private long tokens;
    private int passages;
    private ProfileResult.Cut cut = ProfileResult.Cut.NONE;

    /**
     * @param model         the model's name, for the trace
     * @param checkpoint    the checkpoint the model was imported from, or empty ({@link TraceInfo#checkpoint})
     * @param checkpointStamp its files' stamp, or empty ({@link TraceInfo#checkpointStamp})
     * @param recordMoments which moments are summed (the inputs they need are then given with each passage)
     */
    ProfileRecording(
            String model,
            String checkpoint,
            String checkpointStamp,
            List<FfnLayerSpec> specs,
            List<DownProjection> downs,
            ActivityRule rule,
            ProfileOptions options,
            Moments recordMoments) {
        this.model = model;
        this.checkpoint = checkpoint;
        this.checkpointStamp = checkpointStamp;
        this.rule = rule;
        this.options = options;
        this.ffn = specs.isEmpty() ? "" : TraceInfo.ffnOf(specs.getFirst());
        int layers = specs.size();
        if (rule instanceof ThresholdRule t && t.thresholds().length > layers) {
            throw new IllegalArgumentException("the rule '" + rule.describe() + "' gives " + t.thresholds().length
                    + " thresholds, one per layer, and " + model + " has " + layers + " FFN layers");
        }
        this.recorders = new LayerRecorder[layers];
        this.moments = recordMoments == Moments.FFN ? new InputMoments.Builder[layers] : null;
        this.ahead = recordMoments == Moments.AHEAD ? new AheadMoments.Builder[layers] : null;
        for (int l = 0; l < layers; l++) {
            recorders[l] = new LayerRecorder(specs.get(l), downs.get(l), rule, options.measureError());
            if (moments != null) {
                moments[l] = InputMoments.builder(specs.get(l).dModel());
            }
            if (ahead != null) {
                ahead[l] = AheadMoments.builder(specs.get(l).dModel());
            }
        }
        this.trace = ActivationTrace.builder(
                new TraceInfo(model, "", rule.describe(), 0, checkpoint, checkpointStamp, ffn),
                specs.stream().mapToInt(FfnLayerSpec::dFfn).toArray());
    }

    /** Tokens still wanted before the budget is reached. */
    long remaining() {
        return options.maxTokens() - tokens;
    }

    long tokens() {
        return tokens;
    }

    int passages() {
        return passages;
    }

    /**
     * Adds the first {@code take} tokens of one passage.
     *
     * @param acts        per layer, the activations [tokens × dFfn] row-major
     * @param inputs      per layer, the FFN inputs [tokens × dModel] (ignored unless moments are recorded)
     * @param layerInputs per layer, the layer inputs [tokens × dModel], row t the same token as the
     *                    FFN inputs' (ignored unless {@link Moments#AHEAD})
     */
    private void add(float[][] acts, float[][] inputs, float[][] layerInputs, int take) {
        int layers = recorders.length;
        RoaringBitmap[][] sets = new RoaringBitmap[layers][];
        // Layers are independent: spread them over the cores.
        IntStream.range(0, layers).parallel().forEach(l -> {
            sets[l] = recorders[l].record(acts[l], take);
            if (moments != null) {
                moments[l].add(inputs[l], take);
            }
            if (ahead != null) {
                ahead[l].add(inputs[l], layerInputs[l], take);
            }
        });
        trace.addPassageStart((int) tokens);
        for (int l = 0; l < layers; l++) {
            for (RoaringBitmap active : sets[l]) {
                trace.add(l, active);
            }
        }
        tokens += take;
        passages++;
    }

    /**
     * Adds the first {@code take} tokens of a passage of {@code length} tokens that the profiler ran
     * cut to {@code cutTo} ({@code length} when it was not cut), as {@link #add}; the cut is counted
     * unless the token budget ended the passage first.
     */
    void addPassage(float[][] acts, float[][] inputs, float[][] layerInputs, int take, int length, int cutTo) {
        add(acts, inputs, layerInputs, take);
        if (length > cutTo && take == cutTo) {
            cut = cut.plus(length, cutTo);
        }
    }

    ProfileResult finish(String corpus) {
        int layers = recorders.length;
        double[] meanActive = new double[layers];
        double[] meanError = new double[options.measureError() ? layers : 0];
        float[][] meanAct = new float[layers][];
        float[][] meanInactive = new float[layers][];
        for (int l = 0; l < layers; l++) {
            meanActive[l] = recorders[l].meanActiveFraction(tokens);
            if (options.measureError()) {
                meanError[l] = recorders[l].meanRelativeError();
            }
            meanAct[l] = recorders[l].meanActivation();
            meanInactive[l] = recorders[l].meanInactiveActivation();
        }
        List<AheadMoments> aheadMoments = ahead == null || tokens == 0
                ? List.of()
                : Arrays.stream(ahead).map(AheadMoments.Builder::build).toList();
        List<InputMoments> inputMoments = moments == null || tokens == 0
                ? aheadMoments.stream().map(AheadMoments::ffn).toList()
                : Arrays.stream(moments).map(InputMoments.Builder::build).toList();
        ActivationTrace done = trace.meanInactive(meanInactive)
                .inputMoments(inputMoments)
                .aheadMoments(aheadMoments)
                .build()
                .withInfo(new TraceInfo(model, corpus, rule.describe(), tokens, checkpoint, checkpointStamp, ffn));
        return new ProfileResult(
                done, meanActive, meanError, meanAct, meanInactive, inputMoments, tokens, passages, cut);
    }
}
