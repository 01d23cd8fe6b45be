package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Detokenizer;
import dev.ripple.core.model.decoder.GenerationStats;
import dev.ripple.core.model.decoder.Generator;
import dev.ripple.core.model.decoder.Sampler;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.model.decoder.StepCost;
import dev.ripple.core.runtime.MemoryPlan;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tokenizer.ChatFormat;
import dev.ripple.core.tokenizer.ChatMessage;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.core.tokenizer.UnsupportedChatTemplateException;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.device.EmulatedReader;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.PreparedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.collections.api.set.primitive.MutableIntSet;
import org.eclipse.collections.impl.factory.primitive.IntSets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple generate}: text from a decoder with its FFN on flash, streamed as it is generated,
 * then one line of figures (and every figure as JSON with {@code --json}).
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generate text with a decoder LLM (OPT, Llama family) whose FFN stays on flash: stream the text, "
                + "then report prefill and decode speed, I/O per token, cache hit rate and the memory split.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    IoOptions io;

    @Mixin
    WorkOptions run;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(
            names = "--model",
            required = true,
            paramLabel = "M",
            description =
                    "a decoder .ripple file, or a Hugging Face model directory (imported on the fly in its original order)")
    Path model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "the prompt, tokenized with the model's tokenizer")
    String prompt;

    @Option(names = "--prompt-ids", split = ",", paramLabel = "IDS", description = "the prompt as token ids (1,2,3)")
    int[] promptIds;

    @Option(names = "--chat", description = "wrap --prompt in the model's chat template (Llama 2, Llama 3 or ChatML)")
    boolean chat;

    @Option(
            names = "--chat-format",
            paramLabel = "F",
            description =
                    "with --chat: llama2, llama3 or chatml (default: the one the tokenizer_config.json's template names)")
    String chatFormat;

    @Option(names = "--system", paramLabel = "TEXT", description = "with --chat: a system message")
    String system;

    @Option(
            names = "--max-tokens",
            defaultValue = "64",
            description = "tokens to generate at most (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 for greedy (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(
            names = "--top-k",
            defaultValue = "0",
            description = "sample among the k most likely tokens; 0: all (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(
            names = "--top-p",
            defaultValue = "1",
            description = "nucleus sampling threshold (default: ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--repetition-penalty", defaultValue = "1", description = "1: off (default: ${DEFAULT-VALUE})")
    float repetitionPenalty;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the sampler (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop when the text contains this (repeatable)")
    List<String> stops = new ArrayList<>();

    @Option(names = "--ignore-eos", description = "do not stop at the end-of-sequence token")
    boolean ignoreEos;

    @Option(
            names = "--context",
            defaultValue = "0",
            description = "KV cache length in tokens (default: prompt + max tokens, within the model's limit)")
    int context;

    @Option(
            names = "--kv",
            defaultValue = "f16",
            description = "KV cache element type: f16 or f32 (default: ${DEFAULT-VALUE})")
    String kv;

    @Option(
            names = "--dram",
            paramLabel = "SIZE",
            description = "DRAM budget (512MiB, 2GiB; a bare number is MiB), split into resident tensors, KV cache and "
                    + "bundle cache; default: a bundle cache of --cache-fraction")
    String dram;

    @Option(
            names = "--cache",
            defaultValue = "linking",
            description = "bundle cache policy: none, lru, s3fifo, lfu, window, linking (default: ${DEFAULT-VALUE})")
    String cache;

    @Mixin
    CacheBudgetOptions cacheBudget;

    @Option(
            names = "--predictor",
            description = "lowrank, trained (when 'ripple place --predictor trained' stored one) or dense "
                    + "(default: lowrank when the file has one, else dense)")
    String predictor;

    @Option(names = "--json", paramLabel = "FILE", description = "write every figure as JSON")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        validate();
        // settings checked before any import work
        Sampler.Settings sampling = new Sampler.Settings(temperature, topK, topP, repetitionPenalty, seed);
        DType kvType = DType.ofLabel(kv);
        PreparedModel prepared = prepare(err);
        DecoderProbe probe = DecoderProbe.of(prepared.file());
        String chosenPredictor = choosePredictor(probe, err);
        Tokenizer tokenizer = probe.tokenizer().orElse(null);
        int[] ids = promptIds != null ? promptIds : encode(tokenizer);
        int ctx = context > 0 ? context : Math.min(probe.maxPositions(), ids.length + maxTokens);
        if (ids.length >= ctx) {
            throw new IllegalArgumentException("the prompt has " + ids.length + " tokens and the context holds " + ctx
                    + "; give a longer --context (the model takes " + probe.maxPositions() + ")");
        }
        DeviceProfile emulated = io.device != null ? io.deviceProfile() : null;
        MemoryPlan plan = null;
        if (dram != null) {
            try (RippleFile f = RippleFile.open(prepared.file())) {
                plan = MemoryPlan.of(f, probe.config(), parseBytes(dram), ctx, kvType, 1);
            }
        }
        RuntimeOptions options = runtimeOptions(chosenPredictor, emulated, plan);

        Generated g = generate(prepared, options, sampling, tokenizer, ids, ctx, kvType, out);
        out.println();
        GenerationStats stats = GenerationStats.of(g.result());
        MemoryPlan memory = plan != null ? plan : g.memory(probe.config().kvBytesPerToken(kvType) * ctx);
        out.println(summary(stats, memory, chosenPredictor, g.result().stopReason()));
        if (emulated != null) {
            out.printf(
                    "I/O EMULATED: every read took the time of %s (%s); %s%n",
                    emulated.name(), emulated.source(), g.realReads());
        }
        if (json != null) {
            byte[] bytes = JSON.writeValueAsBytes(
                    toJson(prepared, chosenPredictor, io.readerKind(), ids, g.result(), stats, memory));
            AtomicFile.write(json, bytes);
        }
        return 0;
    }

    private void validate() {
        if ((prompt == null) == (promptIds == null)) {
            throw new IllegalArgumentException(
                    "give the prompt as --prompt TEXT or as --prompt-ids 1,2,3 (one of them)");
        }
        if (chatFormat != null && !chat) {
            throw new IllegalArgumentException("--chat-format needs --chat");
        }
        if (chat && prompt == null) {
            throw new IllegalArgumentException("--chat needs --prompt TEXT");
        }
        if (maxTokens < 1 || context < 0 || io.queueDepth < 1) {
            throw new IllegalArgumentException(
                    "--max-tokens and --queue-depth must be positive, --context not negative");
        }
    }

    /** The model as a {@code .ripple} file: given, or imported in its original neuron order (and said so). */
    private PreparedModel prepare(PrintWriter err) throws IOException {
        PreparedModel prepared;
        try (CliProgress bar = CliProgress.start("import " + model.getFileName(), -1, run.quiet)) {
            prepared = PreparedModel.of(model, run.work, DType.F16, l -> bar.stepTo(l + 1));
        }
        if (prepared.imported() && !run.quiet) {
            err.printf(
                    "ripple: %s %s as %s in its original neuron order (no placement: run 'ripple profile' and "
                            + "'ripple place' for one)%n",
                    prepared.placedNow() ? "imported" : "reusing the import of", model, prepared.file());
        }
        return prepared;
    }

    /** --predictor, else the file's low-rank predictor, else dense (and said so). */
    private String choosePredictor(DecoderProbe probe, PrintWriter err) {
        if (predictor == null && !probe.hasPredictor() && !run.quiet) {
            err.println("ripple: the file has no activation predictor, so every neuron is read (dense); 'ripple place' "
                    + "with a profile adds one");
        }
        return predictor != null ? predictor : probe.hasPredictor() ? "lowrank" : "dense";
    }

    private RuntimeOptions runtimeOptions(String chosenPredictor, DeviceProfile emulated, MemoryPlan plan) {
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(io.readerKind())
                .withQueueDepth(io.queueDepth)
                .withPredictor(PredictorKind.parse(chosenPredictor))
                .withCache(cache, cacheBudget.fraction);
        if (emulated != null) {
            options = options.emulating(emulated);
        }
        if (plan != null) {
            options = options.withCacheBytes(plan.cacheBytes() > 0 ? cache : "none", plan.cacheBytes());
        }
        return options;
    }

    /**
     * What one generation gave, and the memory it held.
     *
     * @param realReads where the reads' bytes came from (an emulated device says DRAM or the disk)
     */
    private record Generated(
            Generator.Result result, long residentBytes, long workingBytes, long cacheBytes, String realReads) {
        /** The memory plan of a run without --dram: what it held, with {@code kvBytes} of KV cache. */
        MemoryPlan memory(long kvBytes) {
            return new MemoryPlan(
                    residentBytes + kvBytes + workingBytes + cacheBytes,
                    residentBytes,
                    kvBytes,
                    workingBytes,
                    cacheBytes);
        }
    }

    /** Opens the model, streams the generated text (or ids) to {@code out} as it comes. */
    private Generated generate(
            PreparedModel prepared,
            RuntimeOptions options,
            Sampler.Settings sampling,
            Tokenizer tokenizer,
            int[] ids,
            int ctx,
            DType kvType,
            PrintWriter out)
            throws IOException {
        try (RippleModel m = RippleModel.open(prepared.file(), options)) {
            DecoderModel decoder = m.decoder()
                    .orElseThrow(() -> new IllegalArgumentException(
                            prepared.file() + ": not a decoder (ripple generate runs OPT and Llama-family models)"));
            MutableIntSet stopIds = IntSets.mutable.empty();
            if (!ignoreEos) {
                if (decoder.config().eosId() >= 0) {
                    stopIds.add(decoder.config().eosId());
                }
                if (tokenizer != null) {
                    tokenizer.eosId().ifPresent(stopIds::add);
                }
            }
            Generator.Options go = new Generator.Options(maxTokens, stopIds, stops, sampling);
            Detokenizer detokenizer = tokenizer == null ? null : Detokenizer.of(tokenizer.newIncrementalDecoder(true));
            Generator.Result result;
            try (Session s = decoder.newSession(ctx, kvType)) {
                result = Generator.generate(decoder, s, ids, go, detokenizer, token -> {
                    if (tokenizer != null) {
                        out.print(token.text());
                    } else if (token.id() >= 0) {
                        out.print(token.id() + " ");
                    }
                    out.flush();
                });
            }
            String realReads = m.reader() instanceof EmulatedReader e
                    ? "real reads " + e.realReads()
                    : options.reader().cliName() + " reads from the disk";
            return new Generated(
                    result,
                    MemoryPlan.residentBytes(m.file()),
                    MemoryPlan.workingBytes(m.file(), 1),
                    m.cache().map(c -> c.budgetBytes()).orElse(0L),
                    realReads);
        }
    }

    private int[] encode(Tokenizer tokenizer) throws Exception {
        if (tokenizer == null) {
            throw new IllegalArgumentException(
                    model + ": the model has no tokenizer (tokenizer.json, or vocab.json and "
                            + "merges.txt); give the prompt as --prompt-ids");
        }
        if (!chat) {
            return tokenizer.encode(prompt);
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(new ChatMessage("system", system));
        }
        messages.add(new ChatMessage("user", prompt));
        if (chatFormat != null) {
            return tokenizer.encodeChat(ChatFormat.parse(chatFormat), messages, true);
        }
        try {
            return tokenizer.encodeChat(messages, true);
        } catch (UnsupportedChatTemplateException e) {
            throw new IllegalArgumentException(
                    e.getMessage() + " (ripple generate: --chat-format llama2|llama3|chatml)", e);
        }
    }

    private static String summary(GenerationStats s, MemoryPlan m, String predictor, Generator.StopReason reason) {
        return String.format(
                Locale.ROOT,
                "%d prompt tokens at %.1f tokens/s, first token after %.0f ms; %d generated, "
                        + "decode %.2f tokens/s; I/O per token %.2f ms (p50 %.2f, p99 %.2f), %.1f reads, %s, cache hits %.0f%%; "
                        + "memory: %s; predictor %s; stopped: %s",
                s.promptTokens(),
                s.prefillTokensPerSecond(),
                s.timeToFirstTokenMs(),
                s.generatedTokens(),
                s.decodeTokensPerSecond(),
                s.ioMsMean(),
                s.ioMsP50(),
                s.ioMsP99(),
                s.readsPerToken(),
                kib(s.bytesPerToken()),
                100 * s.cacheHitRate(),
                m,
                predictor,
                reason.name().toLowerCase(Locale.ROOT));
    }

    private static String kib(double bytes) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
    }

    private ObjectNode toJson(
            PreparedModel prepared,
            String chosenPredictor,
            ReaderKind readerKind,
            int[] ids,
            Generator.Result r,
            GenerationStats s,
            MemoryPlan m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", prepared.source().toString());
        root.put("file", prepared.file().toString());
        root.put("placedOnTheFly", prepared.imported());
        root.put("predictor", chosenPredictor);
        root.put("reader", readerKind.cliName());
        root.put("emulatedDevice", io.device == null ? null : io.device);
        root.put("cachePolicy", cache);
        ArrayNode p = root.putArray("promptIds");
        Arrays.stream(ids).forEach(p::add);
        ArrayNode g = root.putArray("generatedIds");
        Arrays.stream(r.generatedIds()).forEach(g::add);
        root.put("text", r.text());
        root.put("stopReason", r.stopReason().name().toLowerCase(Locale.ROOT));
        root.put("promptTokens", s.promptTokens());
        root.put("generatedTokens", s.generatedTokens());
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
        ObjectNode mem = root.putObject("memory");
        mem.put("budgetBytes", m.budgetBytes());
        mem.put("residentBytes", m.residentBytes());
        mem.put("kvCacheBytes", m.kvCacheBytes());
        mem.put("workingBytes", m.workingBytes());
        mem.put("cacheBytes", m.cacheBytes());
        ArrayNode steps = root.putArray("steps");
        for (StepCost c : r.steps()) {
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

    /** {@code 512MiB}, {@code 2GiB}, {@code 1.5g}, or a bare number of MiB. */
    static long parseBytes(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
        long unit = 1L << 20;
        String number = s;
        for (String[] u : new String[][] {
            {"gib", "30"},
            {"gb", "30"},
            {"g", "30"},
            {"mib", "20"},
            {"mb", "20"},
            {"m", "20"},
            {"kib", "10"},
            {"kb", "10"},
            {"k", "10"}
        }) {
            if (s.endsWith(u[0])) {
                unit = 1L << Integer.parseInt(u[1]);
                number = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        try {
            double v = Double.parseDouble(number);
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--dram '" + text + "' is not a size (e.g. 512MiB, 2GiB, or MiB as a number)");
        }
    }

    /** What generate needs to know of a file before opening the runtime. */
    record DecoderProbe(DecoderConfig config, boolean hasPredictor, Optional<Tokenizer> tokenizer) {
        static DecoderProbe of(Path file) throws Exception {
            try (RippleFile f = RippleFile.open(file)) {
                if (!DecoderConfig.isDecoder(f.architecture())) {
                    throw new IllegalArgumentException(
                            file + ": not a decoder (ripple generate runs OPT and Llama-family "
                                    + "models; this file holds '"
                                    + f.architecture().path("type").asText() + "')");
                }
                return new DecoderProbe(
                        DecoderConfig.fromJson(f.architecture()),
                        LowRankPredictor.isStoredIn(f),
                        RippleModel.tokenizerOf(f));
            }
        }

        int maxPositions() {
            return config.maxPositions();
        }
    }
}
