package dev.ripple.placement.importer.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.core.tokenizer.TokenizerFormatException;
import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.UnsupportedModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the vocabulary a GGUF file carries ({@code tokenizer.ggml.*}) into the Hugging Face
 * {@code tokenizer.json} (and a {@code tokenizer_config.json}) that the runtime's pure-Java
 * {@code Tokenizer.fromJson} reads, so a model imported from GGUF tokenizes through the same code
 * path as one imported from a checkpoint directory. The shapes written are the ones Hugging Face's
 * own converters produce:
 * <ul>
 *   <li>{@code tokenizer.ggml.model = "llama"} (SentencePiece BPE: Llama 2, Mistral): a BPE model with
 *       {@code byte_fallback} and {@code fuse_unk} over the token list, merges derived from the scores as
 *       transformers' {@code SentencePieceExtractor} derives them (every split of every token into two
 *       tokens, splits of one token ordered by the ids of their parts, all of them sorted by the token's
 *       score, highest first, ties in id order), the {@code Prepend("▁")} + {@code Replace(" ", "▁")}
 *       normalizer (no {@code Prepend} when {@code tokenizer.ggml.add_space_prefix} is false) and the
 *       matching decoder ({@code Replace}, {@code ByteFallback}, {@code Fuse}, {@code Strip});</li>
 *   <li>{@code tokenizer.ggml.model = "gpt2"} (byte-level BPE: GPT-2, Llama 3, Qwen2): the token list and
 *       {@code tokenizer.ggml.merges}, a byte-level pre-tokenizer split first by the pattern that
 *       {@code tokenizer.ggml.pre} names ({@code gpt-2}: GPT-2's; {@code llama-bpe}, {@code llama3},
 *       {@code llama-v3}: Llama 3's, with {@code ignore_merges} as llama.cpp sets it; {@code qwen2}: Qwen2's,
 *       after an NFC normalizer as Qwen2's tokenizer.json has; {@code default} or absent: llama.cpp's
 *       fallback sequence of four patterns). Other values are refused.</li>
 * </ul>
 * Token types: control and unknown tokens become special added tokens, user-defined ones plain added
 * tokens (matched before the model, never normalized), byte, unused and normal tokens stay in the
 * model's vocabulary. BOS/EOS are added around a sequence as {@code tokenizer.ggml.add_bos_token} /
 * {@code add_eos_token} say (defaults as llama.cpp: BOS for SentencePiece models and Llama 3,
 * nothing for other byte-level models), through a {@code TemplateProcessing} post-processor.
 * {@code tokenizer_config.json} carries the BOS, EOS, UNK and PAD names and
 * {@code tokenizer.chat_template}. The files are read back once by {@code Tokenizer.fromJson}, so a
 * vocabulary that cannot make a tokenizer (a merge of tokens it lacks) is refused at import.
 *
 * <p>A token string that appears twice keeps its last id (as llama.cpp's and Hugging Face's maps
 * do); its earlier ids decode to nothing.
 */
public final class GgufTokenizer {
    /** llama.cpp's token types ({@code llama_token_type}). */
    static final int NORMAL = 1;

    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;
    static final int BYTE = 6;
    static final String LLAMA3_PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2_PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** llama.cpp's {@code LLAMA_VOCAB_PRE_TYPE_DEFAULT}: these four patterns split one after the other. */
    static final List<String> DEFAULT_PATTERNS = List.of(
            "[\\p{P}\\$\\+<=>\\^~\\|]+",
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
            "\\p{N}+",
            "[0-9][0-9][0-9]");
    /** The {@code tokenizer.ggml.pre} values understood, for messages. */
    static final List<String> PRE_TOKENIZERS = List.of("default", "gpt-2", "llama-bpe", "llama3", "llama-v3", "qwen2");

    private static final String SPACE = "\u2581";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GgufTokenizer() {}

    /**
     * The two files, as bytes.
     *
     * @param tokenizerJson       a Hugging Face tokenizer.json
     * @param tokenizerConfigJson a tokenizer_config.json with the special tokens' names and the chat template
     */
    public record Files(byte[] tokenizerJson, byte[] tokenizerConfigJson) {}

    /**
     * Converts the file's vocabulary; empty when it has none ({@code tokenizer.ggml.model} absent,
     * {@code none} or {@code no_vocab}).
     *
     * @throws ModelFormatException      naming the file and the key when the vocabulary is inconsistent
     * @throws UnsupportedModelException for tokenizer models and pre-tokenizers this converter does not know
     */
    public static Optional<Files> convert(GgufFile f) throws IOException {
        return convertAndRead(f).map(Converted::files);
    }

    /** The files and the tokenizer read back from them. */
    record Converted(Files files, Tokenizer tokenizer) {}

    /** As {@link #convert}, with the tokenizer the check read back (tests use it rather than reading the files again). */
    static Optional<Converted> convertAndRead(GgufFile f) throws IOException {
        String model = f.getString("tokenizer.ggml.model", "none");
        if (model.equals("none") || model.equals("no_vocab")) {
            return Optional.empty();
        }
        if (!model.equals("llama") && !model.equals("gpt2")) {
            throw new UnsupportedModelException(
                    f.path(), "tokenizer.ggml.model '" + model + "' is not supported (llama, " + "gpt2 are)");
        }
        Vocab v = Vocab.read(f);
        ObjectNode root = NODES.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.set("added_tokens", addedTokens(v));
        boolean spm = model.equals("llama");
        boolean addBos = f.getBoolean("tokenizer.ggml.add_bos_token", spm || isLlama3(f));
        boolean addEos = f.getBoolean("tokenizer.ggml.add_eos_token", false);
        ObjectNode bpe = NODES.objectNode();
        bpe.put("type", "BPE");
        bpe.putNull("dropout");
        if (spm) {
            sentencePiece(f, v, root, bpe);
        } else {
            byteLevel(f, v, root, bpe);
        }
        root.set("post_processor", postProcessor(f, v, addBos, addEos, !spm));
        root.set("model", bpe);
        ObjectNode config = NODES.objectNode();
        putToken(config, "bos_token", v, v.bos);
        putToken(config, "eos_token", v, v.eos);
        putToken(config, "unk_token", v, v.unk);
        putToken(config, "pad_token", v, v.pad);
        config.put("add_bos_token", addBos);
        config.put("add_eos_token", addEos);
        if (f.has("tokenizer.chat_template")) {
            config.put("chat_template", f.getString("tokenizer.chat_template"));
        }
        Files files;
        try {
            files = new Files(JSON.writeValueAsBytes(root), JSON.writeValueAsBytes(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing a tree to bytes does no I/O
        }
        try {
            // refused now rather than at run time
            return Optional.of(
                    new Converted(files, Tokenizer.fromJson(files.tokenizerJson(), files.tokenizerConfigJson())));
        } catch (TokenizerFormatException e) {
            throw new ModelFormatException(
                    f.path(),
                    "tokenizer.ggml.*",
                    "the vocabulary does not make a valid tokenizer: " + e.getMessage(),
                    e);
        }
    }

    private static boolean isLlama3(GgufFile f) throws ModelFormatException {
        String pre = f.getString("tokenizer.ggml.pre", "default");
        return pre.equals("llama-bpe") || pre.equals("llama3") || pre.equals("llama-v3");
    }

    /** Tokens, scores and types, and the special ids, checked for consistency. */
    private record Vocab(
            String[] tokens,
            float[] scores,
            int[] types,
            Map<String, Integer> ids,
            int bos,
            int eos,
            int unk,
            int pad) {
        static Vocab read(GgufFile f) throws ModelFormatException {
            String[] tokens = f.getStrings("tokenizer.ggml.tokens");
            if (tokens.length == 0) {
                throw new ModelFormatException(f.path(), GgufFile.part("tokenizer.ggml.tokens"), "is empty");
            }
            float[] scores =
                    f.has("tokenizer.ggml.scores") ? f.getFloats("tokenizer.ggml.scores") : new float[tokens.length];
            int[] types = f.has("tokenizer.ggml.token_type") ? f.getInts("tokenizer.ggml.token_type") : null;
            if (types == null) {
                types = new int[tokens.length];
                Arrays.fill(types, NORMAL);
            }
            sameLength(f, "tokenizer.ggml.scores", scores.length, tokens.length);
            sameLength(f, "tokenizer.ggml.token_type", types.length, tokens.length);
            Map<String, Integer> ids = new HashMap<>(tokens.length * 2);
            for (int i = 0; i < tokens.length; i++) {
                ids.put(tokens[i], i);
            }
            int unk = special(f, "tokenizer.ggml.unknown_token_id", tokens.length);
            if (unk < 0) {
                for (int i = 0; i < types.length && unk < 0; i++) {
                    unk = types[i] == UNKNOWN ? i : -1;
                }
            }
            return new Vocab(
                    tokens,
                    scores,
                    types,
                    ids,
                    special(f, "tokenizer.ggml.bos_token_id", tokens.length),
                    special(f, "tokenizer.ggml.eos_token_id", tokens.length),
                    unk,
                    special(f, "tokenizer.ggml.padding_token_id", tokens.length));
        }

        private static void sameLength(GgufFile f, String key, int n, int tokens) throws ModelFormatException {
            if (n != tokens) {
                throw new ModelFormatException(
                        f.path(), GgufFile.part(key), "has " + n + " entries for " + tokens + " tokens");
            }
        }

        private static int special(GgufFile f, String key, int vocab) throws ModelFormatException {
            if (!f.has(key)) {
                return -1;
            }
            long id = f.getLong(key);
            if (id < 0 || id >= vocab) {
                throw new ModelFormatException(
                        f.path(), GgufFile.part(key), "token id " + id + " is outside the " + vocab + " tokens");
            }
            return (int) id;
        }
    }

    private static ArrayNode addedTokens(Vocab v) {
        ArrayNode added = NODES.arrayNode();
        for (int i = 0; i < v.tokens.length; i++) {
            int t = v.types[i];
            if ((t == CONTROL || t == UNKNOWN || t == USER_DEFINED) && !v.tokens[i].isEmpty()) {
                ObjectNode a = added.addObject();
                a.put("id", i);
                a.put("content", v.tokens[i]);
                a.put("single_word", false);
                a.put("lstrip", false);
                a.put("rstrip", false);
                a.put("normalized", false);
                a.put("special", t != USER_DEFINED);
            }
        }
        return added;
    }

    private static void sentencePiece(GgufFile f, Vocab v, ObjectNode root, ObjectNode bpe)
            throws ModelFormatException {
        boolean prefix = f.getBoolean("tokenizer.ggml.add_space_prefix", true);
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode ns = normalizer.putArray("normalizers");
        if (prefix) {
            ns.addObject().put("type", "Prepend").put("prepend", SPACE);
        }
        ObjectNode replace = ns.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", SPACE);
        root.putNull("pre_tokenizer");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Sequence");
        ArrayNode ds = decoder.putArray("decoders");
        ObjectNode back = ds.addObject().put("type", "Replace");
        back.putObject("pattern").put("String", SPACE);
        back.put("content", " ");
        ds.addObject().put("type", "ByteFallback");
        ds.addObject().put("type", "Fuse");
        if (prefix) {
            ds.addObject()
                    .put("type", "Strip")
                    .put("content", " ")
                    .put("start", 1)
                    .put("stop", 0);
        }
        if (v.unk >= 0) {
            bpe.put("unk_token", v.tokens[v.unk]);
        } else {
            bpe.putNull("unk_token");
        }
        bpe.putNull("continuing_subword_prefix");
        bpe.putNull("end_of_word_suffix");
        bpe.put("fuse_unk", true);
        bpe.put("byte_fallback", true);
        bpe.put("ignore_merges", false);
        bpe.set("vocab", vocabulary(v));
        ArrayNode merges = bpe.putArray("merges");
        for (String[] m : mergesFromScores(v.tokens, v.scores, v.ids)) {
            merges.addArray().add(m[0]).add(m[1]);
        }
    }

    private static void byteLevel(GgufFile f, Vocab v, ObjectNode root, ObjectNode bpe) throws IOException {
        String pre = f.getString("tokenizer.ggml.pre", "default");
        List<String> patterns = switch (pre) {
            case "gpt-2" -> List.of();
            case "llama-bpe", "llama3", "llama-v3" -> List.of(LLAMA3_PATTERN);
            case "qwen2" -> List.of(QWEN2_PATTERN);
            case "default" -> DEFAULT_PATTERNS;
            default ->
                throw new UnsupportedModelException(
                        f.path(),
                        "tokenizer.ggml.pre '" + pre + "' names a pre-tokenizer "
                                + "this converter does not know (it knows " + String.join(", ", PRE_TOKENIZERS) + ")");
        };
        if (pre.equals("qwen2")) {
            root.putObject("normalizer").put("type", "NFC");
        } else {
            root.putNull("normalizer");
        }
        if (patterns.isEmpty()) {
            byteLevelNode(root.putObject("pre_tokenizer"), true);
        } else {
            ObjectNode seq = root.putObject("pre_tokenizer");
            seq.put("type", "Sequence");
            ArrayNode ps = seq.putArray("pretokenizers");
            for (String p : patterns) {
                ObjectNode split = ps.addObject();
                split.put("type", "Split");
                split.putObject("pattern").put("Regex", p);
                split.put("behavior", "Isolated");
                split.put("invert", false);
            }
            byteLevelNode(ps.addObject(), false);
        }
        byteLevelNode(root.putObject("decoder"), true);
        bpe.putNull("unk_token");
        bpe.putNull("continuing_subword_prefix");
        bpe.putNull("end_of_word_suffix");
        bpe.put("fuse_unk", false);
        bpe.put("byte_fallback", false);
        bpe.put("ignore_merges", isLlama3(f));
        bpe.set("vocab", vocabulary(v));
        String[] merges = f.getStrings("tokenizer.ggml.merges");
        ArrayNode ms = bpe.putArray("merges");
        for (int i = 0; i < merges.length; i++) {
            // llama.cpp splits a merge at its first space after the first character
            int space = merges[i].isEmpty() ? -1 : merges[i].indexOf(' ', 1);
            if (space < 0) {
                throw new ModelFormatException(
                        f.path(),
                        GgufFile.part("tokenizer.ggml.merges") + "[" + i + "]",
                        "\"" + merges[i] + "\" is not two tokens separated by a space");
            }
            ms.addArray().add(merges[i].substring(0, space)).add(merges[i].substring(space + 1));
        }
    }

    private static void byteLevelNode(ObjectNode n, boolean useRegex) {
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", false);
        n.put("trim_offsets", true);
        n.put("use_regex", useRegex);
    }

    private static ObjectNode vocabulary(Vocab v) {
        ObjectNode vocab = NODES.objectNode();
        for (int i = 0; i < v.tokens.length; i++) {
            vocab.put(v.tokens[i], i); // a repeated token keeps its place and takes the later id
        }
        return vocab;
    }

    private static JsonNode postProcessor(GgufFile f, Vocab v, boolean addBos, boolean addEos, boolean byteLevel)
            throws ModelFormatException {
        if (addBos && v.bos < 0) {
            throw new ModelFormatException(
                    f.path(),
                    GgufFile.part("tokenizer.ggml.add_bos_token"),
                    "is true but tokenizer.ggml.bos_token_id is missing");
        }
        if (addEos && v.eos < 0) {
            throw new ModelFormatException(
                    f.path(),
                    GgufFile.part("tokenizer.ggml.add_eos_token"),
                    "is true but tokenizer.ggml.eos_token_id is missing");
        }
        if (!addBos && !addEos) {
            if (!byteLevel) {
                return NODES.nullNode();
            }
            ObjectNode p = NODES.objectNode();
            byteLevelNode(p, true);
            p.put("trim_offsets", false);
            return p;
        }
        ObjectNode p = NODES.objectNode();
        p.put("type", "TemplateProcessing");
        ArrayNode single = p.putArray("single");
        ArrayNode pair = p.putArray("pair");
        for (int part = 0; part < 2; part++) {
            ArrayNode[] targets = part == 0 ? new ArrayNode[] {single, pair} : new ArrayNode[] {pair};
            for (ArrayNode t : targets) {
                if (addBos) {
                    t.addObject()
                            .putObject("SpecialToken")
                            .put("id", v.tokens[v.bos])
                            .put("type_id", part);
                }
                t.addObject()
                        .putObject("Sequence")
                        .put("id", part == 0 ? "A" : "B")
                        .put("type_id", part);
                if (addEos) {
                    t.addObject()
                            .putObject("SpecialToken")
                            .put("id", v.tokens[v.eos])
                            .put("type_id", part);
                }
            }
        }
        ObjectNode specials = p.putObject("special_tokens");
        for (int id : new int[] {addBos ? v.bos : -1, addEos ? v.eos : -1}) {
            if (id >= 0) {
                ObjectNode s = specials.putObject(v.tokens[id]);
                s.put("id", v.tokens[id]);
                s.putArray("ids").add(id);
                s.putArray("tokens").add(v.tokens[id]);
            }
        }
        return p;
    }

    private static void putToken(ObjectNode config, String field, Vocab v, int id) {
        if (id >= 0) {
            config.put(field, v.tokens[id]);
        }
    }

    /**
     * The merges Hugging Face's converter derives from a SentencePiece vocabulary's scores: for every
     * token (in id order; a repeated token once, with its last id), each split into a left and a right
     * part that are both tokens, the token's splits ordered by (left id, right id); then all of them
     * sorted by the token's score, highest first, keeping that order among equal scores.
     */
    static List<String[]> mergesFromScores(String[] tokens, float[] scores, Map<String, Integer> ids) {
        record Merge(String left, String right, float score) {}
        List<Merge> merges = new ArrayList<>();
        List<int[]> local = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            String piece = tokens[i];
            if (ids.get(piece) != i) {
                continue; // an earlier copy of a repeated token
            }
            local.clear();
            for (int k = piece.offsetByCodePoints(0, Math.min(1, piece.codePointCount(0, piece.length())));
                    k > 0 && k < piece.length();
                    k = piece.offsetByCodePoints(k, 1)) {
                Integer l = ids.get(piece.substring(0, k));
                Integer r = ids.get(piece.substring(k));
                if (l != null && r != null) {
                    local.add(new int[] {l, r, k});
                }
            }
            local.sort(Comparator.<int[]>comparingInt(a -> a[0]).thenComparingInt(a -> a[1]));
            for (int[] s : local) {
                merges.add(new Merge(piece.substring(0, s[2]), piece.substring(s[2]), scores[i]));
            }
        }
        merges.sort((a, b) -> Float.compare(b.score, a.score));
        List<String[]> out = new ArrayList<>(merges.size());
        for (Merge m : merges) {
            out.add(new String[] {m.left, m.right});
        }
        return out;
    }
}
