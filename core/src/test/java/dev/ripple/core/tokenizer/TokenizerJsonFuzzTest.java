package dev.ripple.core.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ripple.core.testing.TokenizerRefusals;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the tokenizer readers and of the tokenizer they build: a
 * tokenizer.json (with or without a tokenizer_config.json) or a vocab.json + merges.txt pair from
 * arbitrary bytes must either be refused with a {@link TokenizerFormatException} or give a tokenizer
 * that encodes, decodes, streams and renders chats. The runtime refusals it documents are allowed:
 * {@code IllegalArgumentException} from a Split or Replace pattern that exceeds its matching budget
 * ("regex /.../") or from a truncation length below the special tokens ("max length"), and
 * {@code IllegalStateException} for an unknown token missing from the vocabulary ("the unknown
 * token") or a post-processor sequence the Rust library would panic on ("a template"). Anything else,
 * an {@link OutOfMemoryError} (the fuzzing JVM has a small heap) or a hang is a finding.
 *
 * <p>Input: byte 0 picks the files (0: tokenizer.json; 1: vocab.json + merges.txt; 2:
 * tokenizer_config.json + tokenizer.json), bytes 1-2 give the length of a text to encode that follows,
 * and the rest holds the files, a two-byte length before the first of two. Seeds are small files of
 * every kind generated here, and committed copies in {@code TokenizerJsonFuzzTestInputs}.
 */
class TokenizerJsonFuzzTest {

    static final String[] JSONS = {
        TokenizerReaderTest.TINY,
        "{\"added_tokens\":[{\"id\":3,\"content\":\"<s>\",\"special\":true,\"normalized\":false,\"lstrip\":true,\"rstrip\":true,"
                + "\"single_word\":false}],\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"\u2581\"},"
                + "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\u2581\"}]},\"post_processor\":{\"type\":"
                + "\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\","
                + "\"type_id\":0}}],\"pair\":[],\"special_tokens\":{\"<s>\":{\"id\":\"<s>\",\"ids\":[3],\"tokens\":[\"<s>\"]}}},"
                + "\"decoder\":{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":\"\u2581\"},\"content\":\" \"},"
                + "{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]},"
                + "\"model\":{\"type\":\"BPE\",\"unk_token\":\"<unk>\",\"byte_fallback\":true,\"fuse_unk\":true,"
                + "\"vocab\":{\"<unk>\":0,\"<0x41>\":1,\"<0xC3>\":2,\"<s>\":3,\"\u2581\":4,\"a\":5,\"\u2581a\":6,\"<0xA9>\":7},\"merges\":[[\"\u2581\",\"a\"]]}}",
        "{\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"first\",\"split\":true},"
                + "\"decoder\":{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"first\",\"split\":true},"
                + "\"model\":{\"type\":\"BPE\",\"vocab\":{\"\u2581\":0,\"b\":1,\"\u2581b\":2},\"merges\":[\"\u2581 b\"],\"ignore_merges\":true}}",
        "{\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,\"strip_accents\":null,"
                + "\"lowercase\":true},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},\"post_processor\":{\"type\":\"BertProcessing\","
                + "\"sep\":[\"[SEP]\",3],\"cls\":[\"[CLS]\",2]},\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},"
                + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\","
                + "\"max_input_chars_per_word\":100,\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,\"[CLS]\":2,\"[SEP]\":3,\"hello\":4,\"##lo\":5,\"hel\":6}}}",
        "{\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":"
                + "\"(?i:'s|'t)|[^\\\\r\\\\n\\\\p{L}\\\\p{N}]?\\\\p{L}+|\\\\p{N}{1,3}| ?[^\\\\s\\\\p{L}\\\\p{N}]+[\\\\r\\\\n]*|\\\\s+(?!\\\\S)|\\\\s+\"},"
                + "\"behavior\":\"Isolated\",\"invert\":false},{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":false},"
                + "{\"type\":\"Digits\",\"individual_digits\":true}]},\"decoder\":{\"type\":\"ByteLevel\"},\"post_processor\":"
                + "{\"type\":\"Sequence\",\"processors\":[{\"type\":\"ByteLevel\"},{\"type\":\"RobertaProcessing\",\"sep\":[\"c\",2],"
                + "\"cls\":[\"a\",0]}]},\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"c\":2,\"Ġ\":3,\"Ġa\":4},\"merges\":[\"Ġ a\"]}}",
        "{\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKC\"},{\"type\":\"Lowercase\"},{\"type\":\"Strip\","
                + "\"strip_left\":true,\"strip_right\":true},{\"type\":\"StripAccents\"}]},\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
                + "\"model\":{\"type\":\"WordLevel\",\"unk_token\":\"?\",\"vocab\":{\"?\":0,\"x\":1}},\"decoder\":{\"type\":\"BPEDecoder\","
                + "\"suffix\":\"</w>\"},\"truncation\":{\"max_length\":4}}",
    };
    static final String CONFIG = "{\"bos_token\":\"<s>\",\"eos_token\":{\"content\":\"</s>\"},\"add_bos_token\":true,"
            + "\"chat_template\":\"{{ '<|im_start|>' + m + '<|im_end|>' }}\",\"added_tokens_decoder\":{\"9\":{\"content\":\"</s>\","
            + "\"special\":true}}}";

    static Stream<byte[]> seeds() {
        Stream.Builder<byte[]> seeds = Stream.builder();
        for (String json : JSONS) {
            seeds.add(input(0, "Hello, wörld! 123 <s>", json.getBytes(StandardCharsets.UTF_8)));
            seeds.add(input(
                    2,
                    "a b",
                    withLength(CONFIG.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8))));
        }
        seeds.add(input(
                1,
                "Hello world",
                withLength(
                        "{\"a\":0,\"b\":1,\"ab\":2,\"Ġ\":3,\"Ġab\":4,\"<|endoftext|>\":5}"
                                .getBytes(StandardCharsets.UTF_8),
                        "#version: 0.2\na b\nĠ ab\n".getBytes(StandardCharsets.UTF_8))));
        return seeds.build();
    }

    static byte[] input(int mode, String text, byte[] files) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(mode);
        out.write(t.length >> 8);
        out.write(t.length);
        out.writeBytes(t);
        out.writeBytes(files);
        return out.toByteArray();
    }

    static byte[] withLength(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first.length >> 8);
        out.write(first.length);
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void readAndUse(byte[] input) {
        if (input.length < 3) {
            return;
        }
        int mode = input[0] & 3;
        int textLength = Math.min(((input[1] & 0xFF) << 8 | input[2] & 0xFF), input.length - 3);
        String text = new String(input, 3, textLength, StandardCharsets.UTF_8);
        byte[] rest = Arrays.copyOfRange(input, 3 + textLength, input.length);
        byte[] first = rest;
        byte[] second = null;
        if (mode != 0 && rest.length >= 2) {
            int n = Math.min((rest[0] & 0xFF) << 8 | rest[1] & 0xFF, rest.length - 2);
            first = Arrays.copyOfRange(rest, 2, 2 + n);
            second = Arrays.copyOfRange(rest, 2 + n, rest.length);
        }
        Tokenizer t;
        try {
            t = switch (mode) {
                case 1 -> Tokenizer.fromVocabAndMerges(first, second == null ? new byte[0] : second, null);
                case 2 -> second == null ? Tokenizer.fromJson(first) : Tokenizer.fromJson(second, first);
                default -> Tokenizer.fromJson(rest);
            };
        } catch (TokenizerFormatException expected) {
            return;
        }
        try {
            use(t, text, input);
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (!TokenizerRefusals.documented(e)) {
                throw e;
            }
        }
    }

    private static void use(Tokenizer t, String text, byte[] input) {
        for (String s : List.of(text, "Hello, wörld! 123 <s> 😀\n\t ", "")) {
            int[] ids = t.encode(s);
            t.encode(s, false);
            t.decode(ids, true);
            t.decode(ids, false);
            IncrementalDecoder d = t.newIncrementalDecoder(false);
            for (int id : ids) {
                d.push(id);
            }
            d.finish();
            t.maxLength().ifPresent(max -> t.encode(s, true, Math.max(max, 4)));
        }
        int size = t.vocabSize();
        int[] random = new int[Math.min(input.length, 64)];
        for (int i = 0; i < random.length; i++) {
            random[i] = (input[i] & 0xFF) * 31 % Math.max(1, size + 2) - 1;
            t.token(random[i]);
            t.isSpecial(random[i]);
        }
        t.decode(random, false);
        t.bosId();
        t.eosId();
        t.tokenId(text);
        if (t.chatTemplate().isPresent()) {
            try {
                t.encodeChat(List.of(ChatMessage.user(text)), true);
            } catch (UnsupportedChatTemplateException expected) {
                // the typed refusal is the contract
            }
        }
    }
}
