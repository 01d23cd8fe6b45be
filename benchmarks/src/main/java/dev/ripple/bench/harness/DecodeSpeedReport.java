package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.json.NonFiniteAsNull;
import java.io.PrintWriter;

/**
 * What {@code ripple decode-speed} measured: dense decode tokens/s of the Java decoder and of ONNX
 * Runtime on the same weights, and both against the roofline (weight bytes per token over the
 * memory bandwidth measured in the same run).
 *
 * @param model              the model (generated weights say so)
 * @param threads            ONNX Runtime intra-op threads and bandwidth threads
 * @param promptTokens       prompt length (prefilled, untimed)
 * @param steps              decode steps timed per round
 * @param rounds             rounds per side
 * @param weightBytesPerToken bytes of weights one decode step reads: resident + FFN
 * @param residentBytesPerToken attention projections, norms, LM head (embeddings when tied)
 * @param ffnBytesPerToken   every FFN bundle of every layer (dense)
 * @param bandwidth          memory bandwidth measured in this run
 * @param javaTokensPerSecond decode steps over their wall time, Java
 * @param ortTokensPerSecond decode steps over their wall time, ONNX Runtime
 * @param agreeingTokens     greedy tokens equal from the first one on (Java and ONNX Runtime decide independently)
 * @param javaTokens         the Java greedy continuation
 * @param ortTokens          ONNX Runtime's greedy continuation
 */
public record DecodeSpeedReport(
        String model,
        int threads,
        int promptTokens,
        int steps,
        int rounds,
        long weightBytesPerToken,
        long residentBytesPerToken,
        long ffnBytesPerToken,
        StreamBandwidth.Result bandwidth,
        double javaTokensPerSecond,
        double ortTokensPerSecond,
        int agreeingTokens,
        int[] javaTokens,
        int[] ortTokens) {
    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    /** The fastest decode the memory allows: every weight byte read once per token at the best measured bandwidth. */
    public double rooflineTokensPerSecond() {
        return bandwidth.bestGBs() * 1e9 / weightBytesPerToken;
    }

    public double javaRooflineFraction() {
        return javaTokensPerSecond / rooflineTokensPerSecond();
    }

    public double ortRooflineFraction() {
        return ortTokensPerSecond / rooflineTokensPerSecond();
    }

    /** Java tokens/s over ONNX Runtime's: at least 1 is the goal. */
    public double javaOverOrt() {
        return javaTokensPerSecond / ortTokensPerSecond;
    }

    public void print(PrintWriter o) {
        o.printf(
                "ripple decode-speed: %s, dense, weights in DRAM; prompt %d tokens, %d greedy decode steps x %d rounds, "
                        + "%d threads%n",
                model, promptTokens, steps, rounds, threads);
        o.printf(
                "memory bandwidth (STREAM-like, %d threads, 3 x %d MiB arrays): copy %.2f, triad %.2f, read %.2f GB/s; "
                        + "roofline uses %.2f GB/s%n",
                bandwidth.threads(),
                bandwidth.elements() * 4L >> 20,
                bandwidth.copyGBs(),
                bandwidth.triadGBs(),
                bandwidth.readGBs(),
                bandwidth.bestGBs());
        o.printf(
                "weights read per token: %.1f MiB (resident %.1f + FFN %.1f); roofline %.2f tokens/s%n",
                weightBytesPerToken / 1048576.0,
                residentBytesPerToken / 1048576.0,
                ffnBytesPerToken / 1048576.0,
                rooflineTokensPerSecond());
        o.printf("%n%-14s %9s %9s %9s%n", "decode", "tok/s", "ms/tok", "roofline");
        o.printf(
                "%-14s %9.2f %9.2f %8.1f%%%n",
                "java", javaTokensPerSecond, 1000 / javaTokensPerSecond, 100 * javaRooflineFraction());
        o.printf(
                "%-14s %9.2f %9.2f %8.1f%%%n",
                "onnxruntime", ortTokensPerSecond, 1000 / ortTokensPerSecond, 100 * ortRooflineFraction());
        o.printf("java / onnxruntime: %.2fx; greedy tokens equal: %d of %d%n", javaOverOrt(), agreeingTokens, steps);
    }

    /** Every figure as a JSON tree, which the command line writes with its run once (its --json). */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", "decode-speed");
        root.put("model", model);
        root.put("threads", threads);
        root.put("promptTokens", promptTokens);
        root.put("decodeSteps", steps);
        root.put("rounds", rounds);
        root.put("weightBytesPerToken", weightBytesPerToken);
        root.put("residentBytesPerToken", residentBytesPerToken);
        root.put("ffnBytesPerToken", ffnBytesPerToken);
        ObjectNode bw = root.putObject("memoryBandwidth");
        bw.put("copyGBs", bandwidth.copyGBs());
        bw.put("triadGBs", bandwidth.triadGBs());
        bw.put("readGBs", bandwidth.readGBs());
        bw.put("threads", bandwidth.threads());
        bw.put("arrayBytes", bandwidth.elements() * 4L);
        root.put("memoryBandwidthGBs", bandwidth.bestGBs());
        root.put("rooflineTokensPerSecond", rooflineTokensPerSecond());
        root.put("javaTokensPerSecond", javaTokensPerSecond);
        root.put("onnxRuntimeTokensPerSecond", ortTokensPerSecond);
        root.put("javaOverOnnxRuntime", javaOverOrt());
        root.put("javaRooflineFraction", javaRooflineFraction());
        root.put("onnxRuntimeRooflineFraction", ortRooflineFraction());
        root.put("agreeingTokens", agreeingTokens);
        root.set("javaTokens", JSON.valueToTree(javaTokens));
        root.set("onnxRuntimeTokens", JSON.valueToTree(ortTokens));
        return root;
    }
}
