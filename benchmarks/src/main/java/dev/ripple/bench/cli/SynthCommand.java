package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.importer.gguf.GgmlType;
import dev.ripple.placement.importer.gguf.GgufVocabulary;
import dev.ripple.placement.synthetic.DecoderOnnxExporter;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import dev.ripple.placement.synthetic.SyntheticGgufWriter;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import dev.ripple.placement.synthetic.WorkloadShape;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple synth}: a generated decoder checkpoint (random weights at a real model's shape,
 * Hugging Face names and config.json), with a real tokenizer beside it so that text runs through
 * it, and optionally its ONNX Runtime reference graph. No real decoder weights can be downloaded
 * where this project is built and tested; every figure measured on such a model must say
 * "generated weights" (docs/SYNTHETIC.md).
 */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description =
                "Write a generated decoder checkpoint (random weights, a real model's shape, Hugging Face names) with "
                        + "a real tokenizer beside it, or a GGUF file of it (--format gguf): for tests and benchmarks where no real "
                        + "decoder can be downloaded.")
final class SynthCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The shapes a user can ask for by name. */
    static final Map<String, Supplier<SyntheticDecoder>> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("opt-125m", SyntheticDecoder::opt125m);
        PRESETS.put("opt-350m", SyntheticDecoder::opt350m);
        PRESETS.put(
                "tinyllama-1.1b",
                () -> SyntheticDecoder.llama(22, 2048, 5632, 32, 4, 32000).withMaxPositions(2048));
        PRESETS.put("llama-2-7b", SyntheticDecoder::llama2_7b);
        PRESETS.put("llama-3.1-8b", SyntheticDecoder::llama31_8b);
        PRESETS.put("qwen2-0.5b", SyntheticDecoder::qwen2_0_5b);
        PRESETS.put("tiny-opt", SyntheticDecoder::tinyOpt);
        PRESETS.put("tiny-llama", SyntheticDecoder::tinyLlama);
    }

    @Option(
            names = "--preset",
            description = "the shape: ${COMPLETION-CANDIDATES}",
            completionCandidates = Presets.class)
    String preset;

    @Option(
            names = "--workload",
            paramLabel = "SHAPE",
            description =
                    "instead of a checkpoint, a synthetic workload at the papers' "
                            + "scale: an FFN-only model file and activation traces in the shape opt-6.7b (or tiny), --layers layers (default 8), "
                            + "--active share active (default 0.05); every figure from it is labelled 'synthetic workload' (docs/SYNTHETIC.md)")
    String workload;

    @Option(
            names = "--calibration-tokens",
            description = "with --workload: tokens of the calibration trace (default: 4000)")
    Integer calibrationTokens;

    @Option(names = "--heldout-tokens", description = "with --workload: tokens of the held-out trace (default: 400)")
    Integer heldOutTokens;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR|FILE",
            description = "the checkpoint or workload directory to write (with --format gguf: the .gguf file)")
    Path out;

    @Option(
            names = "--format",
            defaultValue = "safetensors",
            description =
                    "safetensors (a Hugging Face checkpoint directory) or gguf (one llama.cpp file, Llama shapes) "
                            + "(default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--layers", description = "keep only this many layers (a smaller model of the same width)")
    Integer layers;

    @Option(names = "--vocab", description = "vocabulary size (default: the preset's; at least the tokenizer's)")
    Integer vocab;

    @Option(names = "--positions", description = "longest context (default: the preset's)")
    Integer positions;

    @Option(names = "--hidden-act", description = "llama family: silu, relu, fatrelu or drelu (default: the preset's)")
    String hiddenAct;

    @Option(names = "--active", description = "plant this share of active FFN neurons (relu OPT, fatrelu, drelu)")
    Double active;

    @Option(
            names = "--clusters",
            defaultValue = "0",
            description = "groups of neurons that fire together (default: none)")
    int clusters;

    @Option(
            names = "--dtype",
            defaultValue = "f16",
            description =
                    "f32, f16 or bf16; with --format gguf the matrices' type: f32, f16, q8_0 or q4_0 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--shards", defaultValue = "1", description = "safetensors shards (default: ${DEFAULT-VALUE})")
    int shards;

    @Option(names = "--seed", defaultValue = "1", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--tokenizer",
            description = "gpt2, llama2, llama3 or none (default: gpt2 for OPT, llama2 or llama3 by vocabulary size)")
    String tokenizer;

    @Option(
            names = "--onnx",
            paramLabel = "FILE",
            description = "also export the ONNX Runtime reference graph (models up to ~500M parameters)")
    Path onnx;

    @Spec
    CommandSpec spec;

    static final class Presets implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return PRESETS.keySet().iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if ((preset == null) == (workload == null)) {
            throw new IllegalArgumentException(
                    "give --preset (a decoder checkpoint) or --workload (a synthetic workload), one of them");
        }
        if (workload != null) {
            return workload(o);
        }
        Supplier<SyntheticDecoder> p = PRESETS.get(preset);
        if (p == null) {
            throw new IllegalArgumentException(
                    "unknown --preset '" + preset + "' (known: " + String.join(", ", PRESETS.keySet()) + ")");
        }
        SyntheticDecoder s = p.get().withSeed(seed);
        if (layers != null) {
            s = s.withNumLayers(layers);
        }
        if (vocab != null) {
            s = s.withVocabSize(vocab);
        }
        if (positions != null) {
            s = s.withMaxPositions(positions);
        }
        if (hiddenAct != null && !(s.family() == SyntheticDecoder.Family.OPT && hiddenAct.equals("relu"))) {
            s = s.withHiddenAct(hiddenAct); // OPT is always relu
        }
        if (active != null) {
            s = s.withActiveFraction(active);
        }
        if (clusters > 0) {
            s = s.withClusters(clusters);
        }
        String tok = tokenizer != null
                ? tokenizer.toLowerCase(Locale.ROOT)
                : s.family() == SyntheticDecoder.Family.OPT ? "gpt2" : s.vocabSize() >= 128000 ? "llama3" : "llama2";
        switch (format.toLowerCase(Locale.ROOT)) {
            case "safetensors" -> {}
            case "gguf" -> {
                return writeGguf(o, s, tokenizer != null ? tok : "llama2");
            }
            default -> throw new IllegalArgumentException("--format must be safetensors or gguf, not '" + format + "'");
        }
        SyntheticDecoderWriter.write(s, out, dtype.toUpperCase(Locale.ROOT), shards);
        String note = attachTokenizer(tok, s.vocabSize());
        long params = s.parameterCount();
        o.printf(
                Locale.ROOT,
                "wrote %s: generated weights (seed %d) in the shape of %s, %,d parameters, %s%s%n",
                out,
                seed,
                preset + (layers != null ? " cut to " + layers + " layers" : ""),
                params,
                dtype,
                note);
        if (onnx != null) {
            DecoderOnnxExporter.export(out, onnx);
            o.printf("wrote %s: the same weights as an ONNX graph with a KV cache, for ONNX Runtime%n", onnx);
        }
        return 0;
    }

    /** {@code --workload}: the files, then the first layer's activity against the papers' figures. */
    private int workload(PrintWriter o) throws IOException {
        SyntheticWorkload.Spec w = SyntheticWorkload.Spec.preset(workload, layers != null ? layers : 8)
                .withSeed(seed);
        if (active != null) {
            w = w.withActiveFraction(active);
        }
        w = w.withTokens(
                calibrationTokens != null ? calibrationTokens : w.calibrationTokens(),
                heldOutTokens != null ? heldOutTokens : w.heldOutTokens());
        try (CliProgress bar = CliProgress.start("write the synthetic workload", w.layers(), false)) {
            SyntheticWorkload.write(w, out, l -> bar.stepTo(l + 1));
        }
        o.printf(
                Locale.ROOT,
                "wrote %s: %s (generated weights and activity), %s-shaped FFN, %d layers x %d x %d, %s bundles of %d B, "
                        + "%.2f GB; %d calibration and %d held-out tokens%n",
                out,
                SyntheticWorkload.LABEL,
                w.name(),
                w.layers(),
                w.dModel(),
                w.dFfn(),
                w.dtype().label(),
                w.layer(0).bundleBytes(),
                w.ffnBytes() / 1e9,
                w.calibrationTokens(),
                w.heldOutTokens());
        WorkloadShape shape;
        try (CliProgress bar = CliProgress.start("measure layer 0 against the papers' figures", -1, false)) {
            shape = WorkloadShape.of(w.withLayers(1));
        }
        o.printf("layer 0 of the %s:%n%s%n", SyntheticWorkload.LABEL, shape.describe());
        return 0;
    }

    /**
     * {@code --format gguf}: the model as one GGUF file with the Llama 2 SentencePiece vocabulary,
     * streamed (a 7B Q4_0 file, 3.79 GB, wrote in 116 s with a 128 MiB heap in the slow test
     * {@code SyntheticGgufHeapTest}).
     */
    private int writeGguf(PrintWriter o, SyntheticDecoder s, String tok) throws IOException {
        GgmlType type = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32" -> GgmlType.F32;
            case "f16" -> GgmlType.F16;
            case "q8_0" -> GgmlType.Q8_0;
            case "q4_0" -> GgmlType.Q4_0;
            default ->
                throw new IllegalArgumentException(
                        "--dtype '" + dtype + "' is not written to GGUF (f32, f16, q8_0, q4_0)");
        };
        if (shards != 1 || onnx != null) {
            throw new IllegalArgumentException("--shards and --onnx apply to --format safetensors");
        }
        GgufVocabulary vocabulary = switch (tok) {
            case "none" -> null;
            case "llama2" ->
                GgufVocabulary.fromSentencePieceJson(resource("/ripple-tokenizer-data/llama2/tokenizer.json"));
            default ->
                throw new IllegalArgumentException(
                        "--format gguf writes the llama2 vocabulary or none, not '" + tok + "'");
        };
        if (vocabulary != null && vocabulary.size() != s.vocabSize()) {
            throw new IllegalArgumentException(
                    "the llama2 vocabulary has " + vocabulary.size() + " tokens and GGUF needs as many "
                            + "embedding rows; this model has " + s.vocabSize() + " (use --vocab " + vocabulary.size()
                            + " or --tokenizer none)");
        }
        long size = SyntheticGgufWriter.write(
                s, out, type, vocabulary, preset + (layers != null ? "-" + layers + "l" : ""));
        o.printf(
                Locale.ROOT,
                "wrote %s: generated weights (seed %d) in the shape of %s, %,d parameters, GGUF %s matrices, %s%s%n",
                out,
                seed,
                preset + (layers != null ? " cut to " + layers + " layers" : ""),
                s.parameterCount(),
                type,
                InspectCommand.bytes(size),
                vocabulary == null
                        ? ", no vocabulary (run it with --prompt-ids)"
                        : ", vocabulary llama2 (" + vocabulary.size() + " tokens)");
        return 0;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SynthCommand.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(
                        "tokenizer resource " + name + " is not on the class path (module tokenizer-data)");
            }
            return in.readAllBytes();
        }
    }

    /** Copies a real tokenizer beside the weights and points the config's BOS/EOS at its tokens. */
    private String attachTokenizer(String which, int vocab) throws IOException {
        switch (which) {
            case "none" -> {
                return ", no tokenizer (run it with --prompt-ids)";
            }
            case "gpt2" -> {
                copy("/ripple-tokenizer-data/gpt2/encoder.json", out.resolve("vocab.json"));
                copy("/ripple-tokenizer-data/gpt2/vocab.bpe", out.resolve("merges.txt"));
                write(
                        out.resolve("tokenizer_config.json"),
                        "{\"bos_token\": \"<|endoftext|>\", \"eos_token\": \"<|endoftext|>\","
                                + " \"unk_token\": \"<|endoftext|>\", \"add_bos_token\": true, \"add_prefix_space\": false}");
            }
            case "llama2", "llama3" -> {
                copy("/ripple-tokenizer-data/" + which + "/tokenizer.json", out.resolve("tokenizer.json"));
                copy(
                        "/ripple-tokenizer-data/" + which + "/tokenizer_config.json",
                        out.resolve("tokenizer_config.json"));
            }
            default ->
                throw new IllegalArgumentException(
                        "--tokenizer must be gpt2, llama2, llama3 or none, not '" + which + "'");
        }
        Tokenizer t = Tokenizer.fromDirectory(out);
        if (t.vocabSize() > vocab) {
            throw new IllegalArgumentException("the " + which + " tokenizer has " + t.vocabSize()
                    + " tokens, more than the " + "model's vocabulary of " + vocab + "; choose another --tokenizer");
        }
        ObjectNode config =
                (ObjectNode) JSON.readTree(out.resolve("config.json").toFile());
        t.bosId().ifPresent(id -> config.put("bos_token_id", id));
        t.eosId().ifPresent(id -> config.put("eos_token_id", id));
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config);
        AtomicFile.write(out.resolve("config.json"), bytes);
        return ", tokenizer " + which + " (" + t.vocabSize() + " tokens)";
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = SynthCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(
                        "tokenizer resource " + resource + " is not on the class path (module tokenizer-data)");
            }
            byte[] bytes = in.readAllBytes();
            AtomicFile.write(to, bytes);
        }
    }

    private static void write(Path to, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(to, bytes);
    }
}
