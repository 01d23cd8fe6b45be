package dev.ripple.bench.harness;

import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Sampler;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.synthetic.OrtDecoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Dense decode speed of the Java decoder against ONNX Runtime on the same weights, and against the
 * machine's roofline, in one run: the same model as a {@code .ripple} file (weights mapped, so in
 * DRAM once paged in; FFN dense over the mapped bundles) and as the ONNX graph of
 * {@link dev.ripple.placement.synthetic.DecoderOnnxExporter} (ONNX Runtime keeps its KV cache).
 * Both prefill the same prompt, untimed, then generate greedily; only the decode steps are timed.
 * A warm-up generation of each comes first (pages the file in, compiles the kernels); then the
 * rounds alternate Java and ONNX Runtime so that both meet the same machine load. The memory
 * bandwidth is measured in the same process before the first round and after every round
 * ({@link StreamBandwidth}), each kernel's best kept: on a shared machine a single measurement
 * can land in a busy moment and flatter the roofline fraction.
 *
 * <pre>{@code
 * DecodeSpeedReport r = DecodeSpeed.run(ripple, onnx, prompt, 32, 3, 2, "opt-125m (generated weights)");
 * r.javaRooflineFraction();
 * }</pre>
 */
public final class DecodeSpeed {
    private DecodeSpeed() {}

    /**
     * @param ripple  the model as a .ripple file
     * @param onnx    the same weights as a DecoderOnnxExporter graph
     * @param prompt  prompt token ids
     * @param steps   tokens generated per round (decode steps timed: steps)
     * @param rounds  timed rounds per side
     * @param threads ONNX Runtime intra-op threads and bandwidth threads (the Java side uses the common pool and the
     *                calling thread: every core)
     */
    public static DecodeSpeedReport run(
            Path ripple, Path onnx, int[] prompt, int steps, int rounds, int threads, String model) throws IOException {
        return run(ripple, onnx, prompt, steps, rounds, threads, model, StreamBandwidth.DEFAULT_ELEMENTS);
    }

    /** As {@link #run(Path, Path, int[], int, int, int, String)} with bandwidth arrays of {@code bandwidthElements} floats. */
    public static DecodeSpeedReport run(
            Path ripple,
            Path onnx,
            int[] prompt,
            int steps,
            int rounds,
            int threads,
            String model,
            int bandwidthElements)
            throws IOException {
        if (prompt.length < 1 || steps < 1 || rounds < 1) {
            throw new IllegalArgumentException("decode speed needs a prompt, steps >= 1 and rounds >= 1");
        }
        StreamBandwidth.Result bandwidth = StreamBandwidth.measure(bandwidthElements, threads, 5);
        try (RippleFile file = RippleFile.open(ripple);
                OrtDecoder ort = OrtDecoder.open(onnx, threads)) {
            DecoderModel java = DecoderModel.load(file, MappedFfn.of(file));
            // in long: an int sum of a huge step count wrapped past the session's check, and the
            // token arrays of that many steps ran out of heap first
            long context = (long) prompt.length + steps;
            if (context > java.config().maxPositions()) {
                throw new IllegalArgumentException("a context of " + context + " tokens (a prompt of " + prompt.length
                        + " and " + steps + " steps) is longer than this model's "
                        + java.config().maxPositions());
            }
            long ffnBytes = 0;
            for (FfnLayerSection l : file.layers()) {
                ffnBytes += (long) l.spec().dFfn() * l.spec().bundleBytes();
            }
            long weightBytes = java.residentBytesPerToken() + ffnBytes;
            int[] javaTokens = javaGenerate(java, prompt, steps, new long[1]);
            int[] ortTokens = ortGenerate(ort, prompt, steps, new long[1]);
            long javaNanos = 0;
            long ortNanos = 0;
            for (int r = 0; r < rounds; r++) {
                long[] t = new long[1];
                int[] j = javaGenerate(java, prompt, steps, t);
                javaNanos += t[0];
                if (!Arrays.equals(j, javaTokens)) {
                    throw new IllegalStateException("the Java decoder is not deterministic: " + Arrays.toString(j)
                            + " then " + Arrays.toString(javaTokens));
                }
                t[0] = 0;
                ortGenerate(ort, prompt, steps, t);
                ortNanos += t[0];
                bandwidth = bandwidth.max(StreamBandwidth.measure(bandwidthElements, threads, 3));
            }
            int equal = 0;
            for (int i = 0; i < steps && javaTokens[i] == ortTokens[i]; i++) {
                equal++;
            }
            double javaTps = (double) steps * rounds / (javaNanos / 1e9);
            double ortTps = (double) steps * rounds / (ortNanos / 1e9);
            return new DecodeSpeedReport(
                    model,
                    threads,
                    prompt.length,
                    steps,
                    rounds,
                    weightBytes,
                    java.residentBytesPerToken(),
                    ffnBytes,
                    bandwidth,
                    javaTps,
                    ortTps,
                    equal,
                    javaTokens,
                    ortTokens);
        }
    }

    /** Greedy generation of {@code steps} tokens after the prompt; adds the decode steps' nanoseconds to {@code nanos[0]}. */
    private static int[] javaGenerate(DecoderModel m, int[] prompt, int steps, long[] nanos) {
        int[] out = new int[steps];
        try (Session s = m.newSession(prompt.length + steps, DType.F32)) {
            float[] logits = m.prefill(s, prompt).logits();
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                out[i] = Sampler.greedy().sample(logits);
                logits = m.decode(s, out[i]).logits();
            }
            nanos[0] += System.nanoTime() - start;
        }
        return out;
    }

    private static int[] ortGenerate(OrtDecoder ort, int[] prompt, int steps, long[] nanos) {
        int[] out = new int[steps];
        ort.reset();
        float[] logits = ort.prefill(prompt);
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            out[i] = Sampler.greedy().sample(logits);
            logits = ort.next(out[i]);
        }
        nanos[0] += System.nanoTime() - start;
        return out;
    }
}
