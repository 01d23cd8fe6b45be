package dev.ripple.core.model.decoder;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.ArchitectureFields;
import dev.ripple.core.model.FeedForward;
import dev.ripple.core.model.MappedWeights;
import dev.ripple.core.model.ModelCall;
import dev.ripple.core.model.decoder.DecoderConfig.Family;
import dev.ripple.core.model.decoder.DecoderConfig.Norm;
import dev.ripple.core.model.decoder.DecoderConfig.Projection;
import dev.ripple.core.model.decoder.DecoderConfig.Rotation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.LayerNorm;
import dev.ripple.core.tensor.Linear;
import dev.ripple.core.tensor.Normalization;
import dev.ripple.core.tensor.RmsNorm;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.core.tensor.TensorSource;
import dev.ripple.core.tensor.ThreadScratch;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A decoder LLM (OPT or the Llama family) with its resident weights read in place from a mapped
 * file and its FFN behind a {@link FeedForward}: from flash through the runtime, or from the
 * mapped bundles. Per token: embeddings (OPT: plus learned positions), then per layer attention
 * over the session's KV cache (Llama: rotary positions, grouped-query heads) and the FFN, each
 * around a residual with its norm, then the final norm and the LM head.
 *
 * <p>{@link #prefill} runs a prompt in chunks: every layer's FFN serves the chunk in one call, so
 * the runtime reads the union of the chunk's active neurons once; logits are computed for the
 * last position only. {@link #decode} runs one token and returns its logits in a new array;
 * {@link #decodeInto} writes them into the caller's, for a loop that reuses one array per token.
 * All continue the session's context.
 *
 * <pre>{@code
 * try (RippleModel m = RippleModel.open(path, RuntimeOptions.defaults());
 *      Session s = m.decoder().orElseThrow().newSession(1024, DType.F16)) {
 *     DecoderModel d = m.decoder().orElseThrow();
 *     Step step = d.prefill(s, promptIds);
 *     int next = Sampler.greedy().sample(step.logits());
 *     step = d.decode(s, next);                      // logits in a new array
 *     float[] logits = new float[d.config().vocabSize()];
 *     StepCost cost = d.decodeInto(s, next, logits); // logits into the caller's array
 * }
 * }</pre>
 *
 * <p>Thread-safe: the weights are read-only; each {@link Session} holds its own state, so many
 * sessions may run at once (outputs equal those of each session alone). A session serves one thread
 * at a time: a step on a session another thread's step is running on is refused with an
 * {@link IllegalStateException}, as is a step on a closed session ("session closed") or after the
 * model's file is closed ("model FILE closed").
 *
 * <p>A step that throws (a {@link dev.ripple.core.runtime.FlashReadException} from a failed or
 * interrupted read, a refused argument, a file that shrank) leaves its session at the position it
 * had before the step, a long prompt's chunks already run included: the same call can be retried
 * once the cause is gone, and continues exactly as if the failure had not happened.
 */
public final class DecoderModel {
    /** Prompt tokens per FFN call during prefill, unless the caller chooses. */
    public static final int DEFAULT_PREFILL_CHUNK = 64;
    /**
     * Whether decode asks the FFN to read ahead from each layer's input before its attention
     * ({@link FeedForward#prefetch}); off unless {@code -Dripple.readahead=true}. Measured on the
     * generated OPT-125m shape (PERFORMANCE.md, "Compute speed (issue 15): decode"), the layer
     * input predicts the FFN input's neurons poorly: the read-ahead hid 8-37% of the shorter of
     * I/O and compute but added reads (naive order: 30.8 to 42.8 MiB per token), a net loss.
     */
    static final boolean READ_AHEAD = Boolean.getBoolean("ripple.readahead");

    /**
     * Whether this JVM's decode reads ahead ({@code -Dripple.readahead=true}): what a profile
     * records the read-ahead's moments for by default, so that a run that reads ahead places the
     * predictor it reads with, and one that does not pays nothing for it.
     */
    public static boolean readsAhead() {
        return READ_AHEAD;
    }
    /** Per-thread arrays of {@link #attendHead}, so that a decode step allocates none per head. */
    private static final ThreadScratch QUERY = new ThreadScratch();

    private static final ThreadScratch ACCUMULATOR = new ThreadScratch();
    private static final ThreadScratch WIDENED = new ThreadScratch();
    private static final ThreadScratch SCORES = new ThreadScratch();
    /** Attention below this many multiply-adds per head stays on the calling thread. */
    private static final long PARALLEL_ATTENTION = 1L << 14;

    private final DecoderConfig config;
    /** Where the weights are mapped from: what explains a fault in their bytes ({@link #explained}). */
    private final TensorSource tensors;

    private final FeedForward ffn;
    private final Tensor embeddings;
    private final Tensor positions;
    private final Linear projectIn;
    private final Linear projectOut;
    private final Normalization finalNorm;
    private final Linear lmHead;
    private final List<Block> blocks;
    private final float[] inverseFrequencies;
    private final Kernels kernels = KernelProvider.best();
    private final int prefillChunk;
    private final int embedDim;
    /** The mapping the weights are read from, checked at each step and new session. */
    private final MappedWeights weights;
    /** Told each token's layer input ({@link #withLayerInputs}); null, the default: no one. */
    private final LayerInputListener layerInputs;
    /** Whether decode steps call {@link FeedForward#prefetch}: {@link #READ_AHEAD} unless a test says otherwise. */
    private final boolean readAhead;

    /**
     * Sees every token's layer input as the FFN's read-ahead sees it: the residual stream before
     * the layer's attention, through the layer's FFN norm for a pre-norm model (as the FFN input
     * will be) and as it is for a post-norm one. The profiler pairs it with the token's FFN input
     * to fit a predictor for the read-ahead ({@code AheadMoments}); the read-ahead itself is given
     * the same vector, by the same code, at a decode step.
     */
    @FunctionalInterface
    public interface LayerInputListener {
        /**
         * Layer {@code layer}'s input of one token, before that layer's FFN runs; per layer, tokens
         * come in the order the model runs them. {@code layerInput} is the model's buffer: valid
         * only during the call, not to be changed.
         */
        void onLayerInput(int layer, float[] layerInput);
    }

    /** One layer's resident weights. */
    private record Block(
            Linear q, Linear k, Linear v, Linear o, Normalization attentionNorm, Normalization ffnNorm, Linear[] qkv) {
        Block(Linear q, Linear k, Linear v, Linear o, Normalization attentionNorm, Normalization ffnNorm) {
            this(q, k, v, o, attentionNorm, ffnNorm, new Linear[] {q, k, v});
        }
    }

    private DecoderModel(DecoderConfig config, TensorSource tensors, FeedForward ffn, int prefillChunk) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefill chunk must be at least 1 token, got " + prefillChunk);
        }
        this.config = config;
        this.tensors = tensors;
        this.ffn = ffn;
        this.prefillChunk = prefillChunk;
        this.layerInputs = null;
        this.readAhead = READ_AHEAD;
        int h = config.hiddenSize();
        DecoderConfig.Tensors names = config.tensors();
        Tensor emb = tensors.tensor(names.embeddings())
                .orElseThrow(() -> new IllegalArgumentException(
                        tensors.description() + ": token embeddings '" + names.embeddings() + "' are missing"));
        if (emb.rank() != 2 || emb.dim(0) != config.vocabSize()) {
            throw new IllegalArgumentException(tensors.description() + ": embeddings " + emb.describe()
                    + " do not have the vocabulary's " + config.vocabSize() + " rows");
        }
        this.embeddings = emb;
        this.weights = new MappedWeights(emb.data(), tensors.description());
        this.embedDim = (int) emb.dim(1);
        this.positions = names.positions() == null
                ? null
                : tensors.require(names.positions(), config.maxPositions() + config.positionOffset(), h);
        this.projectIn = names.projectIn() == null
                ? null
                : linear(tensors, new Projection(names.projectIn(), null), h, embedDim);
        this.projectOut = names.projectOut() == null
                ? null
                : linear(tensors, new Projection(names.projectOut(), null), embedDim, h);
        if (projectIn == null && embedDim != h) {
            throw new IllegalArgumentException(tensors.description() + ": embeddings are " + embedDim
                    + " wide but the model is " + h + " and has no input projection");
        }
        this.finalNorm = names.finalNorm() == null ? null : norm(tensors, names.finalNorm());
        this.lmHead = linear(tensors, new Projection(names.lmHead(), null), config.vocabSize(), embedDim);
        int qWidth = config.numHeads() * config.headDim();
        int kvWidth = config.numKvHeads() * config.headDim();
        List<Block> bs = new ArrayList<>();
        for (DecoderConfig.Layer l : names.layers()) {
            bs.add(new Block(
                    linear(tensors, l.query(), qWidth, h),
                    linear(tensors, l.key(), kvWidth, h),
                    linear(tensors, l.value(), kvWidth, h),
                    linear(tensors, l.output(), h, qWidth),
                    norm(tensors, l.attentionNorm()),
                    norm(tensors, l.ffnNorm())));
        }
        this.blocks = List.copyOf(bs);
        this.inverseFrequencies = config.rope() == null ? null : config.rope().inverseFrequencies(config.headDim());
    }

    /** The decoder described by {@code config} over the tensors of {@code tensors}. */
    public static DecoderModel load(DecoderConfig config, TensorSource tensors, FeedForward ffn) {
        return new DecoderModel(config, tensors, ffn, DEFAULT_PREFILL_CHUNK);
    }

    /** The decoder of a decoder {@code .ripple} file, its FFN served by {@code ffn}. */
    public static DecoderModel load(RippleFile file, FeedForward ffn) {
        DecoderConfig config = ArchitectureFields.config(file, DecoderConfig::fromJson);
        ArchitectureFields.requireFfnLayers(file, config.numLayers(), config.hiddenSize());
        return load(config, file, ffn);
    }

    /** The same model with another prefill chunk (tokens per FFN call while reading a prompt). */
    public DecoderModel withPrefillChunk(int tokens) {
        return new DecoderModel(this, tokens, layerInputs, readAhead);
    }

    /**
     * The same model telling {@code listener} every token's layer input, in prefill and decode
     * alike ({@link LayerInputListener}); null: no one, as by default. For offline recording (the
     * profiler): the listener runs on the stepping thread, inside the step. A model without one
     * pays a null check per layer and chunk.
     */
    public DecoderModel withLayerInputs(LayerInputListener listener) {
        return new DecoderModel(this, prefillChunk, listener, readAhead);
    }

    /** The same model with decode's read-ahead on or off, whatever {@code ripple.readahead} says: for tests. */
    DecoderModel withReadAhead(boolean on) {
        return new DecoderModel(this, prefillChunk, layerInputs, on);
    }

    private DecoderModel(DecoderModel m, int prefillChunk, LayerInputListener layerInputs, boolean readAhead) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefill chunk must be at least 1 token, got " + prefillChunk);
        }
        this.config = m.config;
        this.tensors = m.tensors;
        this.ffn = m.ffn;
        this.embeddings = m.embeddings;
        this.positions = m.positions;
        this.projectIn = m.projectIn;
        this.projectOut = m.projectOut;
        this.finalNorm = m.finalNorm;
        this.lmHead = m.lmHead;
        this.blocks = m.blocks;
        this.inverseFrequencies = m.inverseFrequencies;
        this.prefillChunk = prefillChunk;
        this.embedDim = m.embedDim;
        this.weights = m.weights;
        this.layerInputs = layerInputs;
        this.readAhead = readAhead;
    }

    private static Linear linear(TensorSource tensors, Projection p, int out, int in) {
        Tensor w = tensors.require(p.weight(), out, in);
        Tensor b = p.bias() == null ? null : tensors.require(p.bias(), out);
        return Linear.of(w, b);
    }

    private Normalization norm(TensorSource tensors, Norm n) {
        int h = config.hiddenSize();
        float[] w = tensors.vector(n.weight(), h);
        if (config.family() == Family.OPT) {
            return new LayerNorm(w, n.bias() == null ? null : tensors.vector(n.bias(), h), config.normEps());
        }
        return new RmsNorm(w, config.normEps());
    }

    public DecoderConfig config() {
        return config;
    }

    public FeedForward ffn() {
        return ffn;
    }

    int embedDim() {
        return embedDim;
    }

    public int prefillChunk() {
        return prefillChunk;
    }

    /** Bytes of the resident weights the forward pass reads (embeddings, attention, norms, LM head). */
    public long residentBytes() {
        long bytes = embeddings.data().byteSize()
                + (positions == null ? 0 : positions.data().byteSize());
        bytes += projectIn == null ? 0 : projectIn.weightBytes() + projectOut.weightBytes();
        if (!config.tensors().lmHead().equals(config.tensors().embeddings())) {
            bytes += lmHead.weightBytes();
        }
        long norms = 4L * config.hiddenSize() * (2L * blocks.size() + 1) * (config.family() == Family.OPT ? 2 : 1);
        for (Block b : blocks) {
            bytes += b.q().weightBytes() + b.k().weightBytes() + b.v().weightBytes() + b.o().weightBytes();
        }
        return bytes + norms;
    }

    /**
     * Bytes of resident weights one decode step reads from memory: every attention projection, the
     * norms and the LM head (the embeddings too when the head is tied to them, otherwise only one
     * row of them, which is not counted). With the FFN's bytes this is the numerator of the decode
     * roofline: a step cannot be faster than these bytes over the memory bandwidth.
     */
    public long residentBytesPerToken() {
        long bytes =
                lmHead.weightBytes() + (projectIn == null ? 0 : projectIn.weightBytes() + projectOut.weightBytes());
        bytes += 4L * config.hiddenSize() * (2L * blocks.size() + 1) * (config.family() == Family.OPT ? 2 : 1);
        for (Block b : blocks) {
            bytes += b.q().weightBytes() + b.k().weightBytes() + b.v().weightBytes() + b.o().weightBytes();
        }
        return bytes;
    }

    /** A new session whose KV cache holds {@code contextLength} tokens in f32. */
    public Session newSession(int contextLength) {
        return newSession(contextLength, DType.F32);
    }

    /**
     * A new session whose KV cache holds {@code contextLength} tokens in {@code kvType} (f32 or f16).
     *
     * @throws IllegalArgumentException when the context exceeds what the model supports
     */
    public Session newSession(int contextLength, DType kvType) {
        if (contextLength > config.maxPositions()) {
            throw new IllegalArgumentException(
                    "a context of " + contextLength + " tokens is longer than this model's " + config.maxPositions());
        }
        weights.requireOpen();
        return new Session(
                this, new KvCache(config.numLayers(), config.numKvHeads(), config.headDim(), contextLength, kvType));
    }

    /** The logits of a step's last position, and what the step cost. */
    public record Step(float[] logits, StepCost cost) {}

    /**
     * Runs {@code tokens} through the model at the session's position, in chunks of
     * {@link #prefillChunk()} tokens, and returns the logits of the last one.
     */
    public Step prefill(Session session, int[] tokens) {
        return run(session, tokens, 0, tokens.length, prefillChunk);
    }

    /**
     * Runs one token at the session's position and returns the logits of the next, in a new array
     * the caller may keep. A loop that reads each step's logits before the next step can use
     * {@link #decodeInto} instead and allocate no vocabulary-sized array per token.
     */
    public Step decode(Session session, int token) {
        float[] logits = new float[config.vocabSize()];
        return new Step(logits, decodeInto(session, token, logits));
    }

    /**
     * Runs one token at the session's position and writes the logits of the next into
     * {@code logits}, the same values {@link #decode} returns; returns what the step cost.
     *
     * <p>The array is the caller's, not the session's: the caller decides how long the logits
     * live, and a kept {@link Step} never changes under its holder, as it would if the session
     * handed out its own array and overwrote it at the next step. A generation loop passes the same
     * array every step ({@link Generator} does), so that a warm step allocates no vocabulary-sized
     * array (16 KB a token for a vocabulary of 4,000).
     *
     * @param logits an array of exactly {@code config().vocabSize()} floats, overwritten
     * @throws IllegalArgumentException when {@code logits} has another length (the session is left
     *     as it was), or for the reasons {@link #decode} gives
     */
    public StepCost decodeInto(Session session, int token, float[] logits) {
        if (logits.length != config.vocabSize()) {
            throw new IllegalArgumentException(
                    "the logits array holds " + logits.length + " floats but the vocabulary has " + config.vocabSize());
        }
        session.enter();
        try (ModelCall call = ffn.begin()) {
            return steps(session, session.token(token), 0, 1, 1, logits);
        } finally {
            session.exit(); // both keep their owners reachable to the step's end, as in run
            Reference.reachabilityFence(this);
        }
    }

    private Step run(Session session, int[] tokens, int from, int count, int chunk) {
        float[] logits = new float[config.vocabSize()];
        return new Step(logits, run(session, tokens, from, count, chunk, logits));
    }

    /**
     * Why {@code count} more tokens do not fit {@code session}, in what happened: a prompt longer
     * than a fresh session's context is not a "full" context.
     */
    static String contextRefusal(Session session, int count) {
        int room = session.context() - session.position();
        return (count == 1 ? "1 token does" : count + " tokens do") + " not fit the session's context of "
                + session.context() + " tokens: "
                + (room == 0
                        ? "it is full"
                        : "it holds " + session.position() + " already, room for " + room + " more");
    }

    /** Runs {@code count} tokens in chunks, the last one's logits into {@code logits}; the run's cost. */
    private StepCost run(Session session, int[] tokens, int from, int count, int chunk, float[] logits) {
        // exit() in the finally also keeps the session reachable to the step's end, so that its
        // Cleaner cannot free the KV cache under a step of a session its caller has dropped; the
        // fence does the same for this model and, through its FFN, the runtime's mapping and reader.
        // The model call makes a close from another thread wait for the step (FeedForward#begin).
        session.enter();
        try (ModelCall call = ffn.begin()) {
            return steps(session, tokens, from, count, chunk, logits);
        } finally {
            session.exit();
            Reference.reachabilityFence(this);
        }
    }

    /** {@link #run} on a session {@link Session#enter() entered} by the calling thread. */
    private StepCost steps(Session session, int[] tokens, int from, int count, int chunk, float[] logits) {
        weights.requireOpen();
        if (session.model().config != config) {
            throw new IllegalArgumentException("the session belongs to another model");
        }
        if (count < 1) {
            throw new IllegalArgumentException("a step needs at least one token");
        }
        if (session.position() + count > session.context()) {
            throw new IllegalArgumentException(contextRefusal(session, count));
        }
        for (int i = from; i < from + count; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
                throw new IllegalArgumentException(
                        "token id " + tokens[i] + " outside the vocabulary of " + config.vocabSize());
            }
        }
        long start = System.nanoTime();
        StepCost.Builder cost = session.cost();
        Session.Buffers b = session.buffers(Math.min(count, chunk));
        int position = session.position();
        boolean done = false;
        try {
            for (int at = 0; at < count; ) {
                int n = Math.min(chunk, count - at);
                forwardChunk(session, tokens, from + at, n, b, cost);
                session.advance(n);
                at += n;
            }
            logits(b.x[lastRow(count, chunk)], b, logits);
            done = true;
        } catch (InternalError fault) {
            // a fault on a page of the mapped weights (the file shrank while open): an exception
            // naming the file rather than an Error no caller expects; the try costs nothing
            throw tensors.uncheckedFault(fault);
        } finally {
            if (!done) {
                // A step that throws (a failed read, an interrupt, a fault) leaves the session
                // where it began, so the same call can be retried: a prefill's earlier chunks
                // had advanced it. The cache rows written past it are overwritten before read.
                session.rewind(position);
            }
        }
        return cost.build(count, System.nanoTime() - start);
    }

    /** Row of the buffers that holds the last token of a run of {@code count} tokens in chunks. */
    private static int lastRow(int count, int chunk) {
        int rem = count % chunk;
        return (rem == 0 ? chunk : rem) - 1;
    }

    /** The logits of the last position's hidden state, into {@code logits}. */
    private void logits(float[] last, Session.Buffers b, float[] logits) {
        float[] y = last;
        if (finalNorm != null) {
            y = b.finalNormed;
            System.arraycopy(last, 0, y, 0, y.length);
            finalNorm.apply(y);
        }
        if (projectOut != null) {
            projectOut.apply(y, b.projectedOut);
            y = b.projectedOut;
        }
        lmHead.apply(y, logits);
    }

    private void forwardChunk(Session s, int[] tokens, int from, int n, Session.Buffers b, StepCost.Builder cost) {
        int p0 = s.position();
        embed(tokens, from, n, p0, b);
        for (int l = 0; l < blocks.size(); l++) {
            Block block = blocks.get(l);
            float[][] x = b.x;
            if (n == 1 && readAhead) {
                // Decode: let the FFN start reading what the layer input predicts while attention runs.
                float[] ahead = layerInput(block, x[0], b.ahead);
                ffn.prefetch(l, ahead);
                if (layerInputs != null) {
                    layerInputs.onLayerInput(l, ahead); // the very vector, which must not change now
                }
            } else if (layerInputs != null) {
                for (int t = 0; t < n; t++) {
                    layerInputs.onLayerInput(l, layerInput(block, x[t], b.ahead));
                }
            }
            if (config.preNorm()) {
                copyRows(x, b.normed, n);
                for (int t = 0; t < n; t++) {
                    block.attentionNorm().apply(b.normed[t]);
                }
                attention(s, l, block, b.normed, n, p0, b);
                addRows(x, b.projected, n);
                copyRows(x, b.normed, n);
                for (int t = 0; t < n; t++) {
                    block.ffnNorm().apply(b.normed[t]);
                }
                cost.add(ffn.forwardAll(l, b.normed, n, b.ffnOut));
                addRows(x, b.ffnOut, n);
            } else {
                attention(s, l, block, x, n, p0, b);
                addRows(x, b.projected, n);
                for (int t = 0; t < n; t++) {
                    block.attentionNorm().apply(x[t]);
                }
                cost.add(ffn.forwardAll(l, x, n, b.ffnOut));
                addRows(x, b.ffnOut, n);
                for (int t = 0; t < n; t++) {
                    block.ffnNorm().apply(x[t]);
                }
            }
        }
    }

    /**
     * A token's layer input as the read-ahead sees it, in {@code into}: {@code x} before the
     * layer's attention, normalized as the FFN input will be when the model is pre-norm, as it is
     * when post-norm (past the first layer, x is then the previous layer's normalized output).
     * Returns {@code into}.
     */
    private float[] layerInput(Block block, float[] x, float[] into) {
        System.arraycopy(x, 0, into, 0, into.length);
        if (config.preNorm()) {
            block.ffnNorm().apply(into);
        }
        return into;
    }

    private void embed(int[] tokens, int from, int n, int p0, Session.Buffers b) {
        int h = config.hiddenSize();
        for (int t = 0; t < n; t++) {
            float[] x = b.x[t];
            if (projectIn != null) {
                embeddings.copyTo((long) tokens[from + t] * embedDim, b.embedding, 0, embedDim);
                projectIn.apply(b.embedding, x);
            } else {
                embeddings.copyTo((long) tokens[from + t] * h, x, 0, h);
            }
            if (positions != null) {
                float[] pos = b.row;
                positions.copyTo((long) (p0 + t + config.positionOffset()) * h, pos, 0, h);
                for (int k = 0; k < h; k++) {
                    x[k] += pos[k];
                }
            }
        }
    }

    /** Self-attention of {@code n} tokens at positions p0.. over the cache; the output projection lands in {@code b.projected}. */
    private void attention(Session s, int layer, Block block, float[][] in, int n, int p0, Session.Buffers b) {
        int hd = config.headDim();
        if (n == 1) {
            Linear.applyEach(in[0], block.qkv(), b.qkv);
        } else {
            block.q().apply(in, n, b.q);
            block.k().apply(in, n, b.k);
            block.v().apply(in, n, b.v);
        }
        float scale = (float) (1.0 / Math.sqrt(hd));
        KvCache cache = s.cache();
        for (int t = 0; t < n; t++) {
            if (inverseFrequencies != null) {
                rotate(b.q[t], config.numHeads(), p0 + t, b);
                rotate(b.k[t], config.numKvHeads(), p0 + t, b);
            }
            float[] q = b.q[t];
            for (int i = 0; i < q.length; i++) {
                q[i] *= scale;
            }
            for (int kv = 0; kv < config.numKvHeads(); kv++) {
                cache.put(layer, kv, p0 + t, b.k[t], b.v[t], kv * hd);
            }
        }
        int heads = config.numHeads();
        long work = (long) n * (p0 + n) * hd;
        if (work * heads >= PARALLEL_ATTENTION * 4 && heads > 1) {
            IntStream.range(0, heads).parallel().forEach(head -> attendHead(cache, layer, head, b.q, n, p0, b.context));
        } else {
            // A plain loop: a sequential stream and its lambda were a few hundred bytes per layer.
            for (int head = 0; head < heads; head++) {
                attendHead(cache, layer, head, b.q, n, p0, b.context);
            }
        }
        if (n == 1) {
            block.o().apply(b.context[0], b.projected[0]);
        } else {
            block.o().apply(b.context, n, b.projected);
        }
    }

    /** One query head over its key/value head for every token of the chunk: scores, softmax, weighted values. */
    private void attendHead(KvCache cache, int layer, int head, float[][] q, int n, int p0, float[][] context) {
        int hd = config.headDim();
        int kvHead = head / config.groupSize();
        DType t = cache.dtype();
        // The running thread's arrays: heads may run on common-pool threads, and a thread runs one
        // head at a time to its end (nothing in here waits or forks), so no two heads share them.
        float[] qh = QUERY.floats(hd);
        float[] acc = ACCUMULATOR.floats(hd);
        float[] scratch = WIDENED.floats(hd); // f16 keys and values widened; f32: the kernel's lane sums
        float[] scores = SCORES.floats(p0 + n);
        long stride = (long) hd * t.size();
        long base = cache.offset(layer, kvHead, 0);
        int window = config.slidingWindow();
        for (int i = 0; i < n; i++) {
            int pos = p0 + i;
            int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
            System.arraycopy(q[i], head * hd, qh, 0, hd);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = first; j <= pos; j++) {
                float sc = kernels.dot(t, cache.keys(), base + j * stride, qh, hd, scratch);
                scores[j] = sc;
                max = Math.max(max, sc);
            }
            double sum = 0;
            for (int j = first; j <= pos; j++) {
                float e = (float) Math.exp(scores[j] - max);
                scores[j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            Arrays.fill(acc, 0f);
            for (int j = first; j <= pos; j++) {
                kernels.axpy(t, scores[j] * inv, cache.values(), base + j * stride, acc, hd, scratch);
            }
            System.arraycopy(acc, 0, context[i], head * hd, hd);
        }
    }

    /** Rotates each head of {@code v} by the angles of {@code position}, in the file's rotation convention. */
    private void rotate(float[] v, int heads, int position, Session.Buffers b) {
        int hd = config.headDim();
        int half = hd / 2;
        float[] cos = b.cos;
        float[] sin = b.sin;
        for (int i = 0; i < half; i++) {
            float angle = position * inverseFrequencies[i];
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
        }
        boolean adjacent = config.rope().rotation() == Rotation.ADJACENT;
        for (int h = 0; h < heads; h++) {
            int o = h * hd;
            for (int i = 0; i < half; i++) {
                int a = adjacent ? o + 2 * i : o + i;
                int c = adjacent ? a + 1 : a + half;
                float x0 = v[a];
                float x1 = v[c];
                v[a] = x0 * cos[i] - x1 * sin[i];
                v[c] = x1 * cos[i] + x0 * sin[i];
            }
        }
    }

    private static void copyRows(float[][] from, float[][] to, int n) {
        for (int t = 0; t < n; t++) {
            System.arraycopy(from[t], 0, to[t], 0, from[t].length);
        }
    }

    private static void addRows(float[][] x, float[][] d, int n) {
        for (int t = 0; t < n; t++) {
            float[] a = x[t];
            float[] e = d[t];
            for (int k = 0; k < a.length; k++) {
                a[k] += e[k];
            }
        }
    }
}
