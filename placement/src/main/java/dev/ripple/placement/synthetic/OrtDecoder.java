package dev.ripple.placement.synthetic;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a graph from {@link DecoderOnnxExporter} in ONNX Runtime, keeping the KV cache between calls
 * (in ONNX Runtime's memory: each call's present keys and values are the next call's past ones). It
 * builds {@code position_ids} (absolute, from {@link #position()}) and the causal
 * {@code attention_bias} (0 where key j ≤ the query's position, -inf elsewhere) itself.
 *
 * <pre>{@code
 * try (OrtDecoder ort = OrtDecoder.open(Path.of("model.onnx"), 2)) {
 *     float[] logits = ort.prefill(promptIds);          // positions 0 .. n-1, last position's logits
 *     for (int i = 0; i < 16; i++) {
 *         logits = ort.next(argmax(logits));            // one decode step at position()
 *     }
 *     ort.reset();                                      // a new sequence
 * }
 * }</pre>
 *
 * <p>Calls continue the current sequence: {@code prefill} twice is a chunked prefill. Not thread-safe.
 * Runtime failures of ONNX Runtime are {@link IllegalStateException}s and leave the cache as it was.
 */
public final class OrtDecoder implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final int layers;
    private final int vocab;
    private final int maxPositions;
    private final OnnxTensor emptyPast;
    private OrtSession.Result cache;
    private int position;

    private OrtDecoder(
            OrtEnvironment env, OrtSession session, int layers, int vocab, int maxPositions, OnnxTensor emptyPast) {
        this.env = env;
        this.session = session;
        this.layers = layers;
        this.vocab = vocab;
        this.maxPositions = maxPositions;
        this.emptyPast = emptyPast;
    }

    /**
     * Opens the model with {@code threads} intra-op threads. Layers, kv heads, head dim and vocabulary
     * come from the graph's inputs and outputs; the position limit from its {@code ripple.max_positions}
     * metadata (none when absent).
     */
    public static OrtDecoder open(Path onnx, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            session = env.createSession(onnx.toString(), so);
            Map<String, NodeInfo> inputs = session.getInputInfo();
            int layers = 0;
            while (inputs.containsKey("past_key." + layers)) {
                layers++;
            }
            if (layers == 0 || !inputs.containsKey("input_ids") || !inputs.containsKey("attention_bias")) {
                throw new IOException(onnx + ": not a DecoderOnnxExporter graph (inputs " + inputs.keySet() + ")");
            }
            long[] past = ((TensorInfo) inputs.get("past_key.0").getInfo()).getShape();
            long[] logits = ((TensorInfo) session.getOutputInfo().get("logits").getInfo()).getShape();
            String limit = session.getMetadata().getCustomMetadata().get("ripple.max_positions");
            int kv = (int) past[1];
            int hd = (int) past[3];
            OnnxTensor empty = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {1, kv, 0, hd});
            return new OrtDecoder(
                    env,
                    session,
                    layers,
                    (int) logits[2],
                    limit == null ? Integer.MAX_VALUE : Integer.parseInt(limit),
                    empty);
        } catch (OrtException | RuntimeException e) {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException ignored) {
                    // already failing
                }
            }
            throw new IOException(onnx + ": ONNX Runtime cannot open the model: " + e.getMessage(), e);
        }
    }

    /** Runs the whole prompt at once from {@link #position()}; returns the last position's logits. */
    public float[] prefill(int[] ids) {
        float[][] all = run(ids, false);
        return all[0];
    }

    /** Runs the prompt from {@link #position()}; returns every position's logits (for tests). */
    public float[][] prefillAll(int[] ids) {
        return run(ids, true);
    }

    /** One decode step: the token at {@link #position()}; returns its logits. */
    public float[] next(int id) {
        return run(new int[] {id}, false)[0];
    }

    /** The number of tokens in the cache, which is the position of the next token. */
    public int position() {
        return position;
    }

    /** Empties the cache: the next call starts at position 0. */
    public void reset() {
        if (cache != null) {
            cache.close();
            cache = null;
        }
        position = 0;
    }

    public int vocabSize() {
        return vocab;
    }

    public int numLayers() {
        return layers;
    }

    /** The most positions a sequence may use ({@link Integer#MAX_VALUE} when the graph does not say). */
    public int maxPositions() {
        return maxPositions;
    }

    private float[][] run(int[] ids, boolean all) {
        int t = ids.length;
        if (t == 0) {
            throw new IllegalArgumentException("no tokens");
        }
        if ((long) position + t > maxPositions) {
            throw new IllegalStateException("position " + (position + t) + " exceeds the model's " + maxPositions
                    + " positions; reset() starts a new sequence");
        }
        int s = position + t;
        long[] idv = new long[t];
        long[] pos = new long[t];
        for (int i = 0; i < t; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException(
                        "token id " + ids[i] + " at index " + i + " is outside the vocabulary of " + vocab);
            }
            idv[i] = ids[i];
            pos[i] = position + i;
        }
        float[] bias = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = position + i + 1; j < s; j++) {
                bias[i * s + j] = Float.NEGATIVE_INFINITY;
            }
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        OnnxTensor idsT = null;
        OnnxTensor posT = null;
        OnnxTensor biasT = null;
        try {
            idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(idv), new long[] {1, t});
            posT = OnnxTensor.createTensor(env, LongBuffer.wrap(pos), new long[] {1, t});
            biasT = OnnxTensor.createTensor(env, FloatBuffer.wrap(bias), new long[] {1, 1, t, s});
            inputs.put("input_ids", idsT);
            inputs.put("position_ids", posT);
            inputs.put("attention_bias", biasT);
            for (int l = 0; l < layers; l++) {
                inputs.put("past_key." + l, past("present_key." + l));
                inputs.put("past_value." + l, past("present_value." + l));
            }
            OrtSession.Result r = session.run(inputs);
            float[][] out;
            try {
                FloatBuffer logits = ((OnnxTensor) r.get("logits").orElseThrow()).getFloatBuffer();
                out = new float[all ? t : 1][vocab];
                for (int i = 0; i < out.length; i++) {
                    logits.position(((all ? i : t - 1)) * vocab);
                    logits.get(out[i]);
                }
            } catch (RuntimeException e) {
                r.close();
                throw e;
            }
            if (cache != null) {
                cache.close();
            }
            cache = r;
            position = s;
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "ONNX Runtime failed on " + t + " tokens at position " + position + ": " + e.getMessage(), e);
        } finally {
            close(idsT);
            close(posT);
            close(biasT);
        }
    }

    private OnnxTensor past(String present) {
        if (cache == null) {
            return emptyPast;
        }
        OnnxValue v =
                cache.get(present).orElseThrow(() -> new IllegalStateException("the graph has no output " + present));
        return (OnnxTensor) v;
    }

    private static void close(OnnxTensor t) {
        if (t != null) {
            t.close();
        }
    }

    @Override
    public void close() throws IOException {
        reset();
        emptyPast.close();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IOException("closing the ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
