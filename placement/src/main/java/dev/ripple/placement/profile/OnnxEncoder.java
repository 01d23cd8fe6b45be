package dev.ripple.placement.profile;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The original ONNX model run densely by ONNX Runtime: the fidelity reference and the compute
 * peer that the flash runtime is compared against. Returns the first output (a BERT model's last
 * hidden state, {@code [tokens × hidden]}); pooling is left to the caller so both sides pool the
 * same way.
 *
 * <pre>{@code
 * try (OnnxEncoder ort = OnnxEncoder.open(Path.of("model.onnx"), 2)) {
 *     float[][] hidden = ort.hiddenStates(passage);
 * }
 * }</pre>
 */
public final class OnnxEncoder implements AutoCloseable {
    private final Path file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String output;

    private OnnxEncoder(Path file, OrtEnvironment env, OrtSession session) throws OrtException {
        this.file = file;
        this.env = env;
        this.session = session;
        this.output = session.getOutputNames().iterator().next();
    }

    /** @param threads ONNX Runtime intra-op threads (0: all processors) */
    public static OnnxEncoder open(Path onnx, int threads) throws IOException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
            so.setInterOpNumThreads(1);
            return new OnnxEncoder(onnx, env, env.createSession(onnx.toString(), so));
        } catch (OrtException e) {
            throw new IOException(onnx + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /** The first output for one passage, one row per token. */
    public float[][] hiddenStates(EncodedPassage p) throws IOException {
        int n = p.length();
        Map<String, OnnxTensor> inputs = Map.of();
        try {
            inputs = OrtInputs.of(env, session.getInputNames(), p, file);
            try (OrtSession.Result r = session.run(inputs, Set.of(output))) {
                OnnxValue v = r.get(output).orElseThrow(() -> new IOException(file + ": no output '" + output + "'"));
                FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                if (fb == null || fb.remaining() % n != 0) {
                    throw new IOException(file + ": output '" + output + "' is not [1, " + n + ", hidden] floats");
                }
                int h = fb.remaining() / n;
                float[][] out = new float[n][h];
                for (float[] row : out) {
                    fb.get(row);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IOException(
                    file + ": ONNX Runtime failed on a passage of " + n + " tokens: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing a session that failed to run has nothing left to release
        }
    }
}
