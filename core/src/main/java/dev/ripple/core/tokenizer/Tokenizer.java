package dev.ripple.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.tokenizer.TokenizerFormatException.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/**
 * A text tokenizer for the runtime, in pure Java: Hugging Face {@code tokenizer.json} files (BPE,
 * byte-level and SentencePiece-style with byte fallback; WordPiece; WordLevel) and the
 * {@code vocab.json} + {@code merges.txt} pair of GPT-2 and OPT checkpoints. Ids equal those of Hugging
 * Face's tokenizers library (checked against it on real vocabularies, docs/TOKENIZER.md).
 *
 * <pre>{@code
 * Tokenizer t = Tokenizer.fromDirectory(Path.of("llama-3-8b"));     // tokenizer.json + tokenizer_config.json
 * int[] ids = t.encode("Hello world");                               // with the post-processor's special tokens
 * String text = t.decode(ids, true);                                 // "Hello world"
 * IncrementalDecoder d = t.newIncrementalDecoder(true);
 * for (int id : generated) System.out.print(d.push(id));             // never splits a character
 * System.out.print(d.finish());
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@code encode} follows {@code Tokenizer::encode} of the Rust
 * library: added tokens, normalizer, pre-tokenizer, model, post-processor. The {@code truncation}
 * and {@code padding} blocks of tokenizer.json are not applied by {@link #encode(String)} (padding is a
 * batching concern and truncating a prompt silently is a bug in generation);
 * {@link #encode(String, boolean, int)} truncates as the Rust library does, and
 * {@link #maxLength()} returns the file's limit. Lone surrogates in the input are read as U+FFFD.
 */
public final class Tokenizer {
    private final String source;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final Model model;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final AddedVocabulary added;
    private final int maxLength;
    private final int bos;
    private final int eos;
    /** Special ids the post-processor puts before and after a sequence. */
    private final int[] prefix;

    private final int[] suffix;
    private final String chatTemplate;

    private Tokenizer(
            String source,
            Normalizer normalizer,
            PreTokenizer preTokenizer,
            Model model,
            PostProcessor postProcessor,
            Decoder decoder,
            AddedVocabulary added,
            int maxLength,
            TokenizerConfig config) {
        this.source = source;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.added = added;
        this.maxLength = maxLength;
        this.chatTemplate = config.chatTemplate();
        int[][] around = postProcessor == null ? new int[][] {{}, {}} : PostProcessor.around(postProcessor);
        this.prefix = around[0];
        this.suffix = around[1];
        this.bos = resolve(
                config.bosToken(),
                prefix,
                true,
                "<s>",
                "<|begin_of_text|>",
                "<bos>",
                "<|startoftext|>",
                "<|endoftext|>");
        this.eos = resolve(config.eosToken(), suffix, false, "</s>", "<|end_of_text|>", "<eos>", "<|endoftext|>");
    }

    // ------------------------------------------------------------------ reading

    /** Reads a tokenizer.json file. */
    public static Tokenizer fromJson(Path tokenizerJson) throws IOException {
        return fromJson(tokenizerJson, null);
    }

    /** Reads a tokenizer.json file and, when {@code tokenizerConfigJson} is not null, its tokenizer_config.json. */
    public static Tokenizer fromJson(Path tokenizerJson, Path tokenizerConfigJson) throws IOException {
        byte[] config = tokenizerConfigJson == null ? null : Files.readAllBytes(tokenizerConfigJson);
        return fromJson(
                Files.readAllBytes(tokenizerJson),
                tokenizerJson.toString(),
                config,
                tokenizerConfigJson == null ? null : tokenizerConfigJson.toString());
    }

    /** Reads tokenizer.json bytes. */
    public static Tokenizer fromJson(byte[] tokenizerJson) throws TokenizerFormatException {
        return fromJson(tokenizerJson, "tokenizer.json", null, null);
    }

    /** Reads tokenizer.json bytes and tokenizer_config.json bytes (which may be null). */
    public static Tokenizer fromJson(byte[] tokenizerJson, byte[] tokenizerConfigJson) throws TokenizerFormatException {
        return fromJson(tokenizerJson, "tokenizer.json", tokenizerConfigJson, "tokenizer_config.json");
    }

    /**
     * A model directory: {@code tokenizer.json}, else {@code vocab.json} + {@code merges.txt}; with
     * {@code tokenizer_config.json} when it is there.
     */
    public static Tokenizer fromDirectory(Path dir) throws IOException {
        Path config = dir.resolve("tokenizer_config.json");
        Path configOrNull = Files.isRegularFile(config) ? config : null;
        Path json = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) {
            return fromJson(json, configOrNull);
        }
        Path vocab = dir.resolve("vocab.json");
        Path merges = dir.resolve("merges.txt");
        if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
            return fromVocabAndMerges(vocab, merges, configOrNull);
        }
        throw new TokenizerFormatException(
                dir.toString(),
                "(directory)",
                Problem.MALFORMED,
                "neither tokenizer.json nor vocab.json + merges.txt is there");
    }

    static Tokenizer fromJson(byte[] json, String source, byte[] configJson, String configSource)
            throws TokenizerFormatException {
        Objects.requireNonNull(json, "tokenizerJson");
        TokenizerConfig config =
                configJson == null ? TokenizerConfig.EMPTY : TokenizerConfig.parse(configJson, configSource);
        JsonSource src = new JsonSource(source);
        JsonNode root = src.parse(json);
        if (!root.isObject()) {
            throw src.fail("(document)", Problem.MALFORMED, "expected a JSON object, found " + root.getNodeType());
        }
        Model model = parseModel(src, src.object(root, "", "model"));
        JsonNode n = JsonSource.opt(root, "normalizer");
        Normalizer normalizer = n == null ? null : Normalizer.parse(src, n, "normalizer", 0);
        n = JsonSource.opt(root, "pre_tokenizer");
        PreTokenizer pre = n == null ? null : PreTokenizer.parse(src, n, "pre_tokenizer", 0);
        n = JsonSource.opt(root, "post_processor");
        PostProcessor post = n == null ? null : PostProcessor.parse(src, n, "post_processor", 0);
        n = JsonSource.opt(root, "decoder");
        Decoder decoder = n == null ? null : Decoder.parse(src, n, "decoder", 0);
        List<AddedVocabulary.AddedToken> tokens = new ArrayList<>();
        n = JsonSource.opt(root, "added_tokens");
        if (n != null) {
            if (!n.isArray()) {
                throw src.fail("added_tokens", Problem.MALFORMED, "expected an array");
            }
            for (int i = 0; i < n.size(); i++) {
                String p = JsonSource.index("added_tokens", i);
                JsonNode t = n.get(i);
                if (!t.isObject()) {
                    throw src.fail(p, Problem.MALFORMED, "expected an object");
                }
                JsonNode id = JsonSource.opt(t, "id");
                if (id == null) {
                    throw src.fail(JsonSource.child(p, "id"), Problem.MALFORMED, "missing");
                }
                src.id(id, JsonSource.child(p, "id"));
                tokens.add(new AddedVocabulary.AddedToken(
                        src.string(t, p, "content"),
                        src.optBool(t, p, "single_word", false),
                        src.optBool(t, p, "lstrip", false),
                        src.optBool(t, p, "rstrip", false),
                        src.optBool(t, p, "normalized", true),
                        src.optBool(t, p, "special", false)));
            }
        }
        AddedVocabulary added = new AddedVocabulary();
        try {
            added.add(tokens, model.vocabulary(), normalizer);
        } catch (IllegalArgumentException e) {
            throw src.fail("added_tokens", Problem.TOO_LARGE, e.getMessage());
        }
        checkIds(src, model, added);
        int maxLength = -1;
        n = JsonSource.opt(root, "truncation");
        if (n != null) {
            if (!n.isObject()) {
                throw src.fail("truncation", Problem.MALFORMED, "expected an object");
            }
            maxLength = src.optCount(n, "truncation", "max_length", -1);
        }
        return new Tokenizer(source, normalizer, pre, model, post, decoder, added, maxLength, config);
    }

    /** Ids must leave room for a vocabulary-sized array: above {@link Vocabulary#MAX_ID} is refused. */
    private static void checkIds(JsonSource src, Model model, AddedVocabulary added) throws TokenizerFormatException {
        if (added.maxId() > Vocabulary.MAX_ID) {
            throw src.fail(
                    "added_tokens",
                    Problem.TOO_LARGE,
                    "an added token gets id " + added.maxId() + ", above the supported maximum " + Vocabulary.MAX_ID);
        }
    }

    private static Model parseModel(JsonSource src, JsonNode m) throws TokenizerFormatException {
        String type = src.optString(m, "model", "type", null);
        if (type == null) { // files written by old versions of the library carry no type
            type = JsonSource.opt(m, "merges") != null
                    ? "BPE"
                    : JsonSource.opt(m, "max_input_chars_per_word") != null ? "WordPiece" : "WordLevel";
        }
        return switch (type) {
            case "BPE" -> parseBpe(src, m);
            case "WordPiece" ->
                new WordPieceModel(
                        vocabulary(src, m),
                        src.optString(m, "model", "unk_token", "[UNK]"),
                        src.optString(m, "model", "continuing_subword_prefix", "##"),
                        src.optCount(m, "model", "max_input_chars_per_word", 100));
            case "WordLevel" -> new WordLevelModel(vocabulary(src, m), src.optString(m, "model", "unk_token", "<unk>"));
            default -> throw src.unsupported("model", "type", "model type", type, "BPE, WordPiece, WordLevel");
        };
    }

    private static Vocabulary vocabulary(JsonSource src, JsonNode m) throws TokenizerFormatException {
        JsonNode v = src.object(m, "model", "vocab");
        return vocabulary(src, v, "model.vocab");
    }

    static Vocabulary vocabulary(JsonSource src, JsonNode v, String path) throws TokenizerFormatException {
        int size = v.size();
        String[] tokens = new String[size];
        int[] ids = new int[size];
        int i = 0;
        for (var e : v.properties()) {
            tokens[i] = e.getKey();
            ids[i] = src.id(e.getValue(), JsonSource.child(path, e.getKey()));
            i++;
        }
        return new Vocabulary(tokens, ids, i);
    }

    private static Model parseBpe(JsonSource src, JsonNode m) throws TokenizerFormatException {
        Vocabulary vocab = vocabulary(src, m);
        JsonNode merges = src.array(m, "model", "merges");
        String prefix = src.optString(m, "model", "continuing_subword_prefix", null);
        String suffix = src.optString(m, "model", "end_of_word_suffix", null);
        int count = merges.size();
        String[] left = new String[count];
        String[] right = new String[count];
        for (int i = 0; i < count; i++) {
            JsonNode e = merges.get(i);
            String p = JsonSource.index("model.merges", i);
            if (e.isTextual()) {
                String line = e.textValue();
                int space = line.indexOf(' ');
                if (space < 0) {
                    throw src.fail(
                            p,
                            Problem.MALFORMED,
                            "a merge must be two tokens separated by a space, found \"" + JsonSource.describe(e)
                                    + "\"");
                }
                left[i] = line.substring(0, space);
                right[i] = line.substring(space + 1);
            } else if (e.isArray()
                    && e.size() == 2
                    && e.get(0).isTextual()
                    && e.get(1).isTextual()) {
                left[i] = e.get(0).textValue();
                right[i] = e.get(1).textValue();
            } else {
                throw src.fail(p, Problem.MALFORMED, "expected \"a b\" or [\"a\", \"b\"]");
            }
        }
        return bpe(
                src,
                "model.merges",
                vocab,
                left,
                right,
                count,
                src.optString(m, "model", "unk_token", null),
                prefix,
                suffix,
                src.optBool(m, "model", "fuse_unk", false),
                src.optBool(m, "model", "byte_fallback", false),
                src.optBool(m, "model", "ignore_merges", false));
    }

    static BpeModel bpe(
            JsonSource src,
            String mergesPath,
            Vocabulary vocab,
            String[] left,
            String[] right,
            int count,
            String unk,
            String prefix,
            String suffix,
            boolean fuseUnk,
            boolean byteFallback,
            boolean ignoreMerges)
            throws TokenizerFormatException {
        LongIntHashMap rank = new LongIntHashMap(Math.max(16, count));
        int[] result = new int[count];
        int prefixLength = prefix == null ? 0 : prefix.length();
        for (int i = 0; i < count; i++) {
            int a = vocab.id(left[i]);
            int b = vocab.id(right[i]);
            String p = JsonSource.index(mergesPath, i);
            if (a < 0 || b < 0) {
                throw src.fail(
                        p,
                        Problem.INCONSISTENT,
                        "merge token \"" + (a < 0 ? left[i] : right[i]) + "\" is not in the vocabulary");
            }
            if (right[i].length() < prefixLength) {
                throw src.fail(
                        p,
                        Problem.INCONSISTENT,
                        "merge token \"" + right[i] + "\" is shorter than the prefix \"" + prefix + "\"");
            }
            String merged = left[i] + right[i].substring(prefixLength);
            int id = vocab.id(merged);
            if (id < 0) {
                throw src.fail(p, Problem.INCONSISTENT, "merged token \"" + merged + "\" is not in the vocabulary");
            }
            rank.put(BpeModel.pair(a, b), i);
            result[i] = id;
        }
        return new BpeModel(vocab, rank, result, unk, prefix, suffix, fuseUnk, byteFallback, ignoreMerges);
    }

    /**
     * The GPT-2 / OPT pair: {@code vocab.json} (token → id) and {@code merges.txt} (one merge per line,
     * after an optional {@code #version} line), as a byte-level BPE with GPT-2's pre-tokenizer and
     * decoder. Without a tokenizer_config.json, {@code <|endoftext|>} (when in the vocabulary) is the
     * special BOS/EOS token and nothing is added around a sequence, as GPT-2's tokenizer does.
     */
    public static Tokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt) throws IOException {
        return fromVocabAndMerges(vocabJson, mergesTxt, null);
    }

    /**
     * As {@link #fromVocabAndMerges(Path, Path)}, with a tokenizer_config.json (may be null). The
     * config's BOS/EOS/UNK/PAD, {@code added_tokens_decoder} and {@code additional_special_tokens}
     * become special tokens (new ids after the vocabulary when they are not in it), its
     * {@code add_bos_token} / {@code add_eos_token} put BOS before and EOS after every encoded sequence,
     * and {@code add_prefix_space} is the pre-tokenizer's. This is how transformers builds the fast
     * tokenizer of an OPT checkpoint, whose config says {@code bos_token: "</s>", add_bos_token: true}:
     * {@code encode} then starts with {@code </s>} (id 2 in OPT's vocabulary).
     */
    public static Tokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt, Path tokenizerConfigJson)
            throws IOException {
        byte[] config = tokenizerConfigJson == null ? null : Files.readAllBytes(tokenizerConfigJson);
        return fromVocabAndMerges(
                Files.readAllBytes(vocabJson),
                vocabJson.toString(),
                Files.readAllBytes(mergesTxt),
                mergesTxt.toString(),
                config,
                tokenizerConfigJson == null ? null : tokenizerConfigJson.toString());
    }

    /** The byte form of {@link #fromVocabAndMerges(Path, Path, Path)}; {@code tokenizerConfigJson} may be null. */
    public static Tokenizer fromVocabAndMerges(byte[] vocabJson, byte[] mergesTxt, byte[] tokenizerConfigJson)
            throws TokenizerFormatException {
        return fromVocabAndMerges(
                vocabJson, "vocab.json", mergesTxt, "merges.txt", tokenizerConfigJson, "tokenizer_config.json");
    }

    static Tokenizer fromVocabAndMerges(
            byte[] vocabJson,
            String vocabSource,
            byte[] mergesTxt,
            String mergesSource,
            byte[] configJson,
            String configSource)
            throws TokenizerFormatException {
        TokenizerConfig config =
                configJson == null ? TokenizerConfig.EMPTY : TokenizerConfig.parse(configJson, configSource);
        JsonSource vsrc = new JsonSource(vocabSource);
        JsonNode v = vsrc.parse(vocabJson);
        if (!v.isObject()) {
            throw vsrc.fail("(document)", Problem.MALFORMED, "expected a JSON object of token → id");
        }
        Vocabulary vocab = vocabulary(vsrc, v, "");
        String text = new String(mergesTxt, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        JsonSource msrc = new JsonSource(mergesSource);
        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#version")) {
                continue;
            }
            String[] parts = line.split(" ", -1);
            if (parts.length != 2) {
                throw msrc.fail(
                        "line " + (i + 1),
                        Problem.MALFORMED,
                        "expected two tokens separated by one space, found \"" + OnigRegex.abbreviate(line) + "\"");
            }
            left.add(parts[0]);
            right.add(parts[1]);
        }
        BpeModel model = bpe(
                msrc,
                "merge",
                vocab,
                left.toArray(String[]::new),
                right.toArray(String[]::new),
                left.size(),
                null,
                null,
                null,
                false,
                false,
                false);
        boolean prefixSpace = config.addPrefixSpace() != null && config.addPrefixSpace();
        List<AddedVocabulary.AddedToken> specials = new ArrayList<>(config.addedTokens());
        String endOfText = "<|endoftext|>";
        if (configJson == null && vocab.id(endOfText) >= 0) {
            specials.add(new AddedVocabulary.AddedToken(endOfText, false, false, false, false, true));
        }
        AddedVocabulary added = new AddedVocabulary();
        added.add(specials, vocab, null);
        if (added.maxId() > Vocabulary.MAX_ID) {
            throw new TokenizerFormatException(
                    configSource, "added tokens", Problem.TOO_LARGE, "an added token gets id " + added.maxId());
        }
        TokenizerConfig effective = configJson == null
                ? new TokenizerConfig(endOfText, endOfText, endOfText, null, false, false, false, null, List.of())
                : config;
        int[] pre = new int[0];
        int[] post = new int[0];
        if (Boolean.TRUE.equals(config.addBosToken()) && config.bosToken() != null) {
            pre = new int[] {idOf(config.bosToken(), added, vocab, configSource, "bos_token")};
        }
        if (Boolean.TRUE.equals(config.addEosToken()) && config.eosToken() != null) {
            post = new int[] {idOf(config.eosToken(), added, vocab, configSource, "eos_token")};
        }
        PostProcessor processor = new PostProcessor.Around(pre, post);
        return new Tokenizer(
                vocabSource,
                null,
                new PreTokenizer.ByteLevel(prefixSpace, true),
                model,
                processor,
                new Decoder.ByteLevel(),
                added,
                -1,
                effective);
    }

    private static int idOf(String token, AddedVocabulary added, Vocabulary vocab, String source, String field)
            throws TokenizerFormatException {
        int id = added.id(token);
        id = id >= 0 ? id : vocab.id(token);
        if (id < 0) {
            throw new TokenizerFormatException(source, field, Problem.INCONSISTENT, "\"" + token + "\" has no id");
        }
        return id;
    }

    // ------------------------------------------------------------------ encoding

    /** The ids of {@code text}, with the post-processor's special tokens (as {@code encode(text)} in Hugging Face). */
    public int[] encode(String text) {
        return encode(text, true);
    }

    /** The ids of {@code text}; {@code addSpecialTokens} false leaves out the post-processor's tokens. */
    public int[] encode(String text, boolean addSpecialTokens) {
        IntArrayList ids = tokenize(text);
        if (postProcessor != null) {
            ids = PostProcessor.apply(postProcessor, ids, addSpecialTokens);
        }
        return ids.toArray();
    }

    /**
     * The ids of {@code text}, cut to at most {@code maxLength} ids in all: the text's ids are cut at
     * the end so that they and the special tokens fit (Hugging Face's truncation, longest-first,
     * right side, for one sequence).
     *
     * @throws IllegalArgumentException when {@code maxLength} is smaller than the special tokens alone
     */
    public int[] encode(String text, boolean addSpecialTokens, int maxLength) {
        IntArrayList ids = tokenize(text);
        int special = addSpecialTokens ? prefix.length + suffix.length : 0;
        if (maxLength < special) {
            throw new IllegalArgumentException(
                    "max length " + maxLength + " leaves no room: the special tokens alone take " + special);
        }
        if (ids.size() + special > maxLength) {
            IntArrayList cut = new IntArrayList(maxLength);
            for (int i = 0; i < maxLength - special; i++) {
                cut.add(ids.get(i));
            }
            ids = cut;
        }
        if (postProcessor != null) {
            ids = PostProcessor.apply(postProcessor, ids, addSpecialTokens);
        }
        return ids.toArray();
    }

    private IntArrayList tokenize(String text) {
        String s = Chars.wellFormed(Objects.requireNonNull(text, "text"));
        IntArrayList ids = new IntArrayList(s.length() / 3 + 4);
        for (AddedVocabulary.Segment seg : added.extractAndNormalize(s, normalizer)) {
            if (seg.id() >= 0) {
                ids.add(seg.id());
            } else if (preTokenizer == null) {
                model.tokenize(seg.text(), ids);
            } else {
                preTokenizer.split(seg.text(), seg.atStart(), (piece, atStart) -> model.tokenize(piece, ids));
            }
        }
        return ids;
    }

    /** The pre-tokenized pieces of {@code text} (added tokens as their content); for tests. */
    List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        for (AddedVocabulary.Segment seg : added.extractAndNormalize(Chars.wellFormed(text), normalizer)) {
            if (seg.id() >= 0 || preTokenizer == null) {
                out.add(seg.text());
            } else {
                preTokenizer.split(seg.text(), seg.atStart(), (piece, atStart) -> out.add(piece));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ decoding

    /**
     * The text of {@code ids} (as {@code decode} in Hugging Face's tokenizers library): unknown ids are
     * skipped; with {@code skipSpecialTokens}, so are special tokens.
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return decodeTokens(tokens(ids, 0, ids.length, skipSpecialTokens));
    }

    /** A decoder that turns ids into text as they arrive; see {@link IncrementalDecoder}. */
    public IncrementalDecoder newIncrementalDecoder(boolean skipSpecialTokens) {
        return new IncrementalDecoder(this, skipSpecialTokens);
    }

    List<String> tokens(int[] ids, int from, int to, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            String t = tokenOf(ids[i]);
            if (t == null || skipSpecialTokens && added.isSpecial(t)) {
                continue;
            }
            tokens.add(t);
        }
        return tokens;
    }

    String decodeTokens(List<String> tokens) {
        if (decoder == null) {
            return String.join(" ", tokens);
        }
        return String.join("", decoder.decodeChain(tokens));
    }

    Decoder decoder() {
        return decoder;
    }

    private String tokenOf(int id) {
        String t = added.content(id);
        return t != null ? t : model.vocabulary().token(id);
    }

    // ------------------------------------------------------------------ vocabulary

    /** One more than the largest id of the model and the added tokens: the rows an embedding matrix needs. */
    public int vocabSize() {
        return Math.max(model.vocabulary().maxId(), added.maxId()) + 1;
    }

    /** The id of a token string (added tokens first, then the model's vocabulary). */
    public OptionalInt tokenId(String token) {
        int id = added.id(token);
        if (id < 0) {
            id = model.vocabulary().id(token);
        }
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The token string of an id. */
    public Optional<String> token(int id) {
        return Optional.ofNullable(tokenOf(id));
    }

    /** Whether {@code id} is a special added token (skipped by {@code decode(ids, true)}). */
    public boolean isSpecial(int id) {
        String t = added.content(id);
        return t != null && added.isSpecial(t);
    }

    /**
     * The beginning-of-sequence id: tokenizer_config.json's {@code bos_token}, else the special token
     * the post-processor puts first, else a special token with a conventional name ({@code <s>},
     * {@code <|begin_of_text|>}, {@code <bos>}, {@code <|startoftext|>}, {@code <|endoftext|>}).
     */
    public OptionalInt bosId() {
        return bos < 0 ? OptionalInt.empty() : OptionalInt.of(bos);
    }

    /**
     * The end-of-sequence id: tokenizer_config.json's {@code eos_token}, else the special token the
     * post-processor puts last, else a special token with a conventional name ({@code </s>},
     * {@code <|end_of_text|>}, {@code <eos>}, {@code <|endoftext|>}).
     */
    public OptionalInt eosId() {
        return eos < 0 ? OptionalInt.empty() : OptionalInt.of(eos);
    }

    private int resolve(String configured, int[] processorIds, boolean first, String... conventional) {
        if (configured != null) {
            OptionalInt id = tokenId(configured);
            if (id.isPresent()) {
                return id.getAsInt();
            }
        }
        if (processorIds != null && processorIds.length > 0) {
            return first ? processorIds[0] : processorIds[processorIds.length - 1];
        }
        for (String name : conventional) {
            int id = added.id(name);
            if (id >= 0 && added.isSpecial(name)) {
                return id;
            }
        }
        return -1;
    }

    /** tokenizer.json's {@code truncation.max_length}, when it sets one. */
    public OptionalInt maxLength() {
        return maxLength < 0 ? OptionalInt.empty() : OptionalInt.of(maxLength);
    }

    /** The chat template (Jinja) of tokenizer_config.json, when one was given. */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    /**
     * The chat format the tokenizer_config.json's template names.
     *
     * @throws UnsupportedChatTemplateException when there is no template or it is none of {@link ChatFormat}'s
     */
    public ChatFormat chatFormat() throws UnsupportedChatTemplateException {
        if (chatTemplate == null) {
            throw new UnsupportedChatTemplateException(source + ": no chat template stored with this tokenizer (a"
                    + " chat_template in tokenizer_config.json, or tokenizer.chat_template in a GGUF); name the format"
                    + " explicitly (llama2, llama3 or chatml)");
        }
        return ChatFormat.require(chatTemplate);
    }

    /**
     * The ids of a conversation in the format of this tokenizer's chat template ({@link #chatFormat()}),
     * with the template's default system message (ChatML) when the conversation has none.
     *
     * @throws UnsupportedChatTemplateException when there is no template or it is not a supported format
     */
    public int[] encodeChat(List<ChatMessage> messages, boolean addGenerationPrompt)
            throws UnsupportedChatTemplateException {
        ChatFormat format = chatFormat();
        List<ChatMessage> turns = messages;
        if (messages.isEmpty() || !messages.get(0).role().equals("system")) {
            Optional<String> system = ChatFormat.defaultSystemPrompt(chatTemplate);
            if (system.isPresent()) {
                turns = new ArrayList<>(messages.size() + 1);
                turns.add(ChatMessage.system(system.get()));
                turns.addAll(messages);
            }
        }
        return encodeChat(format, turns, addGenerationPrompt);
    }

    /**
     * The ids of a conversation in {@code format}: its text, with the tokenizer's BOS and EOS token
     * strings, encoded without the post-processor's tokens (the template already holds them), as
     * transformers' {@code apply_chat_template(..., tokenize=True)} does.
     */
    public int[] encodeChat(ChatFormat format, List<ChatMessage> messages, boolean addGenerationPrompt) {
        String bosToken = bos < 0 ? "" : tokenOf(bos);
        String eosToken = eos < 0 ? "" : tokenOf(eos);
        return encode(format.render(messages, addGenerationPrompt, bosToken, eosToken), false);
    }

    /** Where this tokenizer was read from. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "Tokenizer[" + source + ", " + model.getClass().getSimpleName() + ", vocabulary " + vocabSize() + "]";
    }
}
