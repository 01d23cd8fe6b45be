package dev.ripple.core.model.bert;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.ArchitectureFields;
import dev.ripple.core.model.FeedForward;
import dev.ripple.core.model.MappedWeights;
import dev.ripple.core.model.ModelCall;
import dev.ripple.core.tensor.LayerNorm;
import dev.ripple.core.tensor.Linear;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.core.tensor.TensorSource;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The BERT-family encoder forward pass (post-layer-norm, as BERT and sentence-transformers'
 * MiniLM): embeddings, multi-head self-attention, layer norms in DRAM, the FFN through a
 * {@link FeedForward} (flash runtime or the mapped bundles), then mean (or CLS) pooling and L2
 * normalisation as sentence-transformers do. Matrices and embeddings are read in place from the
 * {@link TensorSource} (the mapped {@code .ripple} file), never copied to the heap.
 *
 * <pre>{@code
 * EncoderModel encoder = EncoderModel.load(rippleFile, flashFfn);
 * float[] embedding = encoder.embed(tokenIds);       // ids from the model's tokenizer
 * }</pre>
 *
 * <p>Thread-safe: weights are read-only and each call allocates its own activations.
 */
public final class EncoderModel {
    /** From this many tokens on, attention heads are computed in parallel. */
    private static final int PARALLEL_ATTENTION_TOKENS = 8;

    private final BertConfig config;
    /** Where the weights are mapped from: what explains a fault on their pages ({@link TensorSource#uncheckedFault}). */
    private final TensorSource tensors;

    private final Tensor word;
    private final Tensor position;
    private final float[] tokenType;
    private final LayerNorm embeddingsNorm;
    private final List<LayerWeights> layers;
    private final FeedForward ffn;
    /** The mapping the weights are read from, checked at each forward. */
    private final MappedWeights weights;

    private final Kernels kernels = KernelProvider.best();

    private record LayerWeights(
            Linear q, Linear k, Linear v, Linear o, LayerNorm attentionNorm, LayerNorm outputNorm) {}

    /** Builds the encoder from the tensors the architecture names in {@code tensors}. */
    public EncoderModel(BertConfig config, TensorSource tensors, FeedForward ffn) {
        this.config = config;
        this.tensors = tensors;
        int h = config.hiddenSize();
        this.word = tensors.require(config.wordEmbeddings(), config.vocabSize(), h);
        this.weights = new MappedWeights(word.data(), tensors.description());
        this.position = tensors.require(config.positionEmbeddings(), config.maxPositions(), h);
        this.tokenType = config.tokenTypeEmbeddings() == null
                ? null
                : firstRow(tensors.require(config.tokenTypeEmbeddings(), Math.max(1, config.typeVocabSize()), h), h);
        this.embeddingsNorm = norm(tensors, config.embeddingsNormWeight(), config.embeddingsNormBias());
        List<LayerWeights> ls = new ArrayList<>();
        for (BertConfig.Layer l : config.layers()) {
            ls.add(new LayerWeights(
                    linear(tensors, l.query(), l.queryBias()),
                    linear(tensors, l.key(), l.keyBias()),
                    linear(tensors, l.value(), l.valueBias()),
                    linear(tensors, l.attentionOutput(), l.attentionOutputBias()),
                    norm(tensors, l.attentionNormWeight(), l.attentionNormBias()),
                    norm(tensors, l.outputNormWeight(), l.outputNormBias())));
        }
        this.layers = List.copyOf(ls);
        this.ffn = ffn;
    }

    /** The encoder of a BERT {@code .ripple} file (or any source holding the architecture's tensors). */
    public static EncoderModel load(RippleFile file, FeedForward ffn) {
        BertConfig config = ArchitectureFields.config(file, BertConfig::fromJson);
        ArchitectureFields.requireFfnLayers(file, config.numLayers(), config.hiddenSize());
        return new EncoderModel(config, file, ffn);
    }

    private Linear linear(TensorSource tensors, String weight, String bias) {
        int h = config.hiddenSize();
        return Linear.of(tensors.require(weight, h, h), tensors.require(bias, h));
    }

    private LayerNorm norm(TensorSource tensors, String weight, String bias) {
        int h = config.hiddenSize();
        return new LayerNorm(tensors.vector(weight, h), tensors.vector(bias, h), config.layerNormEps());
    }

    private static float[] firstRow(Tensor t, int h) {
        float[] row = new float[h];
        t.copyTo(0, row, 0, h);
        return row;
    }

    public BertConfig config() {
        return config;
    }

    /**
     * The last hidden state, one row of {@code hiddenSize} per token.
     *
     * @param ids token ids, including [CLS] and [SEP]
     * @throws IllegalArgumentException when there are no ids or more than the model's positions
     *     ({@code config().maxPositions()}; {@code Tokenizer.encode(text, true, maxLength)} cuts a
     *     long text to fit), or an id lies outside the vocabulary
     * @throws IllegalStateException when the model is closed
     */
    public float[][] hiddenStates(int[] ids) {
        try (ModelCall call = ffn.begin()) { // a close from another thread waits for the pass
            return forward(ids);
        } catch (InternalError fault) {
            // A fault on a mapped page, raised at a later safepoint poll, so caught around the whole
            // pass: when the file shrank while open, an exception naming it (FileShrankException).
            throw tensors.uncheckedFault(fault);
        } finally {
            // This model, and through its FFN the runtime's mapping and reader, stays reachable
            // until the forward ends: the runtime's Cleaner must not free them under it.
            Reference.reachabilityFence(this);
        }
    }

    private float[][] forward(int[] ids) {
        int n = ids.length;
        int h = config.hiddenSize();
        if (n == 0 || n > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + n + " tokens; this model takes 1.."
                    + config.maxPositions()
                    + (n == 0
                            ? ""
                            : ": cut a long text as it is encoded, tokenizer.encode(text, true, "
                                    + config.maxPositions() + ")"));
        }
        weights.requireOpen();
        float[][] x = new float[n][h];
        float[] wordRow = new float[h];
        float[] positionRow = new float[h];
        for (int t = 0; t < n; t++) {
            int id = ids[t];
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException(
                        "token id " + id + " outside the vocabulary of " + config.vocabSize());
            }
            word.copyTo((long) id * h, wordRow, 0, h);
            position.copyTo((long) t * h, positionRow, 0, h);
            for (int k = 0; k < h; k++) {
                x[t][k] = wordRow[k] + positionRow[k] + (tokenType == null ? 0f : tokenType[k]);
            }
            embeddingsNorm.apply(x[t]);
        }
        float[][] ffnOut = new float[n][h];
        for (int l = 0; l < layers.size(); l++) {
            LayerWeights w = layers.get(l);
            float[][] attended = attention(x, w);
            for (int t = 0; t < n; t++) {
                for (int k = 0; k < h; k++) {
                    attended[t][k] += x[t][k];
                }
                w.attentionNorm().apply(attended[t]);
            }
            // The whole sentence at once: the flash runtime reads the union of its active neurons once.
            ffn.forwardAll(l, attended, n, ffnOut);
            for (int t = 0; t < n; t++) {
                for (int k = 0; k < h; k++) {
                    x[t][k] = attended[t][k] + ffnOut[t][k];
                }
                w.outputNorm().apply(x[t]);
            }
        }
        return x;
    }

    /**
     * The sentence embedding: pooled (mean over tokens, or CLS) and L2-normalised if configured.
     * Refuses what {@link #hiddenStates} refuses.
     */
    public float[] embed(int[] ids) {
        return pool(hiddenStates(ids));
    }

    /** Pooling and normalisation as sentence-transformers apply them to the last hidden state. */
    public float[] pool(float[][] hidden) {
        int h = config.hiddenSize();
        float[] e = new float[h];
        if (config.pooling().equals("cls")) {
            System.arraycopy(hidden[0], 0, e, 0, h);
        } else {
            for (float[] row : hidden) {
                for (int k = 0; k < h; k++) {
                    e[k] += row[k];
                }
            }
            for (int k = 0; k < h; k++) {
                e[k] /= hidden.length;
            }
        }
        if (config.normalize()) {
            double norm = 0;
            for (float v : e) {
                norm += (double) v * v;
            }
            float inv = (float) (1.0 / Math.max(Math.sqrt(norm), 1e-12));
            for (int k = 0; k < h; k++) {
                e[k] *= inv;
            }
        }
        return e;
    }

    private float[][] attention(float[][] x, LayerWeights w) {
        int n = x.length;
        int h = config.hiddenSize();
        int heads = config.numHeads();
        int dh = config.headSize();
        float[][] q = w.q().apply(x);
        float[][] k = w.k().apply(x);
        float[][] v = w.v().apply(x);
        float scale = (float) (1.0 / Math.sqrt(dh));
        float[][] context = new float[n][h];
        // Heads write disjoint column ranges of context, so they run in parallel for long sequences;
        // each packs its slice of q, k and v contiguously for the fused kernel.
        IntStream range = IntStream.range(0, heads);
        (n >= PARALLEL_ATTENTION_TOKENS ? range.parallel() : range).forEach(head -> {
            int off = head * dh;
            float[] qh = new float[n * dh];
            float[] kh = new float[n * dh];
            float[] vh = new float[n * dh];
            for (int t = 0; t < n; t++) {
                System.arraycopy(q[t], off, qh, t * dh, dh);
                System.arraycopy(k[t], off, kh, t * dh, dh);
                System.arraycopy(v[t], off, vh, t * dh, dh);
            }
            float[] out = new float[n * dh];
            kernels.attention(qh, kh, vh, n, dh, scale, new float[n * dh + n], out);
            for (int t = 0; t < n; t++) {
                System.arraycopy(out, t * dh, context[t], off, dh);
            }
        });
        return w.o().apply(context);
    }
}
