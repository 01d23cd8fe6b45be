package dev.ripple.placement.profile;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.ArchitectureFields;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.placement.CheckpointStamp;
import dev.ripple.placement.PreparedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Records which FFN neurons of a decoder fire, token by token, without ONNX: the Java forward runs
 * each passage as a prompt (teacher forcing: every token of the text is fed, none is generated),
 * dense on the mapped bundles of a {@code .ripple} file, and every layer's FFN inputs and exact
 * activations go into the same trace, fill-in means and input moments the ONNX profiler records,
 * so placement, the trade-off sweep and the benchmarks work on decoders unchanged. Neuron ids in
 * the trace are the model's original ones, whatever the file's placement.
 *
 * <pre>{@code
 * try (DecoderProfiler p = DecoderProfiler.open(Path.of("opt-125m.ripple"), ProfileOptions.defaults())) {
 *     ProfileResult r = p.profile(tokenizedPassages, "europarl en, calibration", ProfileProgress.NONE);
 *     TraceFiles.write(Path.of("opt.rtrace"), r.trace());
 * }
 * }</pre>
 *
 * <p>FFN input moments are recorded for inputs up to {@link OnnxProfiler#MAX_MOMENT_WIDTH} wide (a
 * {@code dModel²} matrix per layer); wider models get a predictor fitted to the weights alone. With
 * them, unless {@link ProfileOptions#aheadMoments} is off, each token's layer input as decode's
 * read-ahead sees it ({@link DecoderModel#withLayerInputs}) is paired with its FFN input
 * ({@link dev.ripple.placement.predictor.AheadMoments}), so that {@code ripple place} can fit the
 * read-ahead's own predictor: three {@code dModel²} matrices per layer instead of one in the heap
 * while profiling, and in the trace 7.1 MB more a layer at d = 768 (9.5 MB instead of 2.4).
 */
public final class DecoderProfiler implements AutoCloseable {
    private final RippleFile file;
    private final ProfileOptions options;
    private final ActivityRule rule;

    private DecoderProfiler(RippleFile file, ProfileOptions options) {
        this.file = file;
        this.options = options;
        this.rule = options.rule() != null
                ? options.rule()
                : ActivityRule.defaultFor(file.layers().getFirst().spec());
    }

    /** Opens a decoder {@code .ripple} file (any placement) for profiling. */
    public static DecoderProfiler open(Path rippleFile, ProfileOptions options) throws IOException {
        RippleFile f = RippleFile.open(rippleFile);
        try {
            DecoderModel.load(f, MappedFfn.of(f)); // fails early, naming the file, if it is not a decoder
            return new DecoderProfiler(f, options);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** The rule this profiler records: the options' rule, or the model's default. */
    public ActivityRule rule() {
        return rule;
    }

    /**
     * Profiles token-id passages (each as it would be given to the model, BOS included) until the
     * token budget; passages longer than the options' maximum sequence length (or the model's context,
     * when shorter) are cut, and the result says how many ({@link ProfileResult#cut}).
     */
    public ProfileResult profile(Iterable<int[]> passages, String corpus, ProfileProgress progress) {
        List<FfnLayerSection> layers = file.layers();
        int n = layers.size();
        int width = layers.stream().mapToInt(l -> l.spec().dModel()).max().orElse(0);
        boolean moments = width <= OnnxProfiler.MAX_MOMENT_WIDTH;
        boolean ahead = moments && options.aheadMoments();
        Optional<Path> checkpoint = PreparedModel.checkpointOf(file);
        ProfileRecording recording = new ProfileRecording(
                file.path().getFileName().toString(),
                checkpoint.map(Path::toString).orElse(""),
                // the stamp of the weights this file was made from (profiled here), else, from a file
                // made before files recorded one, of the checkpoint as it is now
                PreparedModel.checkpointStampOf(file)
                        .orElseGet(() -> checkpoint.map(CheckpointStamp::of).orElse("")),
                layers.stream().map(FfnLayerSection::spec).toList(),
                layers.stream().map(l -> DownProjection.of(file, l)).toList(),
                rule,
                options,
                ahead
                        ? ProfileRecording.Moments.AHEAD
                        : moments ? ProfileRecording.Moments.FFN : ProfileRecording.Moments.NONE);
        // the buffers hold a passage's rows, so a length past the context (ripple profile --max-length
        // 100000) sized them for tokens never run: gigabytes, or an int overflow, before the first passage
        int context = ArchitectureFields.config(file, DecoderConfig::fromJson).maxPositions();
        int maxLength = Math.min(options.maxSequenceLength(), context);
        float[][] acts = new float[n][];
        float[][] inputs = new float[n][];
        float[][] layerInputs = new float[n][];
        for (int l = 0; l < n; l++) {
            acts[l] = new float[maxLength * layers.get(l).spec().dFfn()];
            inputs[l] = moments ? new float[maxLength * layers.get(l).spec().dModel()] : new float[0];
            layerInputs[l] = ahead ? new float[maxLength * layers.get(l).spec().dModel()] : new float[0];
        }
        int[] row = new int[n];
        int[] layerRow = new int[n];
        MappedFfn ffn = MappedFfn.recording(file, (layer, x, byNeuron) -> {
            int t = row[layer]++;
            System.arraycopy(byNeuron, 0, acts[layer], t * byNeuron.length, byNeuron.length);
            if (moments) {
                System.arraycopy(x, 0, inputs[layer], t * x.length, x.length);
            }
        });
        DecoderModel model = DecoderModel.load(file, ffn).withPrefillChunk(maxLength);
        if (ahead) {
            // row t of a layer's layer inputs and of its FFN inputs is the same token: both come in
            // the order prefill runs the passage's tokens
            model = model.withLayerInputs((layer, x) -> {
                int t = layerRow[layer]++;
                System.arraycopy(x, 0, layerInputs[layer], t * x.length, x.length);
            });
        }
        try (Session session = model.newSession(maxLength)) {
            for (int[] passage : passages) {
                if (recording.remaining() <= 0) {
                    break;
                }
                if (passage.length == 0) {
                    continue;
                }
                int length = Math.min(Math.min(passage.length, maxLength), session.context());
                Arrays.fill(row, 0);
                Arrays.fill(layerRow, 0);
                session.reset();
                model.prefill(session, Arrays.copyOf(passage, length));
                recording.addPassage(
                        acts,
                        inputs,
                        layerInputs,
                        (int) Math.min(length, recording.remaining()),
                        passage.length,
                        length);
                progress.update(recording.tokens(), options.maxTokens(), recording.passages());
            }
        }
        return recording.finish(corpus);
    }

    @Override
    public void close() {
        file.close();
    }
}
