package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.Sizes;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.io.reader.ReaderRan;
import dev.ripple.placement.synthetic.GeneratedWeights;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ripple bench} measured on a decoder: the strategies on real generation, prefill and
 * decode apart, and how it is shown (table and JSON).
 *
 * @param model          the model's path
 * @param generatedWeights true when the model holds weights made by {@code ripple synth}: the title,
 *                       every table's header and the JSON say "generated weights" (docs/SYNTHETIC.md)
 * @param corpus         where the prompts came from
 * @param rule           activity rule of the profile and the files
 * @param predictor      lowrank (the file's), dense, or oracle (exact sets; its compute makes tokens/s meaningless)
 * @param reader         the reader asked for and the one that ran
 * @param passStart      how the generation met the page cache: bypassed, evicted first, kept for an
 *                       emulated device's real reads from DRAM, or warm when the eviction dropped nothing
 * @param queueDepth     reads in flight per request
 * @param cacheFraction  bundle cache budget, share of the FFN bytes
 * @param device         device profile measured in this run, or the emulated device
 * @param emulated       true if every read took {@code device}'s modelled time (an emulated device over the real reads)
 * @param prompts        prompts generated from
 * @param promptTokens   tokens per prompt (mean)
 * @param decodeSteps    tokens generated per prompt
 * @param kvType         KV cache element type
 * @param strategies     one result per strategy run, in the order of {@link BenchStrategy#ALL}
 * @param dtypes         bundle types side by side (null unless asked)
 */
public record DecoderBenchReport(
        String model,
        boolean generatedWeights,
        String corpus,
        String rule,
        String predictor,
        ReaderRan reader,
        PassStart passStart,
        int queueDepth,
        double cacheFraction,
        DeviceProfile device,
        boolean emulated,
        int prompts,
        double promptTokens,
        int decodeSteps,
        String kvType,
        List<DecoderBench.Result> strategies,
        DecoderDtypeComparison dtypes) {
    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    public DecoderBench.Result strategy(String name) {
        return ReportText.named(strategies, DecoderBench.Result::name, name);
    }

    public void print(PrintWriter o) {
        String tag = generatedWeights ? "  [" + GeneratedWeights.LABEL + "]" : "";
        o.printf(
                "ripple bench (decoder): %s%s on %s; %d prompts of %.0f tokens, %d tokens generated each (greedy), "
                        + "rule '%s', predictor %s%n",
                model,
                GeneratedWeights.suffix(generatedWeights),
                corpus,
                prompts,
                promptTokens,
                decodeSteps,
                rule,
                predictor);
        if (predictor.equals("oracle")) {
            o.println(
                    "(the oracle computes every neuron's activation densely in DRAM: compare the I/O columns, not tokens/s)");
        }
        o.printf(
                "I/O: %s, queue depth %d; bundle cache %.0f%% of FFN bytes; KV cache %s; device %s%s: sequential "
                        + "%.0f MiB/s%n",
                ReportText.strategyReads(
                        reader,
                        passStart,
                        strategies.stream().map(DecoderBench.Result::name).toList()),
                queueDepth,
                100 * cacheFraction,
                kvType,
                emulated ? "EMULATED " : "",
                device.name(),
                device.sequentialMiBps());
        DepthNote.print(o, device, queueDepth);
        if (emulated) {
            ReportText.emulated(o, device, "compute is this machine's");
            Map<String, String> realReads = new LinkedHashMap<>();
            strategies.forEach(r -> realReads.put(r.name(), r.realReads()));
            ReportText.realReads(o, device, realReads);
        }
        o.printf(
                "%n%-15s %9s %9s %9s %9s %9s %8s %9s %7s %7s %9s %9s%s%n",
                "decode",
                "tok/s",
                "I/O ms",
                "p50",
                "p99",
                "reads",
                "KiB",
                "neurons",
                "hits",
                "agree",
                "logit err",
                "prefill",
                tag);
        for (DecoderBench.Result r : strategies) {
            DecoderBench.Phase d = r.decode();
            o.printf(
                    "%-15s %9.2f %9.3f %9.3f %9.3f %9.1f %8.1f %8.1f%% %6.0f%% %6.0f%% %9.2g %9.1f%n",
                    r.name(),
                    d.tokensPerSecond(),
                    d.ioMs().mean(),
                    d.ioMs().p50(),
                    d.ioMs().p99(),
                    d.readsPerToken(),
                    d.bytesPerToken() / 1024,
                    100 * d.neuronsReadFraction(),
                    100 * d.hitRate(),
                    100 * r.agreement(),
                    r.logitError(),
                    r.prefill().tokensPerSecond());
        }
        o.printf(
                "%n%-15s %9s %9s %9s %9s %9s%s%n", "decode time", "ms/tok", "I/O ms", "compute", "max", "overlap", tag);
        for (DecoderBench.Result r : strategies) {
            DecoderBench.Phase d = r.decode();
            o.printf(
                    "%-15s %9.3f %9.3f %9.3f %9.3f %9s%n",
                    r.name(),
                    d.msPerToken(),
                    d.ioMs().mean(),
                    d.computeMsPerToken(),
                    Math.max(d.ioMs().mean(), d.computeMsPerToken()),
                    ReportText.wholePercent(d.overlap()));
        }
        o.printf(
                "(compute = time per token less the time its thread planned reads or waited for them; overlap = (I/O + "
                        + "compute - time) / min(I/O, compute): 0 one after the other, 100%% time = max)%n");
        o.printf("(decode: per generated token, all layers; I/O ms = planning + reads; neurons = predicted per layer; "
                + "agree = greedy choice equal to the dense model's on the same tokens; logit err = relative error of the logits "
                + "against the dense model's; prefill = prompt tokens/s)%n");
        o.printf("memory of one session%s:", GeneratedWeights.suffix(generatedWeights));
        for (DecoderBench.Result r : strategies) {
            o.printf(
                    " %s: resident %s + KV cache %s + working buffers up to %s + bundle cache %s;",
                    r.name(),
                    Sizes.bytes(r.memory().residentBytes()),
                    Sizes.bytes(r.memory().kvCacheBytes()),
                    Sizes.bytes(r.memory().workingBytes()),
                    Sizes.bytes(r.memory().cacheBytes()));
        }
        o.println();
        if (strategies.stream().anyMatch(r -> r.readAhead() != null)) {
            o.printf("read-ahead (-Dripple.readahead=true), predictor:");
            strategies.forEach(r -> o.printf(" %s %s;", r.name(), r.readAhead()));
            o.println();
        }
        if (dtypes != null) {
            dtypes.print(o, generatedWeights);
        }
    }

    /** Every figure as a JSON tree, which the command line writes with its run once (its --json). */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", "decoder");
        root.put("model", model);
        root.put("weights", generatedWeights ? "generated" : "checkpoint");
        root.put("corpus", corpus);
        root.put("rule", rule);
        root.put("predictor", predictor);
        reader.putJson(root);
        passStart.putJson(root);
        root.put("queueDepth", queueDepth);
        DepthNote.putJson(root, device, queueDepth);
        root.put("cacheFraction", cacheFraction);
        root.set("device", JSON.valueToTree(device));
        root.put("emulated", emulated);
        root.put("prompts", prompts);
        root.put("promptTokens", promptTokens);
        root.put("decodeSteps", decodeSteps);
        root.put("kvType", kvType);
        ReportText.putChosen(
                root, strategies.stream().map(DecoderBench.Result::name).toList());
        ArrayNode arr = root.putArray("strategies");
        for (DecoderBench.Result r : strategies) {
            ObjectNode s = arr.addObject();
            s.put("name", r.name());
            s.put("placement", r.placement());
            s.put("cache", r.cache());
            s.put("collapse", r.collapse());
            s.set("prefill", phase(r.prefill()));
            s.set("decode", phase(r.decode()));
            s.put("agreement", r.agreement());
            s.put("logitError", r.logitError());
            s.put("realReads", r.realReads()); // null without an emulated device
            s.put("readAhead", r.readAhead()); // null when decode does not read ahead
            ObjectNode m = s.putObject("memory");
            m.put("residentBytes", r.memory().residentBytes());
            m.put("kvCacheBytes", r.memory().kvCacheBytes());
            m.put("workingBytes", r.memory().workingBytes());
            m.put("cacheBytes", r.memory().cacheBytes());
        }
        if (dtypes != null) {
            root.set("dtypes", dtypes.toJson());
        }
        return root;
    }

    private static ObjectNode phase(DecoderBench.Phase p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("tokens", p.tokens());
        o.put("tokensPerSecond", p.tokensPerSecond());
        ObjectNode io = o.putObject("ioMsPerToken");
        io.put("mean", p.ioMs().mean());
        io.put("p50", p.ioMs().p50());
        io.put("p90", p.ioMs().p90());
        io.put("p99", p.ioMs().p99());
        o.put("readsPerToken", p.readsPerToken());
        o.put("bytesPerToken", p.bytesPerToken());
        o.put("neededBytesPerToken", p.neededBytesPerToken());
        o.put("cacheHitRate", p.hitRate());
        o.put("neuronsReadFraction", p.neuronsReadFraction());
        o.put("msPerToken", p.msPerToken());
        o.put("computeMsPerToken", p.computeMsPerToken());
        o.put("overlap", p.overlap());
        return o;
    }
}
