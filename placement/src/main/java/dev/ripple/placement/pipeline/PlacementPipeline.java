package dev.ripple.placement.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.TaskFailure;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.ErrorRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.FileKind;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.format.StorageError;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.core.tokenizer.TokenizerFormatException;
import dev.ripple.placement.CheckpointStamp;
import dev.ripple.placement.InputFiles;
import dev.ripple.placement.LayoutBuilder;
import dev.ripple.placement.OutputIsInputException;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.algorithm.PlacementAlgorithm;
import dev.ripple.placement.calibrate.ConditionalMeans;
import dev.ripple.placement.eval.PlacementEvaluator;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.importer.OnnxImporter;
import dev.ripple.placement.importer.SafetensorsImporter;
import dev.ripple.placement.importer.UnsupportedModelException;
import dev.ripple.placement.importer.gguf.GgufImporter;
import dev.ripple.placement.predictor.FittedPredictor;
import dev.ripple.placement.predictor.InputMoments;
import dev.ripple.placement.predictor.LowRankFactorizer;
import dev.ripple.placement.predictor.PredictorTrainer;
import dev.ripple.placement.predictor.TrainingTokens;
import dev.ripple.placement.profile.DecoderProfiler;
import dev.ripple.placement.profile.EncodedPassage;
import dev.ripple.placement.profile.OnnxProfiler;
import dev.ripple.placement.profile.PassageTokenizer;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.stats.CountingOptions;
import dev.ripple.placement.stats.LayerStats;
import dev.ripple.placement.text.TextCorpus;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The placement optimizer as calls: import a model, profile text into a trace, place every layer
 * with one or more algorithms (co-activations counted once for all), evaluate on held-out text, and
 * write the {@code .ripple} file with its predictor and fill-in. Each step takes typed options and
 * returns a typed result; the {@code ripple} commands are thin wrappers over these calls.
 *
 * <pre>{@code
 * ProfileOptions profiling = ProfileOptions.defaults().withMaxTokens(20_000);
 * ProfileResult calibration = PlacementPipeline.profile(onnx, tokenizer, calibrationLines, "my text", profiling, NONE);
 * ProfileResult heldOut = PlacementPipeline.profile(onnx, tokenizer, heldOutLines, "my text, held-out",
 *         profiling.withRule(calibration.rule()), NONE);
 * Placements placed = PlacementPipeline.place(calibration.trace(), heldOut.trace(), PlacementAlgorithms.all(), NONE);
 * ImportedModel model = PlacementPipeline.importModel(onnx, ImportOptions.defaults());
 * WrittenModel file = PlacementPipeline.write(model, placed.get("ripple+"), calibration.trace(),
 *         LayoutOptions.defaults().withTokenizer(tokenizer), Path.of("model.ripple"), NONE);
 * }</pre>
 *
 * <p>Nothing here prints; progress goes to the {@link PipelineListener}. Bad input is an
 * {@link IllegalArgumentException} or {@link IOException} naming the file and the problem.
 */
public final class PlacementPipeline {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long {@link #stop} waits for interrupted layers: a row block or sweep takes far less. */
    private static final long STOP_WAIT_SECONDS = 30;

    private PlacementPipeline() {}

    /**
     * Reads an ONNX model, a safetensors file or checkpoint directory (with config.json), or a GGUF
     * file, as bundles of {@code options.bundles()} (by default f16 for checkpoints, f32 for ONNX).
     *
     * @throws UnsupportedModelException for a file of any other kind (a {@code .ripple} file, text),
     *     saying what it is and what is imported
     */
    public static ImportedModel importModel(Path model, ImportOptions options) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options (ImportOptions.defaults() for the defaults)");
        if (!Files.exists(model)) {
            throw new NoSuchFileException(model.toString());
        }
        if (!isOnnx(model) && !PreparedModel.isCheckpoint(model)) {
            throw new UnsupportedModelException(
                    model, notImported(FileKind.of(model)) + PreparedModel.directoryOfItsCheckpoint(model));
        }
        DType bundles = options.bundles() != null ? options.bundles() : defaultBundleType(model);
        if (isOnnx(model)) {
            return OnnxImporter.importModel(model, bundles);
        }
        // taken before the weights are read, and written into every file made from this import
        String stamp = CheckpointStamp.of(PreparedModel.checkpointSource(model));
        ImportedModel imported = PreparedModel.isGguf(model)
                ? GgufImporter.importModel(model, bundles, options.residents())
                : SafetensorsImporter.importModel(model, bundles);
        return imported.withCheckpointStamp(stamp);
    }

    /** Why a file of {@code kind} is not imported, and what is. */
    private static String notImported(FileKind kind) {
        String hint = switch (kind) {
            case RIPPLE -> " (placed already: open or run it as it is)";
            case GGUF -> " (name it .gguf)";
            case ONNX -> " (name it .onnx)";
            case SAFETENSORS -> " (name it .safetensors, config.json beside it)";
            case TRACE -> " (the trace to place with, not the model)";
            case TEXT, UNKNOWN -> "";
        };
        return kind.description() + hint + "; import takes an ONNX file (.onnx), a safetensors checkpoint directory"
                + " (config.json beside the weights) or one of its .safetensors files, or a .gguf file";
    }

    /** f16 for checkpoints (decoders: half the bytes per token), f32 for ONNX models (the encoder's exact path). */
    public static DType defaultBundleType(Path model) {
        return PreparedModel.isCheckpoint(model) ? DType.F16 : DType.F32;
    }

    /** True for an ONNX file, which ONNX Runtime profiles; anything else is a decoder the Java forward profiles. */
    public static boolean isOnnx(Path model) {
        return Files.isRegularFile(model) && model.getFileName().toString().endsWith(".onnx");
    }

    /**
     * A decoder checkpoint (directory or GGUF file) as a {@code .ripple} file in identity order, imported
     * into {@code work} once and reused while the checkpoint is unchanged; a {@code .ripple} file as itself.
     */
    public static PreparedModel prepareDecoder(Path model, Path work, DType bundles, PipelineListener listener)
            throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(bundles, "bundles");
        Objects.requireNonNull(listener, "listener (PipelineListener.NONE for none)");
        String step = "import " + model.getFileName();
        return PreparedModel.of(model, work, bundles, l -> listener.progress(step, l + 1, -1));
    }

    /**
     * Profiles {@code lines} into an activation trace: an ONNX model with ONNX Runtime, a decoder
     * {@code .ripple} file with the Java forward (teacher forcing). The rule is the options' rule, or the
     * model's default ({@link ActivityRule#defaultFor}) when it has none.
     *
     * <p>The lines are made passages as {@code ripple profile} makes a text file's
     * ({@link TextCorpus#passages}): each stripped, blank ones left out, so that the same text gives
     * the same trace through the API and the command line; a blank line would be a passage of special
     * tokens alone.
     *
     * @param tokenizer a tokenizer.json; for a decoder null means the one stored in the file
     * @param lines     the text, one passage per line
     */
    public static ProfileResult profile(
            Path model,
            Path tokenizer,
            List<String> lines,
            String corpusName,
            ProfileOptions options,
            PipelineListener listener)
            throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(lines, "lines");
        Objects.requireNonNull(options, "options (ProfileOptions.defaults() for the defaults)");
        Objects.requireNonNull(listener, "listener (PipelineListener.NONE for none)");
        List<String> passages = TextCorpus.passages(lines);
        if (!Files.exists(model)) {
            throw new NoSuchFileException(model.toString());
        }
        if (isOnnx(model)) {
            if (tokenizer == null) {
                throw new IllegalArgumentException(model + ": an ONNX model needs a tokenizer.json to profile text");
            }
            listener.progress("profile", 0, options.maxTokens());
            try (OnnxProfiler profiler = OnnxProfiler.open(model, tokenizer, options)) {
                return ended(
                        profiler.profile(passages, corpusName, (t, max, n) -> listener.progress("profile", t, max)),
                        options,
                        listener);
            }
        }
        if (PreparedModel.isCheckpoint(model)) {
            throw new IllegalArgumentException(
                    model + ": a checkpoint; import it first (prepareDecoder) and profile the .ripple file");
        }
        Tokenizer tok = tokenizer != null ? Tokenizer.fromJson(tokenizer) : storedTokenizer(model);
        // Encoded as the profiler asks, so a budget of a few thousand tokens does not encode a whole corpus.
        Iterable<int[]> ids = () ->
                passages.stream().map(tok::encode).filter(e -> e.length > 0).iterator();
        listener.progress("profile", 0, options.maxTokens());
        try (DecoderProfiler profiler = DecoderProfiler.open(model, options)) {
            return ended(
                    profiler.profile(ids, corpusName, (t, max, n) -> listener.progress("profile", t, max)),
                    options,
                    listener);
        }
    }

    /**
     * Ends the "profile" step as {@link PipelineListener} promises (done = total) when the text ran out
     * before the token budget: the step's total becomes the tokens there were.
     */
    private static ProfileResult ended(ProfileResult result, ProfileOptions options, PipelineListener listener) {
        if (result.tokens() < options.maxTokens()) {
            listener.progress("profile", result.tokens(), result.tokens());
        }
        return result;
    }

    /** The tokenizer stored with a model file, or an error saying how to give one. */
    public static Tokenizer storedTokenizer(Path rippleFile) throws IOException {
        try (RippleFile f = RippleFile.open(rippleFile)) {
            return RippleModel.tokenizerOf(f)
                    .orElseThrow(
                            () -> new IllegalArgumentException(
                                    PreparedModel.checkpointOf(f)
                                                    .map(c -> rippleFile + " (imported from " + c + ")")
                                                    .orElse(rippleFile.toString())
                                            + ": the model has no tokenizer (tokenizer.json, or vocab.json and merges.txt); give a tokenizer.json (--tokenizer FILE on the command line)"));
        }
    }

    /**
     * Places every layer of the calibration trace with each algorithm. Each layer's co-activations
     * are counted once for all of them (counting dominates placement time and grows with the square
     * of the active neurons per token); with a held-out trace each placement is evaluated on it.
     */
    public static Placements place(
            ActivationTrace calibration,
            ActivationTrace heldOut,
            List<PlacementAlgorithm> algorithms,
            PipelineListener listener) {
        return place(
                calibration, heldOut, algorithms, listener, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Why a held-out trace that is the calibration trace itself is refused: its figures would be
     * labelled held-out but measure the tokens the placement was fitted to, which read fewer runs
     * than new text does (docs/PLACEMENT.md, "Why it should hold on held-out data").
     */
    public static final String HELD_OUT_IS_CALIBRATION = "the held-out trace is the calibration trace itself, whose"
            + " reads per token are the placement's own fit, not held-out figures";

    /** {@link #place} as if the machine had {@code cores} cores, for tests of layers at once. */
    static Placements place(
            ActivationTrace calibration,
            ActivationTrace heldOut,
            List<PlacementAlgorithm> algorithms,
            PipelineListener listener,
            int cores) {
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("no placement algorithm given");
        }
        requireTokens(calibration, "calibration trace");
        if (heldOut != null
                && heldOut.sameActiveSets(calibration)) { // the same object, or the same text profiled twice
            throw new IllegalArgumentException(HELD_OUT_IS_CALIBRATION + ": profile held-out text for it");
        }
        if (heldOut != null) {
            requireSameShape(calibration, heldOut);
        }
        int layers = calibration.layers();
        int[][][] orders = new int[algorithms.size()][layers][];
        String step = "place "
                + String.join(
                        ", ", algorithms.stream().map(PlacementAlgorithm::name).toList());
        long total = (long) layers * algorithms.size();
        listener.progress(step, 0, total);
        // Each layer's counting and orders depend on that layer alone, so layers placed at once give
        // the orders placed one at a time would: every algorithm is a function of the statistics,
        // except that ripple+ stops at a wall-clock safety limit (RefinedPathOptions.timeLimit), and
        // a search that reaches it returns an order that depends on speed, which layers sharing the
        // cores lower. The limit is far above the search's time on the sizes placed at once. Why at
        // once: ripple+'s search runs on one thread and left the other cores idle layer after layer.
        LayersAtOnce plan = atOnce(calibration, CountingOptions.defaults(), algorithms, cores);
        CoActivationCounter counter = plan.counter();
        ExecutorService pool = Executors.newFixedThreadPool(plan.layers(), r -> {
            Thread t = new Thread(r, "place");
            t.setDaemon(true);
            return t;
        });
        try {
            // Layers are awaited as they finish, not in layer order, so that the first failure ends
            // the step at once; progress counts the layers done, whichever they are.
            CompletionService<Void> done = new ExecutorCompletionService<>(pool);
            for (int l = 0; l < layers; l++) {
                int layer = l;
                done.submit(
                        () -> {
                            LayerStats stats = counter.count(calibration, layer);
                            for (int k = 0; k < algorithms.size(); k++) {
                                orders[k][layer] = algorithms.get(k).order(stats);
                            }
                        },
                        null);
            }
            for (int l = 0; l < layers; l++) {
                await(done);
                listener.progress(step, (long) (l + 1) * algorithms.size(), total);
            }
        } finally {
            stop(pool);
        }
        Map<String, Placement> out = new LinkedHashMap<>();
        PlacementEvaluator evaluator = new PlacementEvaluator();
        for (int k = 0; k < algorithms.size(); k++) {
            out.put(
                    algorithms.get(k).name(),
                    new Placement(
                            algorithms.get(k).name(),
                            orders[k],
                            heldOut == null ? null : evaluator.evaluate(heldOut, orders[k])));
        }
        return new Placements(out);
    }

    /**
     * How {@link #place} runs: {@code layers} layers at once, each counted by {@code counter}.
     *
     * @param layers  layers placed at once, at least 1
     * @param counter the counter every layer uses: the given counting options with
     *                {@code max(1, threads / layers)} threads, so that the layers at once start about
     *                as many counting threads together as one layer alone would
     */
    record LayersAtOnce(int layers, CoActivationCounter counter) {}

    /**
     * How many layers {@link #place} places at once, and with how many counting threads each: the
     * most layers k, up to {@code cores}, such that {@link #layersAtOnce} of the whole working sets
     * counted with {@code max(1, counting.threads() / k)} threads per layer admits k. Each layer
     * counts on its share of the threads because the layers at once already fill the cores (k
     * layers of {@code threads} workers each would put 2k threads on 2 cores); and the bound is
     * worked out with the counter the layers then use, whose cursors grow with its threads, so that
     * it is the working set actually held. A layer's working set is the counting's
     * ({@link CoActivationCounter#denseWorkingBytes}) plus the largest placement step's scratch
     * among {@code algorithms} ({@link PlacementAlgorithm#scratchBytes}), run on the triangle the
     * counting left. The one place the per-layer size is worked out; an algorithm that cannot bound
     * its scratch ({@link PlacementAlgorithm#UNKNOWN_SCRATCH}) places one layer at a time, with all
     * of {@code counting}'s threads.
     */
    static LayersAtOnce atOnce(
            ActivationTrace calibration, CountingOptions counting, List<PlacementAlgorithm> algorithms, int cores) {
        CoActivationCounter counter = null;
        long[] working = null;
        for (int k = Math.min(cores, calibration.layers()); k > 1; k--) {
            int threads = Math.max(1, counting.threads() / k);
            if (counter == null || counter.options().threads() != threads) { // as k falls, threads only grow
                counter = new CoActivationCounter(counting.withThreads(threads));
                working = workingSets(calibration, counter, algorithms);
            }
            if (layersAtOnce(working, counting.maxDenseBytes(), cores) >= k) {
                return new LayersAtOnce(k, counter);
            }
        }
        return new LayersAtOnce(1, new CoActivationCounter(counting));
    }

    /** Each layer's whole working set counted by {@code counter}, for {@link #layersAtOnce}. */
    private static long[] workingSets(
            ActivationTrace calibration, CoActivationCounter counter, List<PlacementAlgorithm> algorithms) {
        long[] working = new long[calibration.layers()];
        for (int l = 0; l < working.length; l++) {
            long counting = counter.denseWorkingBytes(calibration, l);
            long scratch = 0;
            for (PlacementAlgorithm a : algorithms) {
                scratch = Math.max(scratch, a.scratchBytes(calibration.neurons(l), calibration.tokens(l)));
            }
            boolean unbounded = counting == Long.MAX_VALUE || scratch == PlacementAlgorithm.UNKNOWN_SCRATCH;
            working[l] = unbounded ? Long.MAX_VALUE : counting + scratch;
        }
        return working;
    }

    /**
     * Layers placed at once: one per core while that many of the widest layer's whole working sets
     * ({@code layerBytes}, from {@link #atOnce}: triangle, token block copy, bitsets, the placement
     * step's scratch) fit {@code budget} together, else one. {@code budget} is
     * {@link dev.ripple.placement.stats.CountingOptions#maxDenseBytes}, which one layer's triangle
     * alone may fill with its working set on top; so the layers at once never hold more than one
     * layer could, and a model whose layers need top-K lists ({@link Long#MAX_VALUE}) or much of
     * the budget is placed one layer at a time, in the memory it always was.
     */
    static int layersAtOnce(long[] layerBytes, long budget, int cores) {
        long widest = 0;
        for (long b : layerBytes) {
            widest = Math.max(widest, b);
        }
        long fit = widest == 0 ? layerBytes.length : budget / widest;
        return (int) Math.max(1, Math.min(Math.min(fit, layerBytes.length), cores));
    }

    /**
     * Stops the layers still placing (counting and search check their interrupt every row block,
     * sweep or few hundred neurons) and waits a bounded time for them, so that once {@link #place}
     * has thrown no layer goes on using the cores and the heap behind the caller's back.
     */
    private static void stop(ExecutorService pool) {
        pool.shutdownNow();
        try {
            pool.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the next layer to finish placing, passing on what it threw. */
    private static void await(CompletionService<Void> done) {
        try {
            done.take().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("placement interrupted", e);
        } catch (ExecutionException e) {
            throw TaskFailure.unwrap(e);
        }
    }

    /**
     * The low-rank predictor's default rank: a quarter of the smaller dimension of a layer, at most
     * 128, so that a 7B model's predictor stays near 1% of its size (as LLM in a flash's does) rather
     * than several GB.
     */
    public static int defaultRank(FfnLayerSpec spec) {
        return Math.max(1, Math.min(128, Math.min(spec.dModel(), spec.dFfn()) / 4));
    }

    /**
     * The rank fitted for {@code requested} (-1: {@link #defaultRank}): at most the smaller dimension,
     * the most a layer's factors can have, so that the file and the report record what was fitted.
     */
    static int rank(int requested, FfnLayerSpec spec) {
        return requested < 0 ? defaultRank(spec) : Math.min(requested, Math.min(spec.dModel(), spec.dFfn()));
    }

    /**
     * Fits the low-rank predictor of every layer at {@code rank} (-1: {@link #defaultRank}) to the
     * calibration trace's FFN input moments (to the weights alone when it has none), and, when the
     * trace has {@link ActivationTrace#aheadMoments} (a decoder's), the read-ahead's predictor to
     * them at the same rank and seed. A predictor does not depend on the placement: files of several
     * placements can share one fit through {@link LayoutOptions#withFitted}.
     */
    public static FittedPredictor fitPredictor(
            ImportedModel model, ActivationTrace calibration, int rank, PipelineListener listener) {
        requireMatches(model, calibration, "calibration trace");
        int r = rank(rank, model.layers().getFirst().spec());
        int layers = model.layers().size();
        listener.progress("fit the predictor", 0, layers);
        return LayoutBuilder.fitPredictor(
                model,
                r,
                calibration.inputMoments(),
                calibration.aheadMoments(),
                l -> listener.progress("fit the predictor", l + 1, layers));
    }

    /**
     * What {@link #trainPredictor} needs before any work: an ONNX model that is there, a tokenizer, and
     * a threshold or error rule in the calibration trace; the rule. {@link #placeModel} checks it before
     * it imports and places, so a request it would refuse at the end costs nothing.
     */
    private static ActivityRule requireTrainable(Path onnx, Path tokenizer, ActivationTrace calibration)
            throws NoSuchFileException {
        if (!Files.exists(onnx)) {
            throw new NoSuchFileException(onnx.toString());
        }
        if (!isOnnx(onnx)) {
            throw new IllegalArgumentException(onnx + ": the trained predictor is trained on an ONNX model's FFN "
                    + "inputs from ONNX Runtime; decoders are not supported (use the low-rank predictor)");
        }
        if (tokenizer == null) {
            throw new IllegalArgumentException(onnx + ": training the predictor needs a tokenizer.json to encode text");
        }
        ActivityRule rule = ActivityRule.parse(calibration.info().rule());
        if (!(rule instanceof ThresholdRule) && !(rule instanceof ErrorRule)) {
            throw new IllegalArgumentException("the trained predictor learns a threshold or error rule, and the "
                    + "calibration trace's rule is '" + rule.describe() + "'");
        }
        return rule;
    }

    /**
     * Trains the predictor {@link LayoutOptions#withTrained} stores (issue 16): profiles
     * {@code passages} with ONNX Runtime for the FFN inputs and activations
     * ({@link TrainingTokens}, every fifth passage kept for validation), fits the low-rank factors
     * to the inputs, trains a network per layer from them under the calibration trace's rule
     * ({@link PredictorTrainer}, layers in parallel, deterministic under the seed) and calibrates
     * each layer's threshold to the recall target on the validation passages. Progress: the
     * profiling in tokens, then the training in layers.
     *
     * @param onnx        the ONNX model the calibration trace was profiled from (decoders: not supported,
     *                    their profiler does not hand over the FFN inputs)
     * @param tokenizer   its tokenizer.json
     * @param lines       text to train on, one passage per line, made passages as {@link #profile}
     *                    makes them; best the calibration text, not held-out text
     * @param calibration the trace whose rule the predictor learns and whose shape it must fit
     * @throws IllegalArgumentException for a decoder, a rule other than a threshold or error rule, a model
     *     that does not expose its FFN inputs, or fewer than five passages
     */
    public static TrainedFit trainPredictor(
            Path onnx,
            Path tokenizer,
            List<String> lines,
            ActivationTrace calibration,
            TrainingOptions options,
            PipelineListener listener)
            throws IOException, InterruptedException {
        ActivityRule rule = requireTrainable(onnx, tokenizer, calibration);
        List<String> passages = TextCorpus.passages(lines);
        ProfileOptions profiling = ProfileOptions.defaults().withRule(rule);
        TrainingTokens data;
        List<FfnLayerWeights> layers;
        String profileStep = "profile for the trained predictor";
        try (OnnxProfiler profiler = OnnxProfiler.open(onnx, null, profiling);
                PassageTokenizer tok = PassageTokenizer.open(tokenizer, profiling.maxSequenceLength())) {
            requireMatches(profiler.model(), calibration, "calibration trace");
            layers = profiler.model().weights();
            for (FfnLayerWeights w : layers) {
                if (w.spec().gated()) {
                    throw new IllegalArgumentException(
                            onnx + ": layer " + w.spec().index()
                                    + " is gated; the trained predictor starts from low-rank factors of ungated layers only");
                }
            }
            List<EncodedPassage> encoded = new ArrayList<>();
            long tokens = 0;
            for (String text : passages) {
                if (tokens >= options.maxTokens()) {
                    break;
                }
                EncodedPassage p = tok.encode(text);
                if (p.length() > 0) {
                    encoded.add(p);
                    tokens += p.length();
                }
            }
            listener.progress(profileStep, 0, options.maxTokens());
            data = TrainingTokens.collect(
                    profiler,
                    encoded,
                    options.maxTokens(),
                    t -> listener.progress(profileStep, t, options.maxTokens()));
        }
        int rank = options.rank() > 0
                ? options.rank()
                : defaultRank(layers.getFirst().spec());
        List<LowRankPredictor.Factors> start = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            start.add(LowRankFactorizer.factor(
                    layers.get(l),
                    Math.min(
                            rank,
                            Math.min(
                                    layers.get(l).spec().dModel(),
                                    layers.get(l).spec().dFfn())),
                    options.seed() + l,
                    data.moments().get(l)));
        }
        PredictorTrainer.Options preset = PredictorTrainer.Options.warmStart();
        PredictorTrainer.Options trainer = new PredictorTrainer.Options(
                rank,
                options.epochs(),
                preset.batch(),
                options.learningRate(),
                preset.missWeight(),
                options.seed(),
                options.threads(),
                false);
        String trainStep = "train the predictor";
        listener.progress(trainStep, 0, layers.size());
        PredictorTrainer.Result result = PredictorTrainer.train(
                data.train(),
                data.validation(),
                rule,
                ConditionalMeans.fillIn(rule, data.all(), layers),
                layers,
                start,
                trainer,
                l -> listener.progress(trainStep, l + 1, layers.size()));
        double[] share = new double[layers.size()];
        double[] recall = new double[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            PredictorTrainer.LayerResult r = result.layers().get(l);
            float t = r.thresholdFor(options.recall());
            share[l] = r.readShare(t);
            recall[l] = r.recall(t);
        }
        return new TrainedFit(
                result.predictor(options.recall()),
                options,
                rule.describe(),
                data.train().tokens(),
                data.validation().tokens(),
                result.seconds(),
                share,
                recall);
    }

    /**
     * {@code ripple place} as one call: imports the model, checks the traces fit it, places with every
     * requested algorithm, trains a predictor when asked, and writes the file with the first placement.
     */
    public static PlacedModel placeModel(PlacementRequest request, PipelineListener listener)
            throws IOException, InterruptedException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener (PipelineListener.NONE for none)");
        requireNotInput(request.out(), request.model(), request.layout().tokenizer());
        requireTokenizer(request.layout().tokenizer()); // before the import's minutes, which write() would follow
        requireTokens(request.calibration(), request.calibrationName()); // before the model is read
        if (request.training() != null) { // and before placing, which a refused training would waste
            requireTrainable(request.model(), request.layout().tokenizer(), request.calibration());
        }
        return placeImported(request, importModel(request.model(), request.importing()), listener);
    }

    /**
     * {@link #placeModel} once {@code request.model()} is imported as {@code model}. The traces are
     * checked against that import's stamp ({@link ImportedModel#checkpointStamp}), taken before it
     * read the weights: a trace must be of the weights imported, which are the ones written, whatever
     * the checkpoint holds by the time the traces are checked; and the checkpoint's content is not
     * sampled again per trace. Separate from {@link #placeModel} so that a test can change the
     * checkpoint between the import and the check.
     */
    static PlacedModel placeImported(PlacementRequest request, ImportedModel model, PipelineListener listener)
            throws IOException, InterruptedException {
        boolean sameCheckpoint = request.traceMatch() == TraceMatch.SAME_CHECKPOINT;
        String stamp = model.checkpointStamp();
        requireMatches(model, request.calibration(), request.calibrationName());
        if (sameCheckpoint) {
            TraceSource.requireRecordedOn(request.model(), stamp, request.calibration(), request.calibrationName());
        }
        if (request.heldOut() != null) {
            requireMatches(model, request.heldOut(), request.heldOutName());
            if (sameCheckpoint) {
                TraceSource.requireRecordedOn(request.model(), stamp, request.heldOut(), request.heldOutName());
            }
        }
        Placements placed = place(request.calibration(), request.heldOut(), request.algorithms(), listener);
        PlacementRequest.Training training = request.training();
        TrainedFit trained = training == null
                ? null
                : trainPredictor(
                        request.model(),
                        request.layout().tokenizer(),
                        training.passages(),
                        request.calibration(),
                        training.options(),
                        listener);
        WrittenModel written = write(
                model,
                placed.first(),
                request.calibration(),
                trained == null ? request.layout() : request.layout().withTrained(trained),
                request.out(),
                listener);
        return new PlacedModel(
                placed, written, trained, model.architecture().path("gguf").path("residentConversions"));
    }

    /**
     * An exception naming {@code what} when the calibration trace holds no token: a placement would
     * follow nothing (every order equally good) and a model would be written anyway.
     */
    public static void requireTokens(ActivationTrace trace, String what) {
        if (trace.layers() == 0 || trace.tokens(0) == 0) {
            throw new IllegalArgumentException(
                    what + ": holds no tokens (profile more text into it, e.g. --split all)");
        }
    }

    /**
     * An exception naming {@code what} unless the trace has the model's layers, neurons, (when it
     * recorded FFN input moments) hidden size and (when it recorded it, {@link TraceInfo#ffn}) FFN
     * activation: a trace of another model would fit a predictor to the wrong inputs. Checked whatever
     * the {@link TraceMatch}: two models of one shape but another activation (a Llama's SwiGLU, an
     * OPT's ReLU) are not copies of each other, and the trace's rule and input moments are the other
     * activation's.
     */
    public static void requireMatches(ImportedModel model, ActivationTrace trace, String what) {
        if (trace.layers() != model.layers().size()) {
            throw new IllegalArgumentException(what + ": trace has " + trace.layers() + " layers, the model "
                    + model.layers().size());
        }
        for (int l = 0; l < trace.layers(); l++) {
            if (trace.neurons(l) != model.layers().get(l).spec().dFfn()) {
                throw new IllegalArgumentException(
                        what + ": layer " + l + " has " + trace.neurons(l) + " neurons in the trace, "
                                + model.layers().get(l).spec().dFfn() + " in the model");
            }
        }
        List<InputMoments> moments = trace.inputMoments();
        for (int l = 0; l < moments.size(); l++) {
            int d = model.layers().get(l).spec().dModel();
            if (moments.get(l).dModel() != d) {
                throw new IllegalArgumentException(what + ": layer " + l + " has FFN inputs of width "
                        + moments.get(l).dModel() + " in the trace, hidden size " + d + " in the model");
            }
        }
        if (model.layers().isEmpty()) {
            return;
        }
        String recorded = trace.info().ffn();
        String placing = TraceInfo.ffnOf(model.layers().getFirst().spec());
        if (!recorded.isEmpty() && !recorded.equals(placing)) {
            // the checkpoint the trace's model was imported from names it best, when the trace recorded it
            String source = trace.info().checkpoint().isEmpty()
                    ? trace.info().model()
                    : trace.info().checkpoint();
            throw new IllegalArgumentException(what + ": recorded on " + source + ", a model with a "
                    + recorded + " FFN (rule '" + trace.info().rule() + "'), and " + model.source()
                    + " has a " + placing + " FFN: profile it for a trace of it (place --trust-trace;"
                    + " TraceMatch.SAME_SHAPE accepts a copy of the model, not a model of another kind)");
        }
    }

    /**
     * Writes the model's bundles in the placement's order, with the calibration trace's rule, its mean
     * fill-in and a low-rank predictor fitted to its FFN input moments (with, when it has a decoder's
     * ahead moments, the read-ahead's predictor fitted to them), atomically to {@code out}.
     *
     * <p>Checks only that the trace has the model's shape ({@link #requireMatches}): a trace recorded
     * on another checkpoint of the same shape is taken. {@link #placeModel} also checks that the trace
     * was recorded on this checkpoint ({@link TraceMatch}); call it, or check yourself, when traces
     * and checkpoints come from different places.
     *
     * @throws OutputIsInputException when {@code out} is a file of the model imported or the tokenizer
     * @throws TokenizerFormatException when {@code options.tokenizer()} does not read as a tokenizer.json
     */
    public static WrittenModel write(
            ImportedModel model,
            Placement placement,
            ActivationTrace calibration,
            LayoutOptions options,
            Path out,
            PipelineListener listener)
            throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(calibration, "calibration");
        Objects.requireNonNull(options, "options (LayoutOptions.defaults() for the defaults)");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(listener, "listener (PipelineListener.NONE for none)");
        requireNotInput(out, Path.of(model.source()), options.tokenizer());
        requireTokenizer(options.tokenizer());
        requireMatches(model, calibration, "calibration trace");
        int layers = model.layers().size();
        int rank = options.fitted() != null
                ? options.fitted().rank()
                : rank(options.predictorRank(), model.layers().getFirst().spec());
        ObjectNode stats = placement.heldOut() == null
                ? JSON.createObjectNode()
                : JSON.valueToTree(placement.heldOut().overall());
        stats.put("calibrationTokens", calibration.info().tokens());
        String fitStep = "predictor and fill-in";
        listener.progress(fitStep, 0, layers);
        LayoutBuilder builder = new LayoutBuilder(model, placement.orders())
                .rule(ActivityRule.parse(calibration.info().rule()))
                .corpus(calibration.info().corpus())
                .placement(placement.algorithm(), stats)
                .fillIn(options.fillIn() ? calibration.meanInactive() : null)
                .lowRank(rank, options.margin())
                .inputMoments(calibration.inputMoments())
                .aheadMoments(calibration.aheadMoments())
                .tokenizer(options.tokenizer() == null ? null : Files.readAllBytes(options.tokenizer()))
                .residentType(options.residents());
        if (options.fitted() != null) {
            builder.factors(options.fitted(), options.margin());
        }
        if (options.trained() != null) {
            builder.trained(options.trained().predictor(), options.trained().provenance());
        }
        RippleContents contents = builder.build(l -> listener.progress(fitStep, l + 1, layers));
        String writeStep = "write " + out.getFileName();
        List<StorageError> errors = new ArrayList<>();
        listener.progress(writeStep, 0, layers);
        long size = RippleFileWriter.write(out, contents, (l, error) -> {
            errors.add(error);
            if (l + 1 == layers) { // every bundle has been read from the checkpoint; the file is not in place yet
                requireCheckpointUnchanged(model, out);
            }
            listener.progress(writeStep, l + 1, layers);
        });
        String fit = rank == 0 ? "none" : calibration.inputMoments().isEmpty() ? "weights" : "inputs";
        DType bundles = model.layers().getFirst().spec().dtype();
        boolean ahead = rank > 0
                && (options.fitted() != null
                        ? options.fitted().hasAhead()
                        : !calibration.aheadMoments().isEmpty());
        return new WrittenModel(out, size, placement.algorithm(), bundles, errors, rank, fit, ahead);
    }

    /**
     * Refuses a tokenizer file that does not read as a tokenizer.json (empty, text, another kind of
     * file): it is stored as given, and a model file holding one makes every later {@code generate}
     * fail on it, prompt ids or not, naming only "tokenizer.json".
     *
     * @throws TokenizerFormatException naming the file and the problem
     */
    private static void requireTokenizer(Path tokenizer) throws IOException {
        if (tokenizer != null) {
            Tokenizer.fromJson(tokenizer);
        }
    }

    /**
     * Refuses an {@code out} that is a file the model is read from or the tokenizer ({@link
     * InputFiles}): the {@code .ripple} file would replace the weights it is made from.
     */
    private static void requireNotInput(Path out, Path model, Path tokenizer) throws IOException {
        InputFiles.none()
                .withModel(model, "the model")
                .with(tokenizer, "the tokenizer")
                .requireNotOverwrittenBy("output", out);
    }

    /**
     * Refuses, before the file being written replaces anything, a checkpoint whose files were
     * written again since {@code model} was imported from them: an import maps the checkpoint and
     * reads its bundles only as they are written out, so weights copied over it in place ({@code cp
     * -p}) in between would be written under the import's stamp, and a trace checked against that
     * stamp would pass for weights it never saw. Samples the checkpoint's content once more (about
     * 256 KiB per weights file, CheckpointStamp); nothing for an import without a content stamp (ONNX).
     *
     * @throws IllegalStateException naming the checkpoint and the file not written
     */
    private static void requireCheckpointUnchanged(ImportedModel model, Path out) {
        String stamp = model.checkpointStamp();
        if (!CheckpointStamp.hashesContent(stamp)) {
            return;
        }
        Path checkpoint = PreparedModel.checkpointSource(Path.of(model.source()));
        if (!stamp.equals(CheckpointStamp.of(checkpoint))) {
            throw new IllegalStateException(checkpoint + ": its files were written again while " + out.getFileName()
                    + " was made from them, so its weights may be of either; nothing was written: place again");
        }
    }

    /**
     * Whether two recorded rules select the same neurons on {@code layers} layers: {@code act > 0.1}
     * and {@code act > 0.1,0.1} do (a threshold per layer, the last repeated); texts that do not parse
     * are compared as they are.
     */
    static boolean sameRule(String a, String b, int layers) {
        if (a.equals(b)) {
            return true;
        }
        try {
            ActivityRule ra = ActivityRule.parse(a);
            ActivityRule rb = ActivityRule.parse(b);
            if (ra instanceof ThresholdRule ta && rb instanceof ThresholdRule tb) {
                if (ta.mode() != tb.mode()) {
                    return false;
                }
                for (int l = 0; l < Math.max(1, layers); l++) {
                    if (Float.compare(ta.threshold(l), tb.threshold(l)) != 0) {
                        return false;
                    }
                }
                return true;
            }
            return ra.describe().equals(rb.describe());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void requireSameShape(ActivationTrace calibration, ActivationTrace heldOut) {
        if (!sameRule(calibration.info().rule(), heldOut.info().rule(), calibration.layers())) {
            throw new IllegalArgumentException("held-out trace was recorded under the rule '"
                    + heldOut.info().rule()
                    + "', the calibration trace under '" + calibration.info().rule()
                    + "': profile the held-out text with the calibration's rule (--rule; ProfileOptions.withRule)");
        }
        if (calibration.layers() != heldOut.layers()) {
            throw new IllegalArgumentException("held-out trace has " + heldOut.layers()
                    + " layers, the calibration trace " + calibration.layers());
        }
        for (int l = 0; l < calibration.layers(); l++) {
            if (calibration.neurons(l) != heldOut.neurons(l)) {
                throw new IllegalArgumentException("layer " + l + " has " + heldOut.neurons(l)
                        + " neurons in the held-out trace, " + calibration.neurons(l) + " in the calibration trace");
            }
        }
    }
}
