package dev.ripple.core.runtime;

import dev.ripple.cache.BundleCache;
import dev.ripple.cache.CacheSettings;
import dev.ripple.core.Freeing;
import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.DensePredictor;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.TrainedPredictor;
import dev.ripple.core.ffn.SparseFfnExecutor;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFormatException;
import dev.ripple.core.model.FeedForward;
import dev.ripple.core.model.ModelCall;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.model.bert.BertConfig;
import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.io.ReadPlanner;
import dev.ripple.io.concurrent.PerThread;
import dev.ripple.io.device.DeviceEmulator;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.device.EmulatedReader;
import dev.ripple.io.reader.DirectReader;
import dev.ripple.io.reader.ExtentReader;
import dev.ripple.io.reader.ReaderFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@code .ripple} model opened for inference: resident tensors in DRAM, FFN bundles read from
 * flash per token. The entry point for Java apps.
 *
 * <pre>{@code
 * try (RippleModel m = RippleModel.open(Path.of("minilm.ripple"), RuntimeOptions.defaults())) {
 *     int[] ids = m.tokenizer().orElseThrow().encode("Flash is slow to seek.");   // [CLS] ... [SEP]
 *     EncoderModel encoder = m.encoder().orElseThrow();
 *     float[] embedding = encoder.embed(ids);                     // the whole BERT forward
 *     float[] hidden = encoder.hiddenStates(ids)[0];              // any input dModel floats wide
 *     float[] out = new float[hidden.length];
 *     TokenStats cost = m.ffn(0).forward(hidden, out);            // one FFN layer, one token
 *     System.out.println(m.stats().hitRate());
 * }
 * }</pre>
 *
 * <p>The README's encoder example, which a test compiles and runs, shows the same calls in full.
 *
 * <p>Thread-safe: many threads may run tokens through one model; the cache budget holds across
 * all of them. Each calling thread gets working memory of its own (megabytes off-heap for a large
 * model), freed at close or, once the thread has ended, at the first call of a thread new to the
 * model, so a thread per request does not grow it.
 *
 * <p>Close it: {@link #close()} frees the mapping, the reader's file descriptor, the cache and the
 * threads' working memory at once, and may be called again (it then does nothing). A model dropped
 * unclosed is freed only once the collector finds it unreachable (a {@link Cleaner}), which nothing
 * off-heap makes happen soon.
 */
public final class RippleModel implements FeedForward, AutoCloseable {
    private final RippleFile file;
    private final ExtentReader reader;
    private final BundleCache cache;
    private final List<FlashFfn> layers;
    private final RuntimeStats stats = new RuntimeStats();
    private final ActivationPredictor predictor;
    /** What the FFNs' read-ahead predicts with, or null for none ({@link #readAheadPredictor}). */
    private final ActivationPredictor aheadPredictor;
    /** What the predictor read from the file holds off-heap; freed at close rather than by the GC. */
    private final Arena predictorArena;

    /**
     * Each calling thread's working memory, shared by the layers: megabytes off-heap (its hit, read
     * and read-ahead buffers) in arenas this model closes, not the GC. The holder frees an ended
     * thread's when a thread new to the model comes, so an app that gives each request a thread of
     * its own (a virtual thread per request, a pool that replaces its threads) does not keep one per
     * thread it ever ran (about 2 MB a thread on a small test model, OpenModelMemoryTest), and hands
     * a common-pool worker its own back after the pool cleared its thread-locals, rather than a new
     * one at almost every call from a parallel stream or a {@code CompletableFuture}.
     */
    private final PerThread<Scratch> scratches = PerThread.of(Scratch::new, Scratch::free);
    /** The decoder or encoder over these FFNs, when the file holds one; loaded, so checked, at open. */
    private final DecoderModel decoder;

    private final EncoderModel encoder;
    /** Lets {@link #close()} wait for the calls other threads have in progress ({@link #begin}). */
    private final CallGuard calls;
    /**
     * Frees the mapping, reader, cache and working memory at {@link #close()}, or once this model is
     * found unreachable unclosed. Its layers ({@link #ffn}) hold the model, and every call through
     * the model, its layers, decoder or encoder keeps its receiver reachable to its end, so nothing
     * is freed under a call; what the accessors {@link #file()}, {@link #reader()}, {@link #cache()}
     * and {@link #predictor()} return does not hold the model and may be used only while the model
     * is open and reachable.
     */
    private final Cleaner.Cleanable freeing;

    private RippleModel(
            RippleFile file,
            ExtentReader reader,
            BundleCache cache,
            ActivationPredictor predictor,
            ActivationPredictor aheadPredictor,
            Arena predictorArena,
            RuntimeOptions options,
            Consumer<TokenStats> listener)
            throws RippleFormatException {
        this.file = file;
        this.calls = new CallGuard("model " + file.path());
        this.reader = reader;
        this.cache = cache;
        this.predictor = predictor;
        this.aheadPredictor = aheadPredictor;
        this.predictorArena = predictorArena;
        ReadPlanner planner = plannerFor(options, reader.fileSize());
        List<FlashFfn> ls = new ArrayList<>();
        for (FfnLayerSection l : file.layers()) {
            SparseFfnExecutor executor = executorFor(file, l, options.fillIn());
            ls.add(new FlashFfn(
                    this, l, predictor, aheadPredictor, cache, planner, reader, executor, stats, listener, scratches));
        }
        this.layers = List.copyOf(ls);
        this.decoder = DecoderConfig.isDecoder(file.architecture())
                ? architectureModel(file, "decoder", () -> DecoderModel.load(file, this))
                : null;
        this.encoder = BertConfig.TYPE.equals(file.architecture().path("type").asText())
                ? architectureModel(file, "encoder", () -> EncoderModel.load(file, this))
                : null;
        // Last: a constructor that throws leaves the freeing to open's own clean-up.
        this.freeing = Freeing.whenUnreachable(this, new Held(cache, reader, scratches, predictorArena, file));
    }

    /**
     * Loads the model the architecture block describes over this runtime's FFNs, so that a file
     * whose architecture does not fit its tensors or layers is refused when it is opened, as a
     * damaged layer table is, rather than on first use. The loaders check the architecture and every
     * tensor it names (presence, shape, type) and name the field or tensor at fault in an
     * {@link IllegalArgumentException}, which, the file being their only input, is damage to the
     * file: it becomes a {@link RippleFormatException}.
     */
    private static <T> T architectureModel(RippleFile file, String kind, Supplier<T> load)
            throws RippleFormatException {
        try {
            return load.get();
        } catch (IllegalArgumentException e) {
            String detail = e.getMessage() == null ? e.toString() : e.getMessage();
            String prefix = file.path() + ": ";
            if (detail.startsWith(prefix)) {
                detail = detail.substring(prefix.length());
            }
            throw new RippleFormatException(
                    file.path(),
                    "metadata",
                    Problem.INCONSISTENT,
                    "the " + kind + " its architecture describes does not fit the file or is not supported by this"
                            + " build: " + detail,
                    e);
        }
    }

    /**
     * The sparse executor of one layer of {@code file}: its down bias and, when {@code fillIn} is on
     * and the file stores it, mean fill-in arranged by slot.
     */
    static SparseFfnExecutor executorFor(RippleFile file, FfnLayerSection l, boolean fillIn) {
        float[] bias = file.vector(l.downBiasTensor(), l.spec().dModel());
        Optional<FillIn> fill = fillIn ? FillIn.read(file, l.spec().index()) : Optional.empty();
        return fill.map(f -> new SparseFfnExecutor(
                        l.spec(), bias, KernelProvider.best(), f.meanBySlot(l.slotToNeuron()), f.constant()))
                .orElseGet(() -> new SparseFfnExecutor(l.spec(), bias));
    }

    /** Opens {@code path} with the predictor named in {@code options}. */
    public static RippleModel open(Path path, RuntimeOptions options) throws IOException {
        return open(path, options, null, null);
    }

    /** Refuses a null path or options by name, before the reader is configured from them. */
    private static void requireArguments(Path path, RuntimeOptions options) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options (RuntimeOptions.defaults() for the defaults)");
    }

    /**
     * Opens {@code path}; {@code predictor} overrides the one named in the options (e.g. a
     * {@link dev.ripple.core.activity.TracePredictor}); {@code listener} receives every token's costs.
     */
    public static RippleModel open(
            Path path, RuntimeOptions options, ActivationPredictor predictor, Consumer<TokenStats> listener)
            throws IOException {
        requireArguments(path, options);
        return openWith(path, options, predictor, listener, configuredReader(options));
    }

    /**
     * As {@link #open(Path, RuntimeOptions, ActivationPredictor, Consumer)}, with the real reads made
     * by {@code readers} instead of the configured reader kind: a caller wraps or replaces the reader
     * to see or change them. Under an emulated device they are timed as on the device, at the
     * configured queue depth whatever depth the caller's reader keeps (the depth the planner prices
     * plans at); unlike the configured reader's, they are not moved to DRAM.
     */
    public static RippleModel open(
            Path path,
            RuntimeOptions options,
            ActivationPredictor predictor,
            Consumer<TokenStats> listener,
            ReaderFactory readers)
            throws IOException {
        requireArguments(path, options);
        Objects.requireNonNull(readers, "readers");
        return openWith(path, options, predictor, listener, callersReader(options, readers));
    }

    /** {@code reader} opens the reader the model uses, emulation included. */
    private static RippleModel openWith(
            Path path,
            RuntimeOptions options,
            ActivationPredictor predictor,
            Consumer<TokenStats> listener,
            ReaderFactory reader)
            throws IOException {
        RippleFile file = RippleFile.open(path);
        ExtentReader opened = null;
        BundleCache cache = null;
        Arena predictorArena = Arena.ofShared();
        try {
            ActivationPredictor p = predictor != null ? predictor : predictorFor(file, options, predictorArena);
            ActivationPredictor ahead = predictor != null ? ownReadAhead(p) : readAheadFor(file, p, predictorArena);
            opened = reader.open(path, options.queueDepth());
            cache = cacheFor(file, options);
            return new RippleModel(file, opened, cache, p, ahead, predictorArena, options, listener);
        } catch (IOException | RuntimeException e) {
            if (cache != null) {
                cache.close();
            }
            if (opened != null) {
                opened.close();
            }
            predictorArena.close();
            file.close();
            throw e;
        }
    }

    /**
     * The configured reader kind; under an emulated device, the runtime's emulation of it, whose real
     * reads come from DRAM when the file fits ({@link EmulatedReader#open}).
     */
    private static ReaderFactory configuredReader(RuntimeOptions options) {
        DeviceProfile emulated = options.emulatedDevice();
        return emulated == null
                ? options.reader()
                : (path, queueDepth) ->
                        EmulatedReader.open(path, queueDepth, DeviceEmulator.of(emulated), options.reader());
    }

    /** The caller's readers; under an emulated device, timed as on it at the configured depth. */
    private static ReaderFactory callersReader(RuntimeOptions options, ReaderFactory readers) {
        DeviceProfile emulated = options.emulatedDevice();
        return emulated == null
                ? readers
                : (path, queueDepth) ->
                        EmulatedReader.wrap(readers.open(path, queueDepth), DeviceEmulator.of(emulated), queueDepth);
    }

    private static BundleCache cacheFor(RippleFile file, RuntimeOptions options) {
        if (options.cache() instanceof CacheSettings.None) {
            return null;
        }
        long ffnBytes = 0;
        int[] bundleBytes = new int[file.layers().size()];
        for (FfnLayerSection l : file.layers()) {
            ffnBytes += l.bundles().length();
            bundleBytes[l.spec().index()] = l.spec().bundleBytes();
        }
        long budget = options.cacheBytes() > 0 ? options.cacheBytes() : (long) (options.cacheFraction() * ffnBytes);
        if (budget == 0) {
            return null;
        }
        return new BundleCache(budget, bundleBytes, options.cache().newPolicy());
    }

    private static ActivationPredictor predictorFor(RippleFile file, RuntimeOptions options, Arena arena)
            throws RippleFormatException {
        int[] sizes = file.layers().stream().mapToInt(l -> l.spec().dFfn()).toArray();
        return switch (options.predictor()) {
            case DENSE -> new DensePredictor(sizes);
            case LOWRANK -> LowRankPredictor.read(file, options.margin(), arena);
            case TRAINED -> TrainedPredictor.read(file, arena);
        };
    }

    /**
     * The read-ahead predictor of a model that runs {@code run}, the predictor it read from {@code
     * file}: the file's read-ahead factors ({@link LowRankPredictor#readAhead}, at the run's
     * margin) when {@code run} is the low-rank predictor and the file stores them; otherwise
     * {@link #ownReadAhead}. A trained or dense run keeps its own: the read-ahead factors are
     * fitted under the low-rank predictor's rule and margin, which those runs do not use.
     */
    private static ActivationPredictor readAheadFor(RippleFile file, ActivationPredictor run, Arena arena)
            throws RippleFormatException {
        if (run instanceof LowRankPredictor lowRank) {
            Optional<LowRankPredictor> ahead = LowRankPredictor.readAhead(file, lowRank.margin(), arena);
            if (ahead.isPresent()) {
                return ahead.get();
            }
        }
        return ownReadAhead(run);
    }

    /**
     * {@code run} itself when it {@link ActivationPredictor#predictsAhead predicts ahead}
     * (stateless: the low-rank, trained and dense ones), else null: a predictor that replays or
     * audits per call (trace, oracle) would be put out of step by a call on another input.
     */
    private static ActivationPredictor ownReadAhead(ActivationPredictor run) {
        return run.predictsAhead() ? run : null;
    }

    public RippleFile file() {
        return file;
    }

    public int layerCount() {
        return layers.size();
    }

    /**
     * The FFN of layer {@code layer}, valid while this model is open.
     *
     * @throws IndexOutOfBoundsException naming the layer count when there is no such layer
     * @throws IllegalStateException when this model is closed
     */
    public FlashFfn ffn(int layer) {
        requireOpen();
        if (layer < 0 || layer >= layers.size()) {
            throw new IndexOutOfBoundsException("layer " + layer + " of a model with " + layers.size()
                    + " FFN layers (0.." + (layers.size() - 1) + ")");
        }
        return layers.get(layer);
    }

    @Override
    public TokenStats forward(int layer, float[] x, float[] out) {
        return ffn(layer).forward(x, out);
    }

    /** Starts this thread's read-ahead of {@code layer}'s predicted bundles ({@link FlashFfn#prefetch}). */
    @Override
    public void prefetch(int layer, float[] layerInput) {
        ffn(layer).prefetch(layerInput);
    }

    /** One read of the union of the tokens' active neurons, then each token over its own set. */
    @Override
    public TokenStats forwardAll(int layer, float[][] xs, int n, float[][] outs) {
        return ffn(layer).forwardAll(xs, n, outs);
    }

    /**
     * The predictor this model runs. One read from the file computes on the file's mapped factors
     * or on weights this model frees when it closes (the trained predictor's, widened factors), so
     * it may serve other models (through {@code open(path, options, predictor, listener)}) only
     * while this one is open; after {@link #close()} it throws {@link IllegalStateException}.
     */
    public ActivationPredictor predictor() {
        return predictor;
    }

    /**
     * What the FFNs' read-ahead ({@link FlashFfn#prefetch}, which decode calls with {@code
     * -Dripple.readahead=true}) predicts with from a layer's input before attention: the file's
     * read-ahead factors ({@code lowrank-ahead}) when the file stores them and this model runs the
     * low-rank predictor it read from the file; otherwise {@link #predictor()} when it predicts
     * ahead (the low-rank, trained and dense ones, and a caller's predictor that says so). Empty
     * when the read-ahead does nothing: a caller's predictor with per-call state (a trace replay,
     * an oracle). Its predictions choose only which bundles are read early, never the output: the
     * FFN predicts again with {@link #predictor()} from its real input. Valid as {@link
     * #predictor()} is.
     */
    public Optional<ActivationPredictor> readAheadPredictor() {
        return Optional.ofNullable(aheadPredictor);
    }

    /**
     * The model's tokenizer, stored in the file: {@code tokenizer.json}, else {@code vocab.json} and
     * {@code merges.txt} (OPT), with {@code tokenizer_config.json} when present; empty when the file
     * has none.
     *
     * @throws IOException when a stored tokenizer file is damaged
     * @throws IllegalStateException when this model is closed
     */
    public Optional<Tokenizer> tokenizer() throws IOException {
        try (ModelCall call = begin()) {
            return tokenizerOf(file);
        }
    }

    /**
     * {@inheritDoc} A close from another thread waits for the call to end; once a close has begun, a
     * new call is refused at once. End the call on the thread that began it, once (try-with-resources).
     */
    @Override
    public ModelCall begin() {
        return calls.begin();
    }

    /** As {@link #begin}, never waiting for a close: for a read-ahead thread ({@link CallGuard#beginWithoutWaiting}). */
    ModelCall beginWithoutWaiting() {
        return calls.beginWithoutWaiting();
    }

    /** @throws IllegalStateException "model FILE closed" once this model is closed */
    private void requireOpen() {
        calls.requireOpen();
    }

    /** As {@link #tokenizer()}, for a file opened without a runtime. */
    public static Optional<Tokenizer> tokenizerOf(RippleFile file) throws IOException {
        byte[] config = file.blob("tokenizer_config.json").orElse(null);
        Optional<byte[]> json = file.blob("tokenizer.json");
        if (json.isPresent()) {
            return Optional.of(Tokenizer.fromJson(json.get(), config));
        }
        Optional<byte[]> vocab = file.blob("vocab.json");
        Optional<byte[]> merges = file.blob("merges.txt");
        if (vocab.isPresent() && merges.isPresent()) {
            return Optional.of(Tokenizer.fromVocabAndMerges(vocab.get(), merges.get(), config));
        }
        return Optional.empty();
    }

    /**
     * The decoder over this model's FFNs, when the file holds an OPT or Llama-family model. Loaded
     * when the model was opened, which refused a file whose architecture does not fit it.
     */
    public Optional<DecoderModel> decoder() {
        return Optional.ofNullable(decoder);
    }

    /**
     * The BERT encoder over this model's FFNs, when the file holds a BERT-family model. Loaded when
     * the model was opened, which refused a file whose architecture does not fit it.
     */
    public Optional<EncoderModel> encoder() {
        return Optional.ofNullable(encoder);
    }

    public RuntimeStats stats() {
        return stats;
    }

    /**
     * The read planner this runtime uses for {@code options} on a file of {@code fileSize} bytes: the
     * device's cost model (else a fixed gap), with aligned reads for direct I/O. Public so tools that
     * reason about the runtime's reads (e.g. a policy's profiled seed) plan exactly as it does.
     */
    public static ReadPlanner plannerFor(RuntimeOptions options, long fileSize) {
        ReadPlanner planner = options.device() != null
                ? ReadPlanner.costModel(options.device(), options.queueDepth())
                : ReadPlanner.fixedGap(options.maxGapBytes());
        if (options.reader().direct()) {
            planner = planner.withAlignedReads(DirectReader.ALIGNMENT, fileSize);
        }
        return planner;
    }

    /** The DRAM cache, if one is configured. */
    public Optional<BundleCache> cache() {
        return Optional.ofNullable(cache);
    }

    public ExtentReader reader() {
        return reader;
    }

    /** Per-thread scratches this model holds now (tests: ended threads' are freed). */
    int threadScratches() {
        return scratches.size();
    }

    /**
     * Frees the cache, the reader, the threads' working memory and the mapping. Idempotent: closing a
     * closed model does nothing, so a model in a try-with-resources may also be closed explicitly.
     * New calls are refused from the start of the close; it waits for the calls other threads have in
     * progress (a decoder step, an encoder pass, an FFN call) to end. Afterwards a step of its decoder
     * or a call of its FFNs is refused with "model FILE closed". What {@link #file()}, {@link
     * #reader()}, {@link #cache()} and {@link #predictor()} returned is not waited for.
     *
     * @throws IllegalStateException when called from inside a call of this model (a stats
     *     listener, say), which the close would wait for forever; the model stays open
     * @throws java.io.InterruptedIOException when interrupted while waiting for calls in progress
     *     (the interrupt status is kept); the model stays open
     */
    @Override
    public void close() throws IOException {
        calls.close(() -> {
            try {
                freeing.clean();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        });
    }

    /**
     * What a model frees, at {@link #close()} or once the model is found unreachable unclosed. Holds
     * the parts, never the model, or the model would never be unreachable.
     */
    private record Held(
            BundleCache cache, ExtentReader reader, PerThread<Scratch> scratches, Arena predictorArena, RippleFile file)
            implements Runnable {
        @Override
        public void run() {
            try {
                if (cache != null) {
                    cache.close();
                }
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                scratches.close();
                predictorArena.close();
                file.close();
            }
        }
    }
}
