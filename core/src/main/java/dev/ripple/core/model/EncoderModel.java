package dev.ripple.core.model;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.TensorView;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The BERT-family encoder forward pass (post-layer-norm, as BERT and sentence-transformers'
 * MiniLM): embeddings, multi-head self-attention, layer norms in DRAM, the FFN through a
 * {@link FeedForward} (dense reference or flash runtime), then mean (or CLS) pooling and L2
 * normalisation as sentence-transformers do.
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
    private final float[] word;
    private final float[] position;
    private final float[] tokenType;
    private final float[] embNormW;
    private final float[] embNormB;
    private final List<LayerWeights> layers;
    private final FeedForward ffn;

    private record LayerWeights(Linear q, Linear k, Linear v, Linear o, float[] n1w, float[] n1b, float[] n2w,
                                float[] n2b) {
    }

    /** Builds the encoder from tensors looked up by name (e.g. from a {@link RippleFile}). */
    public EncoderModel(BertConfig config, Function<String, float[]> tensors, FeedForward ffn) {
        this.config = config;
        int h = config.hiddenSize();
        this.word = require(tensors, config.wordEmbeddings(), (long) config.vocabSize() * h);
        this.position = require(tensors, config.positionEmbeddings(), (long) config.maxPositions() * h);
        this.tokenType = config.tokenTypeEmbeddings() == null ? null
                : require(tensors, config.tokenTypeEmbeddings(), (long) Math.max(1, config.typeVocabSize()) * h);
        this.embNormW = require(tensors, config.embeddingsNormWeight(), h);
        this.embNormB = require(tensors, config.embeddingsNormBias(), h);
        List<LayerWeights> ls = new ArrayList<>();
        long hh = (long) h * h;
        for (BertConfig.Layer l : config.layers()) {
            ls.add(new LayerWeights(
                    new Linear(require(tensors, l.query(), hh), require(tensors, l.queryBias(), h), h, h),
                    new Linear(require(tensors, l.key(), hh), require(tensors, l.keyBias(), h), h, h),
                    new Linear(require(tensors, l.value(), hh), require(tensors, l.valueBias(), h), h, h),
                    new Linear(require(tensors, l.attentionOutput(), hh), require(tensors, l.attentionOutputBias(), h), h, h),
                    require(tensors, l.attentionNormWeight(), h), require(tensors, l.attentionNormBias(), h),
                    require(tensors, l.outputNormWeight(), h), require(tensors, l.outputNormBias(), h)));
        }
        this.layers = List.copyOf(ls);
        this.ffn = ffn;
    }

    /** Loads the resident tensors of a BERT {@code .ripple} file into DRAM. */
    public static EncoderModel load(RippleFile file, FeedForward ffn) {
        BertConfig config = BertConfig.fromJson(file.architecture());
        return new EncoderModel(config, name -> file.tensor(name).map(TensorView::toFloatArray)
                .orElseThrow(() -> new IllegalArgumentException(file.path() + ": resident tensor '" + name
                        + "' named by the architecture is not in the file")), ffn);
    }

    private static float[] require(Function<String, float[]> tensors, String name, long expected) {
        float[] t = tensors.apply(name);
        if (t == null || t.length != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + (t == null ? "no" : t.length)
                    + " elements, the architecture needs " + expected);
        }
        return t;
    }

    public BertConfig config() {
        return config;
    }

    /**
     * The last hidden state, one row of {@code hiddenSize} per token.
     *
     * @param ids        token ids, including [CLS] and [SEP]
     * @param firstToken position of ids[0] in the caller's token stream (for trace replay)
     */
    public float[][] hiddenStates(int[] ids, int firstToken) {
        int n = ids.length;
        int h = config.hiddenSize();
        if (n == 0 || n > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + n + " tokens; this model takes 1.." + config.maxPositions());
        }
        float[][] x = new float[n][h];
        for (int t = 0; t < n; t++) {
            int id = ids[t];
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + config.vocabSize());
            }
            for (int k = 0; k < h; k++) {
                x[t][k] = word[id * h + k] + position[t * h + k] + (tokenType == null ? 0f : tokenType[k]);
            }
            layerNorm(x[t], embNormW, embNormB);
        }
        float[][] ffnOut = new float[n][h];
        for (int l = 0; l < layers.size(); l++) {
            LayerWeights w = layers.get(l);
            float[][] attended = attention(x, w);
            for (int t = 0; t < n; t++) {
                for (int k = 0; k < h; k++) {
                    attended[t][k] += x[t][k];
                }
                layerNorm(attended[t], w.n1w(), w.n1b());
            }
            // The whole sentence at once: the flash runtime reads the union of its active neurons once.
            ffn.forwardAll(l, firstToken, attended, ffnOut);
            for (int t = 0; t < n; t++) {
                for (int k = 0; k < h; k++) {
                    x[t][k] = attended[t][k] + ffnOut[t][k];
                }
                layerNorm(x[t], w.n2w(), w.n2b());
            }
        }
        return x;
    }

    /** The sentence embedding: pooled (mean over tokens, or CLS) and L2-normalised if configured. */
    public float[] embed(int[] ids, int firstToken) {
        return pool(hiddenStates(ids, firstToken));
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
        // Heads write disjoint column ranges of context, so they run in parallel for long sequences.
        IntStream range = IntStream.range(0, heads);
        (n >= PARALLEL_ATTENTION_TOKENS ? range.parallel() : range).forEach(head -> {
            int off = head * dh;
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    float s = 0;
                    for (int c = 0; c < dh; c++) {
                        s += q[i][off + c] * k[j][off + c];
                    }
                    scores[j] = s * scale;
                    max = Math.max(max, scores[j]);
                }
                float sum = 0;
                for (int j = 0; j < n; j++) {
                    scores[j] = (float) Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                float[] ctx = context[i];
                for (int j = 0; j < n; j++) {
                    float p = scores[j] / sum;
                    for (int c = 0; c < dh; c++) {
                        ctx[off + c] += p * v[j][off + c];
                    }
                }
            }
        });
        return w.o().apply(context);
    }

    private void layerNorm(float[] x, float[] weight, float[] bias) {
        int h = x.length;
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= h;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= h;
        float inv = (float) (1.0 / Math.sqrt(var + config.layerNormEps()));
        for (int k = 0; k < h; k++) {
            x[k] = (float) ((x[k] - mean) * inv) * weight[k] + bias[k];
        }
    }
}
