package dev.ripple.placement.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.model.decoder.GenerationStats;
import dev.ripple.core.model.decoder.Generator;
import dev.ripple.core.model.decoder.StepCost;
import dev.ripple.core.runtime.MemoryPlan;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.io.reader.ReaderRan;
import dev.ripple.placement.synthetic.GeneratedWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What one {@link Generation} gave: the text and ids, the speed and I/O figures, and the memory it held.
 *
 * @param prepared  the choices it ran with
 * @param result    the generated ids, text, stop reason and per-step costs
 * @param memory    the DRAM split: the request's budget, or what the run held without one
 * @param realReads where the reads' bytes came from (an emulated device's: DRAM or the disk)
 * @param reader    the reader that made them, and the one asked for when another ran
 * @param generatedWeights true when the model holds weights made by {@code ripple synth}: its
 *     figures must say so (read from the file's architecture while it was open)
 */
public record GenerationResult(
        PreparedGeneration prepared,
        Generator.Result result,
        MemoryPlan memory,
        String realReads,
        ReaderRan reader,
        boolean generatedWeights) {
    private static final ObjectMapper JSON =
            NonFiniteAsNull.mapper().enable(SerializationFeature.INDENT_OUTPUT); // unmeasured: null, not "NaN"

    /** The speed and I/O figures of {@link #result()}. */
    public GenerationStats stats() {
        return GenerationStats.of(result);
    }

    /**
     * The figures in one line: speed, I/O per token, cache hits, memory, predictor, why it stopped;
     * led by "[generated weights]" when {@link #generatedWeights()}. A figure not measured is "-":
     * the decode ones when no decode step ran, which the line then says.
     */
    public String summary() {
        GenerationStats s = stats();
        return (generatedWeights() ? "[" + GeneratedWeights.LABEL + "] " : "")
                + String.format(
                        Locale.ROOT,
                        "%d prompt tokens at %s tokens/s, first token after %s ms; %d generated%s, "
                                + "decode %s tokens/s; I/O per token %s ms (p50 %s, p99 %s), %s reads, %s KiB, "
                                + "cache hits %s; memory: %s; predictor %s; stopped: %s",
                        s.promptTokens(),
                        figure("%.1f", s.prefillTokensPerSecond()),
                        figure("%.0f", s.timeToFirstTokenMs()),
                        s.generatedTokens(),
                        s.decoded() ? "" : " (no decode step: the first token's logits come from the prefill)",
                        figure("%.2f", s.decodeTokensPerSecond()),
                        figure("%.2f", s.ioMsMean()),
                        figure("%.2f", s.ioMsP50()),
                        figure("%.2f", s.ioMsP99()),
                        figure("%.1f", s.readsPerToken()),
                        figure("%.1f", s.bytesPerToken() / 1024),
                        figure("%.0f%%", 100 * s.cacheHitRate()),
                        memory,
                        prepared.predictor().label(),
                        stopReason());
    }

    /** {@code v} in {@code format}, or "-" when it was not measured (NaN) or has no value (infinite). */
    private static String figure(String format, double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "-";
    }

    /**
     * How the reads were planned: by a device's cost model (collapsing gaps cheaper to read than to
     * skip), or, without one, by a fixed gap ("exact runs": no gap read through beyond the 4 KiB
     * blocks a direct or io_uring reader widens reads to).
     */
    public String readPlanning() {
        RuntimeOptions runtime = prepared.request().runtime();
        if (runtime.device() != null) {
            return "cost model of " + runtime.device().name();
        }
        String aligned = runtime.reader() == ReaderKind.DIRECT || runtime.reader() == ReaderKind.IO_URING
                ? ", widened to 4 KiB blocks"
                : "";
        return (runtime.maxGapBytes() == 0
                        ? "exact runs"
                        : "gaps of at most " + runtime.maxGapBytes() + " B read through")
                + aligned;
    }

    /** The device every read was made to take the time of, or null when the reads were the disk's own. */
    public DeviceProfile emulatedDevice() {
        return prepared.request().runtime().emulatedDevice();
    }

    /** Every figure, the ids and the per-step costs as indented JSON. */
    public byte[] toJsonBytes() {
        try {
            return JSON.writeValueAsBytes(toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #toJsonBytes}, as a tree: for a caller that adds its own fields before writing it
     * once. A figure not measured is NaN in the tree; write it with a {@link NonFiniteAsNull} mapper
     * (as {@link #toJsonBytes} and the {@code ripple} command do) to have it null.
     */
    public ObjectNode toJson() {
        RuntimeOptions runtime = prepared.request().runtime();
        ObjectNode root = JSON.createObjectNode();
        root.put("model", prepared.model().source().toString());
        root.put("file", prepared.model().file().toString());
        root.put("weights", generatedWeights() ? "generated" : "checkpoint");
        root.put("placedOnTheFly", prepared.model().imported());
        root.put("predictor", prepared.predictor().label());
        reader.putJson(root);
        root.put(
                "emulatedDevice",
                emulatedDevice() == null ? null : emulatedDevice().name());
        root.put("readPlanning", readPlanning());
        root.put("cachePolicy", runtime.cache().name());
        ints(root.putArray("promptIds"), prepared.promptIds());
        ints(root.putArray("generatedIds"), result.generatedIds());
        root.put("text", result.text());
        root.put("stopReason", stopReason());
        GenerationStats s = stats();
        root.put("promptTokens", s.promptTokens());
        root.put("generatedTokens", s.generatedTokens());
        root.put("decodeSteps", s.decodeSteps());
        root.put("prefillTokensPerSecond", s.prefillTokensPerSecond());
        root.put("decodeTokensPerSecond", s.decodeTokensPerSecond());
        root.put("timeToFirstTokenMs", s.timeToFirstTokenMs());
        root.put("prefillIoMs", s.prefillIoMs());
        ObjectNode ioMs = root.putObject("ioMsPerToken");
        ioMs.put("mean", s.ioMsMean());
        ioMs.put("p50", s.ioMsP50());
        ioMs.put("p99", s.ioMsP99());
        root.put("readsPerToken", s.readsPerToken());
        root.put("bytesPerToken", s.bytesPerToken());
        root.put("cacheHitRate", s.cacheHitRate());
        root.set("memory", JSON.valueToTree(memory));
        ArrayNode steps = root.putArray("steps");
        for (StepCost c : result.steps()) {
            ObjectNode o = steps.addObject();
            o.put("tokens", c.tokens());
            o.put("totalMs", c.totalMillis());
            o.put("ioMs", c.ioMillis());
            o.put("reads", c.readOps());
            o.put("bytes", c.bytesRead());
            o.put("cacheHits", c.cacheHits());
            o.put("bundlesNeeded", c.predicted());
        }
        return root;
    }

    private String stopReason() {
        return result.stopReason().name().toLowerCase(Locale.ROOT);
    }

    private static void ints(ArrayNode to, int[] values) {
        Arrays.stream(values).forEach(to::add);
    }
}
