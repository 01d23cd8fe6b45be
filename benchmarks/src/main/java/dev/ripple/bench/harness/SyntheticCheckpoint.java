package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.synthetic.DecoderOnnxExporter;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A generated decoder checkpoint (random weights at a real model's shape, Hugging Face names and
 * config.json) with a real tokenizer beside it, and optionally its ONNX Runtime reference graph.
 * No real decoder weights can be downloaded where this project is built and tested; every figure
 * measured on such a model must say "generated weights" (docs/SYNTHETIC.md).
 *
 * <pre>{@code
 * SyntheticDecoder s = SyntheticCheckpoint.preset("tiny-opt").withVocabSize(50272).withSeed(1); // room for GPT-2's tokens
 * SyntheticCheckpoint c = SyntheticCheckpoint.write(s, Path.of("tiny-opt"), "F16", 1, SyntheticVocabulary.GPT2, null);
 * }</pre>
 *
 * @param dir           the checkpoint directory
 * @param decoder       the shape and seed of its weights
 * @param dtype         the weights' type in the safetensors files
 * @param vocabulary    the tokenizer beside it
 * @param tokenizerSize the tokenizer's tokens, 0 without one
 * @param onnx          the ONNX graph written too, or null
 */
public record SyntheticCheckpoint(
        Path dir,
        SyntheticDecoder decoder,
        String dtype,
        SyntheticVocabulary vocabulary,
        int tokenizerSize,
        Path onnx) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** GPT-2's tokenizer_config.json as an OPT checkpoint has it: {@code <|endoftext|>} is BOS, EOS and UNK. */
    private static final String GPT2_CONFIG = "{\"bos_token\": \"<|endoftext|>\", \"eos_token\": \"<|endoftext|>\","
            + " \"unk_token\": \"<|endoftext|>\", \"add_bos_token\": true, \"add_prefix_space\": false}";

    private static final Map<String, Supplier<SyntheticDecoder>> PRESETS = new LinkedHashMap<>();

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

    /** The shapes a user can ask for by name. */
    public static List<String> presets() {
        return List.copyOf(PRESETS.keySet());
    }

    /**
     * The inputs of {@link #preset} and {@link #write} a rule can be about, as {@link
     * InvalidBenchSettingsException} names them: the preset's name, the vocabulary written beside the
     * weights, and the decoder's {@code vocabSize} it must fit in.
     */
    public enum Input implements InvalidBenchSettingsException.Setting {
        PRESET,
        VOCABULARY,
        VOCAB_SIZE
    }

    /** The rules of {@link #preset} and {@link #write}, typed by {@link Input}: another's input does not compile. */
    private static final InvalidBenchSettingsException.Rules<Input, InvalidBenchSettingsException> RULES =
            InvalidBenchSettingsException.rules();

    /**
     * The shape named {@code name}.
     *
     * @throws InvalidBenchSettingsException about {@link Input#PRESET}: no shape has that name
     */
    public static SyntheticDecoder preset(String name) {
        Supplier<SyntheticDecoder> p = PRESETS.get(name);
        if (p == null) {
            throw RULES.refuse(
                    Input.PRESET,
                    n -> "unknown " + n.apply(Input.PRESET) + " '" + name + "' (known: "
                            + String.join(", ", PRESETS.keySet()) + ")");
        }
        return p.get();
    }

    /**
     * Writes the checkpoint into {@code dir}, the vocabulary's files beside it (the config's BOS/EOS
     * pointed at its tokens), and the ONNX graph to {@code onnx} unless it is null. The vocabulary is
     * read and checked before anything is written, so a refused one leaves no half checkpoint.
     *
     * @throws InvalidBenchSettingsException about {@link Input#VOCABULARY}: the vocabulary has more
     *     tokens than the decoder's {@code vocabSize}, so some of its ids would have no embedding row
     */
    public static SyntheticCheckpoint write(
            SyntheticDecoder decoder, Path dir, String dtype, int shards, SyntheticVocabulary vocabulary, Path onnx)
            throws IOException {
        Map<String, byte[]> files = vocabulary == SyntheticVocabulary.NONE ? Map.of() : tokenizerFiles(vocabulary);
        Tokenizer tokenizer = files.isEmpty() ? null : read(files);
        if (tokenizer != null && tokenizer.vocabSize() > decoder.vocabSize()) {
            int tokens = tokenizer.vocabSize();
            throw RULES.refuse(
                    Input.VOCABULARY,
                    n -> "the " + vocabulary.label() + " tokenizer has " + tokens
                            + " tokens, more than the model's vocabulary of " + decoder.vocabSize()
                            + "; choose another "
                            + n.apply(Input.VOCABULARY) + " or a " + n.apply(Input.VOCAB_SIZE) + " of at least "
                            + tokens);
        }
        SyntheticDecoderWriter.write(decoder, dir, dtype, shards);
        if (tokenizer != null) {
            attach(files, tokenizer, dir);
        }
        if (onnx != null) {
            DecoderOnnxExporter.export(dir, onnx);
        }
        return new SyntheticCheckpoint(
                dir, decoder, dtype, vocabulary, tokenizer == null ? 0 : tokenizer.vocabSize(), onnx);
    }

    /**
     * Tokens of {@code vocabulary}'s tokenizer, 0 for none: the least vocabulary size a decoder
     * written with it may have, so that a front end can size a preset's vocabulary to it.
     */
    public static int tokens(SyntheticVocabulary vocabulary) throws IOException {
        return vocabulary == SyntheticVocabulary.NONE
                ? 0
                : read(tokenizerFiles(vocabulary)).vocabSize();
    }

    /** The tokenizer's files as a checkpoint directory holds them, by file name. */
    private static Map<String, byte[]> tokenizerFiles(SyntheticVocabulary which) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (which == SyntheticVocabulary.GPT2) {
            files.put("vocab.json", which.resource("encoder.json"));
            files.put("merges.txt", which.resource("vocab.bpe"));
            files.put("tokenizer_config.json", GPT2_CONFIG.getBytes(StandardCharsets.UTF_8));
        } else {
            files.put("tokenizer.json", which.resource("tokenizer.json"));
            files.put("tokenizer_config.json", which.resource("tokenizer_config.json"));
        }
        return files;
    }

    /** The tokenizer those files make, read as {@link Tokenizer#fromDirectory} would read them. */
    private static Tokenizer read(Map<String, byte[]> files) throws IOException {
        byte[] config = files.get("tokenizer_config.json");
        return files.containsKey("tokenizer.json")
                ? Tokenizer.fromJson(files.get("tokenizer.json"), config)
                : Tokenizer.fromVocabAndMerges(files.get("vocab.json"), files.get("merges.txt"), config);
    }

    /** Writes the tokenizer's files into {@code dir} and points the config's BOS/EOS at its tokens. */
    private static void attach(Map<String, byte[]> files, Tokenizer t, Path dir) throws IOException {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            AtomicFile.write(dir.resolve(f.getKey()), f.getValue());
        }
        ObjectNode config =
                (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        t.bosId().ifPresent(id -> config.put("bos_token_id", id));
        t.eosId().ifPresent(id -> config.put("eos_token_id", id));
        AtomicFile.write(
                dir.resolve("config.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
    }
}
