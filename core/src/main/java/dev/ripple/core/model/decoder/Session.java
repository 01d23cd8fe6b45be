package dev.ripple.core.model.decoder;

import dev.ripple.core.Freeing;
import dev.ripple.core.tensor.DType;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One conversation with a {@link DecoderModel}: its KV cache (off-heap, preallocated for the
 * context), its position, and the working memory of its forward steps, so that a warm decode
 * step allocates nothing large. Many sessions may run on one model at once, each on its own
 * thread; a session itself is used by one thread at a time: a step begun while another thread's
 * step on the same session runs is refused ({@link IllegalStateException}), rather than letting the
 * two interleave their tokens in one cache.
 *
 * <p>{@link #close()} frees the KV cache at once and may be called again (it then does nothing); a
 * step or {@link #reset()} after it is refused with "session closed". A session dropped without
 * being closed is not leaked: once the garbage collector finds it unreachable, a {@link Cleaner}
 * frees its cache, so an app that forgets to close its sessions grows its memory only until the next
 * collections, not for good. Close sessions anyway: off-heap memory does not make the heap collect,
 * and the cache of a large context is megabytes.
 *
 * <pre>{@code
 * try (Session s = model.newSession(2048, DType.F16)) {
 *     float[] logits = model.prefill(s, promptIds).logits();
 *     logits = model.decode(s, nextId).logits();   // a new array, or:
 *     model.decodeInto(s, nextId, logits);           // into the same array, no allocation
 * }
 * }</pre>
 */
public final class Session implements AutoCloseable {
    /** Whether a step runs on a session, or it is closed: a session's states of use. */
    private enum Use {
        IDLE,
        IN_STEP,
        CLOSED
    }

    private final DecoderModel model;
    private final KvCache cache;
    /**
     * IDLE, IN_STEP while a thread runs a step, CLOSED for good. A compare-and-set at each step's
     * start and a volatile write at its end: no lock and no allocation per step.
     */
    private final AtomicReference<Use> use = new AtomicReference<>(Use.IDLE);
    /** Closes the cache once, at {@link #close()} or when the session is found unreachable. */
    private final Cleaner.Cleanable freeing;

    private int position;
    private Buffers buffers;
    /** A decode step's one token, as the forward pass takes its tokens. */
    private final int[] token = new int[1];
    /** The running step's cost, summed over its FFN calls; emptied at each step's start. */
    private final StepCost.Builder cost = new StepCost.Builder();

    Session(DecoderModel model, KvCache cache) {
        this.model = model;
        this.cache = cache;
        // The action holds the cache, never the session, or the session would never be unreachable.
        this.freeing = Freeing.whenUnreachable(this, cache::close);
    }

    /** Tokens already in the KV cache: the position the next token gets. */
    public int position() {
        return position;
    }

    /** The longest context this session can hold. */
    public int context() {
        return cache.context();
    }

    public DType kvType() {
        return cache.dtype();
    }

    /** Bytes of its KV cache. */
    public long kvBytes() {
        return cache.bytes();
    }

    /**
     * Forgets the conversation: the next step starts at position 0 (the cache is reused).
     *
     * @throws IllegalStateException when the session is closed, or another thread runs a step on it
     */
    public void reset() {
        enter();
        try {
            position = 0;
        } finally {
            exit();
        }
    }

    /**
     * Marks a step as running on this thread: every step begins with it, and ends with {@link #exit()}
     * in a {@code finally}.
     *
     * @throws IllegalStateException when the session is closed, or a step of another thread runs on it
     */
    void enter() {
        if (!use.compareAndSet(Use.IDLE, Use.IN_STEP)) {
            throw refusal();
        }
    }

    /** Ends the step {@link #enter()} began. */
    void exit() {
        use.set(Use.IDLE);
    }

    private IllegalStateException refusal() {
        return new IllegalStateException(
                use.get() == Use.CLOSED
                        ? "session closed"
                        : "session is in use by another thread: a session serves one thread at a time");
    }

    DecoderModel model() {
        return model;
    }

    KvCache cache() {
        return cache;
    }

    void advance(int tokens) {
        position += tokens;
    }

    /**
     * Back to {@code position}, at most the current one: what a failed step does, so that the
     * session holds what it held before the step. The cache's rows from there on are left as they
     * are; attention reads a position's row only after the step that holds it has written it.
     */
    void rewind(int position) {
        if (position < 0 || position > this.position) {
            throw new IllegalArgumentException("rewind to " + position + " from " + this.position);
        }
        this.position = position;
    }

    /** {@code id} as a run of one token, in an array of the session's. */
    int[] token(int id) {
        token[0] = id;
        return token;
    }

    /** The cost of a step that starts now, empty. */
    StepCost.Builder cost() {
        return cost.clear();
    }

    /** Working memory for steps of up to {@code tokens} tokens, grown on demand and kept. */
    Buffers buffers(int tokens) {
        if (buffers == null || buffers.capacity < tokens) {
            buffers = new Buffers(
                    model.config(), model.embedDim(), Math.max(tokens, buffers == null ? 1 : buffers.capacity));
        }
        return buffers;
    }

    /**
     * Frees the KV cache. Idempotent: closing a closed session does nothing, so a session in a
     * try-with-resources may also be closed explicitly.
     *
     * @throws IllegalStateException when a step of another thread runs on the session (its cache
     *     would be freed under it)
     */
    @Override
    public void close() {
        Use was = use.compareAndExchange(Use.IDLE, Use.CLOSED);
        if (was == Use.IN_STEP) {
            throw refusal();
        }
        freeing.clean();
    }

    /** The per-step arrays of a session, sized for a chunk of tokens. */
    static final class Buffers {
        final int capacity;
        final float[][] x;
        final float[][] normed;
        final float[][] q;
        final float[][] k;
        final float[][] v;
        final float[][] context;
        /** The first token's q, k and v rows, in the order of a decode step's fused projection. */
        final float[][] qkv;

        final float[][] projected;
        final float[][] ffnOut;
        final float[] embedding;
        final float[] row;
        /** A decode step's layer input as the FFN's read-ahead sees it. */
        final float[] ahead;

        final float[] cos;
        final float[] sin;
        /** The last position's hidden state through the final norm, and through the output projection. */
        final float[] finalNormed;

        final float[] projectedOut;

        Buffers(DecoderConfig c, int embedDim, int capacity) {
            this.capacity = capacity;
            int h = c.hiddenSize();
            int qWidth = c.numHeads() * c.headDim();
            int kvWidth = c.numKvHeads() * c.headDim();
            x = new float[capacity][h];
            normed = new float[capacity][h];
            q = new float[capacity][qWidth];
            k = new float[capacity][kvWidth];
            v = new float[capacity][kvWidth];
            context = new float[capacity][qWidth];
            qkv = new float[][] {q[0], k[0], v[0]};
            projected = new float[capacity][h];
            ffnOut = new float[capacity][h];
            embedding = new float[embedDim];
            row = new float[h];
            ahead = new float[h];
            cos = new float[c.headDim() / 2];
            sin = new float[c.headDim() / 2];
            finalNormed = new float[h];
            projectedOut = new float[embedDim];
        }
    }
}
