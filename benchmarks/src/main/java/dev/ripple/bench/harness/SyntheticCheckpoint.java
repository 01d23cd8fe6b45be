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
 * SyntheticDecoder s = SyntheticCheckpoint.preset("tiny-opt").withSeed(1);
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

    /** The shape named {@code name}. */
    public static SyntheticDecoder preset(String name) {
        Supplier<SyntheticDecoder> p = PRESETS.get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    "unknown --preset '" + name + "' (known: " + String.join(", ", PRESETS.keySet()) + ")");
        }
        return p.get();
    }

    /**
     * Writes the checkpoint into {@code dir}, the vocabulary's files beside it (the config's BOS/EOS
     * pointed at its tokens), and the ONNX graph to {@code onnx} unless it is null.
     */
    public static SyntheticCheckpoint write(
            SyntheticDecoder decoder, Path dir, String dtype, int shards, SyntheticVocabulary vocabulary, Path onnx)
            throws IOException {
        SyntheticDecoderWriter.write(decoder, dir, dtype, shards);
        int tokenizerSize = vocabulary == SyntheticVocabulary.NONE ? 0 : attach(vocabulary, dir, decoder.vocabSize());
        if (onnx != null) {
            DecoderOnnxExporter.export(dir, onnx);
        }
        return new SyntheticCheckpoint(dir, decoder, dtype, vocabulary, tokenizerSize, onnx);
    }

    /** Copies the tokenizer's files into {@code dir} and points the config's BOS/EOS at its tokens; its size. */
    private static int attach(SyntheticVocabulary which, Path dir, int vocab) throws IOException {
        if (which == SyntheticVocabulary.GPT2) {
            AtomicFile.write(dir.resolve("vocab.json"), which.resource("encoder.json"));
            AtomicFile.write(dir.resolve("merges.txt"), which.resource("vocab.bpe"));
            AtomicFile.write(
                    dir.resolve("tokenizer_config.json"),
                    ("{\"bos_token\": \"<|endoftext|>\", \"eos_token\": \"<|endoftext|>\","
                                    + " \"unk_token\": \"<|endoftext|>\", \"add_bos_token\": true, \"add_prefix_space\": false}")
                            .getBytes(StandardCharsets.UTF_8));
        } else {
            AtomicFile.write(dir.resolve("tokenizer.json"), which.resource("tokenizer.json"));
            AtomicFile.write(dir.resolve("tokenizer_config.json"), which.resource("tokenizer_config.json"));
        }
        Tokenizer t = Tokenizer.fromDirectory(dir);
        if (t.vocabSize() > vocab) {
            throw new IllegalArgumentException("the " + which.label() + " tokenizer has " + t.vocabSize()
                    + " tokens, more than the model's vocabulary of " + vocab + "; choose another --tokenizer");
        }
        ObjectNode config =
                (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        t.bosId().ifPresent(id -> config.put("bos_token_id", id));
        t.eosId().ifPresent(id -> config.put("eos_token_id", id));
        AtomicFile.write(
                dir.resolve("config.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
        return t.vocabSize();
    }
}
