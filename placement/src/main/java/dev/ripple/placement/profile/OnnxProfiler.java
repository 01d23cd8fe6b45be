package dev.ripple.placement.profile;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.importer.OnnxGraph;
import dev.ripple.placement.importer.OnnxImporter;
import dev.ripple.placement.importer.OnnxModel;
import dev.ripple.placement.importer.OnnxNode;
import dev.ripple.placement.importer.OnnxOutputsRewriter;
import dev.ripple.placement.importer.UnsupportedModelException;
import dev.ripple.placement.predictor.InputMoments;
import dev.ripple.placement.trace.ActivationTrace;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.collections.impl.utility.LazyIterate;

/**
 * Records which FFN neurons fire, token by token, by running an ONNX model in ONNX Runtime with
 * every FFN activation tensor added as an extra graph output ({@link OnnxOutputsRewriter}).
 * Passages run one at a time (no padding, so every recorded token is a real one); each token's
 * active set per layer goes into an {@link ActivationTrace}. The FFN output error the rule causes
 * is computed in Java from the returned activations and the imported down weights. Each FFN's
 * input is requested too, and its mean and second moment ({@link InputMoments}) go into the
 * result and the trace: the low-rank predictor is fitted to them.
 *
 * <pre>{@code
 * try (OnnxProfiler p = OnnxProfiler.open(Path.of("model.onnx"), Path.of("tokenizer.json"),
 *         ProfileOptions.defaults().withMaxTokens(20_000))) {
 *     ProfileResult r = p.profile(corpus.passages(), "europarl en calibration", ProfileProgress.NONE);
 *     TraceFiles.write(Path.of("model.rtrace"), r.trace());
 * }
 * }</pre>
 *
 * <p>Model inputs are fed by name: {@code input_ids}, {@code attention_mask},
 * {@code token_type_ids}, {@code position_ids}; any other input is reported as unsupported.
 */
public final class OnnxProfiler implements AutoCloseable {
    /**
     * The widest FFN input whose moments are recorded: a {@code dModel²} matrix of doubles per
     * layer (8 MiB at 1024), beyond which the low-rank predictor is fitted to the weights alone.
     */
    public static final int MAX_MOMENT_WIDTH = 1024;

    private final Path file;
    private final ImportedModel model;
    private final ProfileOptions options;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final PassageTokenizer tokenizer;
    private final Set<String> outputs;
    private final ActivityRule rule;

    private OnnxProfiler(
            Path file,
            ImportedModel model,
            ProfileOptions options,
            OrtEnvironment env,
            OrtSession session,
            PassageTokenizer tokenizer) {
        this.file = file;
        this.model = model;
        this.options = options;
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.outputs = new LinkedHashSet<>(model.activationOutputs());
        this.rule = options.rule() != null
                ? options.rule()
                : ActivityRule.defaultFor(model.layers().getFirst().spec());
        if (recordsInputs(model)) {
            outputs.addAll(model.ffnInputs());
        }
    }

    private static boolean recordsInputs(ImportedModel model) {
        return !model.ffnInputs().isEmpty()
                && model.layers().stream().allMatch(l -> l.spec().dModel() <= MAX_MOMENT_WIDTH);
    }

    /**
     * Opens a model for profiling. The tokenizer is checked against the model's embedding before
     * the FFNs are taken out of the graph and ONNX Runtime loads it, so a tokenizer of another model
     * is refused at once.
     *
     * @param tokenizerJson the model's tokenizer.json, or null to use {@link #profileEncoded} only
     */
    public static OnnxProfiler open(Path onnxFile, Path tokenizerJson, ProfileOptions options) throws IOException {
        OnnxModel parsed = OnnxModel.read(onnxFile);
        OrtSession session = null;
        PassageTokenizer tok = null;
        try {
            if (tokenizerJson != null) {
                tok = PassageTokenizer.open(tokenizerJson, options.maxSequenceLength());
                requireFits(tok, tokenizerJson, parsed.graph(), onnxFile);
            }
            ImportedModel ffns = OnnxImporter.ffnsOf(parsed, DType.F32);
            List<String> extra = new ArrayList<>(ffns.activationOutputs());
            if (recordsInputs(ffns)) {
                extra.addAll(ffns.ffnInputs());
            }
            byte[] rewritten = OnnxOutputsRewriter.withOutputs(parsed, extra);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                int threads = options.threads() == 0 ? Runtime.getRuntime().availableProcessors() : options.threads();
                so.setIntraOpNumThreads(threads);
                so.setInterOpNumThreads(1);
                session = env.createSession(rewritten, so);
                for (String in : session.getInputNames()) {
                    if (!List.of("input_ids", "attention_mask", "token_type_ids", "position_ids")
                            .contains(in)) {
                        throw new UnsupportedModelException(
                                onnxFile,
                                "model input '" + in + "' is not one the profiler can feed"
                                        + " (input_ids, attention_mask, token_type_ids, position_ids); inputs: "
                                        + session.getInputNames());
                    }
                }
                OnnxProfiler p = new OnnxProfiler(onnxFile, ffns, options, env, session, tok);
                session = null;
                tok = null;
                return p;
            }
        } catch (OrtException e) {
            throw new IOException(onnxFile + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
        } finally {
            if (session != null) {
                closeQuietly(session);
            }
            if (tok != null) {
                tok.close();
            }
        }
    }

    /**
     * Refuses a tokenizer whose ids run past the model's token embedding: a tokenizer of another
     * model. ONNX Runtime fails only on a token whose id is out of range, and a tokenizer of another
     * model with a vocabulary of about the same size gives mostly ids in range: profiled without a
     * word, the trace was of text the model never saw. The embedding is the initializer the
     * {@code input_ids} are gathered from; a graph without one is not checked.
     */
    static void requireFits(PassageTokenizer tok, Path tokenizerJson, OnnxGraph graph, Path onnxFile) {
        OptionalLong rows = tokenEmbeddingRows(graph);
        if (rows.isPresent() && tok.vocabSize() > rows.getAsLong()) {
            throw new IllegalArgumentException(tokenizerJson + ": its ids go up to " + (tok.vocabSize() - 1) + ", but "
                    + onnxFile + " embeds " + rows.getAsLong() + " tokens: a tokenizer of another model?");
        }
    }

    /** Rows of the initializer {@code input_ids} are gathered from, when the graph has one. */
    static OptionalLong tokenEmbeddingRows(OnnxGraph graph) {
        for (OnnxNode n : graph.nodes()) {
            if (n.opType().equals("Gather")
                    && n.inputs().size() == 2
                    && n.inputs().get(1).equals("input_ids")) {
                var table = graph.initializers().get(n.inputs().get(0)); // the importer's tensor, not ORT's
                if (table != null && table.dims().length == 2) {
                    return OptionalLong.of(table.dims()[0]);
                }
            }
        }
        return OptionalLong.empty();
    }

    /** The rule this profiler records: the options' rule, or the model's default when they name none. */
    public ActivityRule rule() {
        return rule;
    }

    /** The model's FFN layers (original neuron order) and activation tensor names. */
    public ImportedModel model() {
        return model;
    }

    /**
     * Tokenises and profiles {@code passages} until the token budget is reached; a passage longer
     * than the maximum sequence length is cut to it, and the result says how many were
     * ({@link ProfileResult#cut}). A passage the tokenizer makes no token of (a line of zero-width
     * spaces or control characters, which its normalizer drops) is left out as a blank line is.
     */
    public ProfileResult profile(Iterable<String> passages, String corpus, ProfileProgress progress)
            throws IOException {
        if (tokenizer == null) {
            throw new IllegalStateException("opened without a tokenizer; use profileEncoded");
        }
        // lazily: each passage is tokenised when the profile reaches it, which may stop early
        Iterable<Sized> encoded = LazyIterate.collect(passages, text -> {
            EncodedPassage e = tokenizer.encode(text);
            return tokenizer.holdsText(text, e) ? new Sized(e, tokenizer.fullLength(text, e)) : NO_TEXT;
        });
        return profileSized(encoded, corpus, progress);
    }

    /** Profiles already tokenised passages (each truncated to the maximum sequence length). */
    public ProfileResult profileEncoded(Iterable<EncodedPassage> passages, String corpus, ProfileProgress progress)
            throws IOException {
        Iterable<Sized> sized = LazyIterate.collect(passages, e -> new Sized(e, e.length()));
        return profileSized(sized, corpus, progress);
    }

    /** A passage as encoded (perhaps cut by the tokenizer) and the tokens its text makes uncut. */
    private record Sized(EncodedPassage encoded, int fullLength) {}

    /** A passage of special tokens alone ({@link PassageTokenizer#holdsText}): left out as a blank line is. */
    private static final Sized NO_TEXT = new Sized(new EncodedPassage(new long[0], new long[0], new long[0]), 0);

    private ProfileResult profileSized(Iterable<Sized> passages, String corpus, ProfileProgress progress)
            throws IOException {
        List<FfnLayerWeights> layers = model.weights();
        ProfileRecording recording = new ProfileRecording(
                file.getFileName().toString(),
                "",
                "",
                layers.stream().map(FfnLayerWeights::spec).toList(),
                layers.stream().map(DownProjection::of).toList(),
                rule,
                options,
                recordsInputs(model) ? ProfileRecording.Moments.FFN : ProfileRecording.Moments.NONE);
        for (Sized p : passages) {
            if (recording.remaining() <= 0) {
                break;
            }
            if (p.encoded().length() == 0) {
                continue;
            }
            EncodedPassage cut = truncate(p.encoded(), options.maxSequenceLength());
            PassageTensors out = run(cut);
            recording.addPassage(
                    out.activations(),
                    out.inputs(),
                    null,
                    (int) Math.min(cut.length(), recording.remaining()),
                    Math.max(p.fullLength(), p.encoded().length()),
                    cut.length());
            progress.update(recording.tokens(), options.maxTokens(), recording.passages());
        }
        return recording.finish(corpus);
    }

    /**
     * One passage's tensors, per layer, row-major: the FFN activations [tokens × dFfn] and, when
     * the profiler records them, the FFN inputs [tokens × dModel] (else an empty array).
     */
    public record PassageTensors(float[][] activations, float[][] inputs) {}

    /**
     * Runs one passage and returns, per layer, the activations as [tokens × dFfn] row-major.
     *
     * @throws IOException when ONNX Runtime fails or returns a tensor of an unexpected size
     */
    public float[][] activations(EncodedPassage p) throws IOException {
        return run(p).activations();
    }

    /**
     * Runs one passage and returns its activations and, where recorded, its FFN inputs.
     *
     * @throws IOException when ONNX Runtime fails or returns a tensor of an unexpected size
     */
    public PassageTensors run(EncodedPassage p) throws IOException {
        int n = p.length();
        Map<String, OnnxTensor> inputs = Map.of();
        try {
            inputs = OrtInputs.of(env, session.getInputNames(), p, file);
            try (OrtSession.Result r = session.run(inputs, outputs)) {
                List<FfnLayerWeights> layers = model.weights();
                boolean withInputs = recordsInputs(model);
                float[][] acts = new float[layers.size()][];
                float[][] ffnIn = new float[withInputs ? layers.size() : 0][];
                for (int l = 0; l < layers.size(); l++) {
                    int dFfn = layers.get(l).spec().dFfn();
                    acts[l] = floats(r, model.activationOutputs().get(l), n, dFfn, "activation", l);
                    if (withInputs) {
                        ffnIn[l] = floats(
                                r,
                                model.ffnInputs().get(l),
                                n,
                                layers.get(l).spec().dModel(),
                                "FFN input",
                                l);
                    }
                }
                return new PassageTensors(acts, ffnIn);
            }
        } catch (OrtException e) {
            throw new IOException(
                    file + ": ONNX Runtime failed on a passage of " + n + " tokens: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private float[] floats(OrtSession.Result r, String name, int tokens, int width, String what, int layer)
            throws IOException {
        OnnxValue v =
                r.get(name).orElseThrow(() -> new IOException(file + ": ONNX Runtime returned no '" + name + "'"));
        FloatBuffer fb = v instanceof OnnxTensor t ? t.getFloatBuffer() : null;
        long expected = (long) tokens * width;
        if (fb == null || fb.remaining() != expected) {
            throw new IOException(file + ": " + what + " tensor '" + name + "' of layer " + layer + " holds "
                    + (fb == null ? "no floats" : fb.remaining() + " floats") + ", expected " + expected
                    + " (" + tokens + " tokens × " + width + ")");
        }
        float[] out = new float[(int) expected];
        fb.get(out);
        return out;
    }

    private static EncodedPassage truncate(EncodedPassage p, int max) {
        if (p.length() <= max) {
            return p;
        }
        return new EncodedPassage(
                Arrays.copyOf(p.ids(), max), Arrays.copyOf(p.attentionMask(), max), Arrays.copyOf(p.typeIds(), max));
    }

    @Override
    public void close() {
        closeQuietly(session);
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException ignored) {
            // Closing a session only frees native memory; nothing to recover.
        }
    }
}
