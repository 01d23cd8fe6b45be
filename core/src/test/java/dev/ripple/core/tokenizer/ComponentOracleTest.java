package dev.ripple.core.tokenizer;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.testing.Europarl;
import dev.ripple.core.tokenizer.TokenizerData.Vocab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every component this tokenizer implements, in configurations the real files do not use, against
 * the oracle: each case edits a real tokenizer.json (or builds a small consistent one) and compares
 * ids and decoded text on edge cases, random Unicode and Europarl lines. Covers Metaspace in its
 * three prepend schemes (the modern Llama 2 / Mistral files), added-token flags, Split behaviours,
 * Digits, Punctuation, Whitespace, the normalizers, post-processors, decoders, unknown tokens
 * without byte fallback, classic BPE with a word-end suffix or a continuation prefix, WordLevel.
 */
class ComponentOracleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 0x5EED_0002L;

    private static final Map<Vocab, ObjectNode> BASE = new EnumMap<>(Vocab.class);

    /** A fresh copy of a real tokenizer.json (each read once). */
    static synchronized ObjectNode read(Vocab v) {
        return BASE.computeIfAbsent(v, k -> {
                    try {
                        return (ObjectNode) JSON.readTree(k.tokenizerJson());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .deepCopy();
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode edit(Vocab v, Consumer<ObjectNode> change) {
        ObjectNode root = read(v);
        change.accept(root);
        return root;
    }

    static Arguments of(String name, ObjectNode root) {
        return Arguments.of(name, root);
    }

    static final String SPECIAL = "{\"SpecialToken\":{\"id\":\"%s\",\"type_id\":0}}";
    static final String SEQ_A = "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}";
    static final String SEQ_B = "{\"Sequence\":{\"id\":\"B\",\"type_id\":1}}";
    static final String METASPACE =
            "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"%s\",\"split\":%s}";

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        // Llama 2 / Mistral files written by recent transformers: no normalizer, Metaspace pre-tokenizer
        for (String scheme : new String[] {"first", "always", "never"}) {
            for (boolean split : new boolean[] {false, true}) {
                cases.add(of("llama2 metaspace " + scheme + " split " + split, edit(Vocab.LLAMA2, r -> {
                    r.putNull("normalizer");
                    r.set("pre_tokenizer", json(String.format(METASPACE, scheme, split)));
                    r.set("decoder", json(String.format(METASPACE, scheme, split)));
                })));
            }
        }
        cases.add(of("llama2 legacy metaspace add_prefix_space", edit(Vocab.LLAMA2, r -> {
            r.putNull("normalizer");
            r.set(
                    "pre_tokenizer",
                    json(
                            "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"add_prefix_space\":true,\"str_rep\":\"\u2581\"}"));
        })));
        cases.add(of("llama2 unk without byte fallback, fused", edit(Vocab.LLAMA2, r -> {
            ((ObjectNode) r.get("model")).put("byte_fallback", false).put("fuse_unk", true);
        })));
        cases.add(of("llama2 unk without byte fallback, not fused", edit(Vocab.LLAMA2, r -> {
            ((ObjectNode) r.get("model")).put("byte_fallback", false).put("fuse_unk", false);
        })));
        cases.add(of("llama2 eos template, strip decoder", edit(Vocab.LLAMA2, r -> {
            r.set(
                    "post_processor",
                    json(
                            "{\"type\":\"TemplateProcessing\",\"single\":[" + SPECIAL.formatted("<s>") + "," + SEQ_A
                                    + ","
                                    + SPECIAL.formatted("</s>") + "],\"pair\":[" + SEQ_A + ","
                                    + SPECIAL.formatted("</s>") + "," + SEQ_B + "],"
                                    + "\"special_tokens\":{\"<s>\":{\"id\":\"<s>\",\"ids\":[1],\"tokens\":[\"<s>\"]},\"</s>\":{\"id\":\"</s>\",\"ids\":[2],\"tokens\":[\"</s>\"]}}}"));
            r.set(
                    "decoder",
                    json(
                            "{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"\u2581+\"},\"content\":\" \"},"
                                    + "{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},{\"type\":\"Strip\",\"content\":\" \",\"start\":2,\"stop\":0}]}"));
        })));
        cases.add(of("llama3 added token flags and a normalized added word", edit(Vocab.LLAMA3, r -> {
            ArrayNode added = (ArrayNode) r.get("added_tokens");
            ((ObjectNode) added.get(0)).put("lstrip", true);
            ((ObjectNode) added.get(1)).put("rstrip", true);
            ((ObjectNode) added.get(2)).put("single_word", true).put("normalized", true);
            for (JsonNode t : added) {
                if (t.get("content").asText().equals("<|eot_id|>")) {
                    ((ObjectNode) t).put("lstrip", true).put("rstrip", true);
                }
            }
            added.addObject()
                    .put("id", 128256)
                    .put("content", "Parliament")
                    .put("single_word", true)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", true)
                    .put("special", false);
            added.addObject()
                    .put("id", 128257)
                    .put("content", " the")
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", true)
                    .put("normalized", false)
                    .put("special", false);
            r.set(
                    "post_processor",
                    json(
                            "{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<|begin_of_text|>\",\"type_id\":0}},"
                                    + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],\"pair\":[],\"special_tokens\":{\"<|begin_of_text|>\":{\"id\":\"<|begin_of_text|>\","
                                    + "\"ids\":[128000],\"tokens\":[\"<|begin_of_text|>\"]}}}"));
        })));
        cases.add(of(
                "llama3 without ignore_merges",
                edit(Vocab.LLAMA3, r -> ((ObjectNode) r.get("model")).put("ignore_merges", false))));
        cases.add(of("gpt2 prefix space, roberta processing", edit(Vocab.GPT2, r -> {
            ((ObjectNode) r.get("pre_tokenizer")).put("add_prefix_space", true);
            r.set(
                    "post_processor",
                    json(
                            "{\"type\":\"RobertaProcessing\",\"sep\":[\"<|endoftext|>\",50256],\"cls\":[\"<|endoftext|>\",50256],"
                                    + "\"trim_offsets\":true,\"add_prefix_space\":true}"));
        })));
        String[] behaviors = {"Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"};
        for (int k = 0; k < behaviors.length; k++) {
            String b = behaviors[k];
            boolean invert = k % 2 == 1;
            String punctuation = behaviors[(k + 2) % 5];
            cases.add(of(
                    "gpt2 split " + b + " invert " + invert + ", punctuation, digits",
                    edit(
                            Vocab.GPT2,
                            r -> r.set(
                                    "pre_tokenizer",
                                    json(
                                            "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\s+|[.,!?]\"},\"behavior\":\""
                                                    + b + "\",\"invert\":" + invert
                                                    + "},{\"type\":\"Split\",\"pattern\":{\"String\":\"e\"},\"behavior\":\""
                                                    + b
                                                    + "\",\"invert\":" + !invert
                                                    + "},{\"type\":\"Punctuation\",\"behavior\":\"" + punctuation
                                                    + "\"},"
                                                    + "{\"type\":\"Digits\",\"individual_digits\":" + invert
                                                    + "},{\"type\":\"ByteLevel\",\"add_prefix_space\":"
                                                    + invert + ",\"trim_offsets\":true,\"use_regex\":" + !invert
                                                    + "}]}")))));
        }
        cases.add(
                of(
                        "gpt2 whitespace, char delimiter",
                        edit(
                                Vocab.GPT2,
                                r -> r.set(
                                        "pre_tokenizer",
                                        json(
                                                "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"CharDelimiterSplit\",\"delimiter\":\"o\"},{\"type\":\"Whitespace\"},"
                                                        + "{\"type\":\"WhitespaceSplit\"},{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":false}]}")))));
        cases.add(
                of(
                        "gpt2 normalizers",
                        edit(
                                Vocab.GPT2,
                                r -> r.set(
                                        "normalizer",
                                        json(
                                                "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKC\"},{\"type\":\"Lowercase\"},{\"type\":\"Strip\",\"strip_left\":true,"
                                                        + "\"strip_right\":false},{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"\\\\s+\"},\"content\":\" \"},"
                                                        + "{\"type\":\"Replace\",\"pattern\":{\"String\":\"the\"},\"content\":\"THE\"},{\"type\":\"Prepend\",\"prepend\":\"> \"},"
                                                        + "{\"type\":\"NFD\"},{\"type\":\"StripAccents\"},{\"type\":\"NFC\"}]}")))));
        cases.add(of("gpt2 byte-level normalizer and pre-tokenizer sequence", edit(Vocab.GPT2, r -> {
            r.set("normalizer", json("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKD\"}]}"));
            r.set(
                    "post_processor",
                    json("{\"type\":\"Sequence\",\"processors\":[{\"type\":\"ByteLevel\",\"add_prefix_space\":false,"
                            + "\"trim_offsets\":false,\"use_regex\":true},{\"type\":\"TemplateProcessing\",\"single\":["
                            + SEQ_A + ","
                            + SPECIAL.formatted("<|endoftext|>") + "],\"pair\":[" + SEQ_A + "," + SEQ_B
                            + "],\"special_tokens\":"
                            + "{\"<|endoftext|>\":{\"id\":\"<|endoftext|>\",\"ids\":[50256],\"tokens\":[\"<|endoftext|>\"]}}},"
                            + "{\"type\":\"BertProcessing\",\"sep\":[\"<|endoftext|>\",50256],\"cls\":[\"!\",0]}]}"));
        })));
        cases.add(of("minilm bert processing, no cleanup, no accents stripped", edit(Vocab.MINILM, r -> {
            r.set(
                    "post_processor",
                    json("{\"type\":\"BertProcessing\",\"sep\":[\"[SEP]\",102],\"cls\":[\"[CLS]\",101]}"));
            r.set("decoder", json("{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":false}"));
            r.set(
                    "normalizer",
                    json("{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":false,"
                            + "\"strip_accents\":false,\"lowercase\":true}"));
            ((ObjectNode) r.get("model")).put("max_input_chars_per_word", 12);
        })));
        cases.add(of("wordlevel over MiniLM's words", wordLevel()));
        cases.add(of("classic bpe with end-of-word suffix", classicBpe(false)));
        cases.add(of("bpe with continuing-subword prefix", classicBpe(true)));
        return cases.stream();
    }

    /** WordLevel over the MiniLM words without ##, Whitespace pre-tokenizer, a WordPiece-less decoder. */
    static ObjectNode wordLevel() {
        ObjectNode r = read(Vocab.MINILM);
        ObjectNode model = (ObjectNode) r.get("model");
        ObjectNode vocab = JSON.createObjectNode();
        model.get("vocab").properties().forEach(e -> {
            if (!e.getKey().startsWith("##")) {
                vocab.set(e.getKey(), e.getValue());
            }
        });
        ObjectNode m = JSON.createObjectNode().put("type", "WordLevel").put("unk_token", "[UNK]");
        m.set("vocab", vocab);
        r.set("model", m);
        r.set("pre_tokenizer", json("{\"type\":\"Whitespace\"}"));
        r.putNull("decoder");
        return r;
    }

    /**
     * A small consistent BPE: single letters (and, for the suffix variant, letters with {@code </w>};
     * for the prefix variant, {@code ##} letters) and 400 random merges of existing tokens.
     */
    static ObjectNode classicBpe(boolean prefix) {
        SplittableRandom r = new SplittableRandom(SEED + (prefix ? 1 : 0));
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("<unk>", 0);
        List<String> starts = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            String s = Character.toString(c);
            vocab.put(s, vocab.size());
            starts.add(s);
            String other = prefix ? "##" + s : s + "</w>";
            vocab.put(other, vocab.size());
            rest.add(other);
        }
        ArrayNode merges = JSON.createArrayNode();
        for (int i = 0; i < 400; i++) {
            String a = r.nextBoolean() ? starts.get(r.nextInt(starts.size())) : rest.get(r.nextInt(rest.size()));
            String b = rest.get(r.nextInt(rest.size()));
            if (!prefix && a.endsWith("</w>")) {
                continue;
            }
            String merged = a + (prefix ? b.substring(2) : b);
            if (merged.length() > 12) {
                continue;
            }
            vocab.putIfAbsent(merged, vocab.size());
            (a.startsWith("##") || !prefix && !starts.contains(a) && !merged.endsWith("</w>") ? rest : starts)
                    .add(merged);
            merges.add(a + " " + b);
        }
        ObjectNode root = JSON.createObjectNode().put("version", "1.0");
        root.set("pre_tokenizer", json("{\"type\":\"Whitespace\"}"));
        root.set("normalizer", json("{\"type\":\"Lowercase\"}"));
        root.set(
                "decoder",
                json(
                        prefix
                                ? "{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true}"
                                : "{\"type\":\"BPEDecoder\",\"suffix\":\"</w>\"}"));
        ObjectNode model = root.putObject("model").put("type", "BPE").put("unk_token", "<unk>");
        if (prefix) {
            model.put("continuing_subword_prefix", "##");
        } else {
            model.put("end_of_word_suffix", "</w>");
        }
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        model.set("merges", merges);
        return root;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void equalsTheOracle(String name, ObjectNode root) throws Exception {
        byte[] json = JSON.writeValueAsBytes(root);
        Tokenizer ours = Tokenizer.fromJson(json);
        List<String> texts = new ArrayList<>(TestTexts.EDGE_CASES);
        texts.addAll(TestTexts.random(SEED + name.hashCode(), 100, 20));
        texts.addAll(Europarl.lines(480));
        texts.add(
                "the Parliament, Parliament's parliament  <|eot_id|>  x <|begin_of_text|>the<|end_of_text|> the  Parliament");
        List<String> failures = new ArrayList<>();
        try (HfOracle oracle = HfOracle.of(json)) {
            for (String s : texts) {
                for (boolean special : new boolean[] {true, false}) {
                    int[] expected = oracle.encode(s, special);
                    int[] actual = ours.encode(s, special);
                    if (!Arrays.equals(expected, actual)) {
                        failures.add("encode " + OracleExactnessTest.escape(s.length() > 200 ? s.substring(0, 200) : s)
                                + " special " + special + "\n    oracle " + OracleExactnessTest.describe(ours, expected)
                                + "\n    ours   " + OracleExactnessTest.describe(ours, actual));
                    }
                    for (boolean skip : special ? new boolean[] {true, false} : new boolean[0]) {
                        String e = oracle.decode(expected, skip);
                        String a = ours.decode(expected, skip);
                        if (!e.equals(a)) {
                            failures.add("decode " + Arrays.toString(expected) + " skip " + skip + "\n    oracle "
                                    + OracleExactnessTest.escape(e) + "\n    ours   " + OracleExactnessTest.escape(a));
                        }
                    }
                }
                if (failures.size() > 6) {
                    break;
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(name + ": " + failures.size() + " differences from the oracle:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(6, failures.size()))));
        }
    }
}
