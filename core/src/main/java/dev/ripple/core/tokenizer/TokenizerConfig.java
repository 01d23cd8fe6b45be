package dev.ripple.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.tokenizer.TokenizerFormatException.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What this library reads from a Hugging Face {@code tokenizer_config.json}: the names of the BOS,
 * EOS, UNK and PAD tokens, whether BOS/EOS are added, {@code add_prefix_space}, the chat template,
 * and the added tokens ({@code added_tokens_decoder}, {@code additional_special_tokens}). Everything
 * else (model_max_length, clean_up_tokenization_spaces, ...) belongs to the transformers library
 * and is ignored.
 */
record TokenizerConfig(
        String bosToken,
        String eosToken,
        String unkToken,
        String padToken,
        Boolean addBosToken,
        Boolean addEosToken,
        Boolean addPrefixSpace,
        String chatTemplate,
        List<AddedVocabulary.AddedToken> addedTokens) {

    static final TokenizerConfig EMPTY = new TokenizerConfig(null, null, null, null, null, null, null, null, List.of());

    static TokenizerConfig parse(byte[] json, String source) throws TokenizerFormatException {
        JsonSource src = new JsonSource(source);
        JsonNode root = src.parse(json);
        if (!root.isObject()) {
            throw src.fail("(document)", Problem.MALFORMED, "expected a JSON object");
        }
        List<AddedVocabulary.AddedToken> added = new ArrayList<>();
        JsonNode decoder = JsonSource.opt(root, "added_tokens_decoder");
        if (decoder != null) {
            if (!decoder.isObject()) {
                throw src.fail("added_tokens_decoder", Problem.MALFORMED, "expected an object");
            }
            Map<Integer, AddedVocabulary.AddedToken> byId = new TreeMap<>();
            for (var e : decoder.properties()) {
                String p = JsonSource.child("added_tokens_decoder", e.getKey());
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw src.fail(p, Problem.MALFORMED, "the key is not a token id");
                }
                byId.put(id, token(src, e.getValue(), p, true));
            }
            added.addAll(byId.values());
        }
        JsonNode extra = JsonSource.opt(root, "additional_special_tokens");
        if (extra != null) {
            if (!extra.isArray()) {
                throw src.fail("additional_special_tokens", Problem.MALFORMED, "expected an array");
            }
            for (int i = 0; i < extra.size(); i++) {
                added.add(token(src, extra.get(i), JsonSource.index("additional_special_tokens", i), true));
            }
        }
        String[] names = new String[4];
        String[] keys = {"bos_token", "eos_token", "unk_token", "pad_token"};
        for (int k = 0; k < keys.length; k++) {
            JsonNode n = JsonSource.opt(root, keys[k]);
            if (n != null) {
                AddedVocabulary.AddedToken t = token(src, n, keys[k], true);
                names[k] = t.content();
                added.add(t);
            }
        }
        return new TokenizerConfig(
                names[0],
                names[1],
                names[2],
                names[3],
                optBoolean(src, root, "add_bos_token"),
                optBoolean(src, root, "add_eos_token"),
                optBoolean(src, root, "add_prefix_space"),
                chatTemplate(src, root),
                List.copyOf(added));
    }

    private static Boolean optBoolean(JsonSource src, JsonNode root, String name) throws TokenizerFormatException {
        return JsonSource.opt(root, name) == null ? null : src.optBool(root, "", name, false);
    }

    /** A token given as a string or as {@code {"content": ..., "lstrip": ..., ...}}. */
    private static AddedVocabulary.AddedToken token(JsonSource src, JsonNode n, String path, boolean special)
            throws TokenizerFormatException {
        if (n.isTextual()) {
            return new AddedVocabulary.AddedToken(n.textValue(), false, false, false, false, special);
        }
        if (!n.isObject()) {
            throw src.fail(path, Problem.MALFORMED, "expected a string or an object with \"content\"");
        }
        return new AddedVocabulary.AddedToken(
                src.string(n, path, "content"),
                src.optBool(n, path, "single_word", false),
                src.optBool(n, path, "lstrip", false),
                src.optBool(n, path, "rstrip", false),
                src.optBool(n, path, "normalized", !special),
                src.optBool(n, path, "special", special));
    }

    /** {@code chat_template}: a string, or a list of named templates of which "default" (or the first) is taken. */
    private static String chatTemplate(JsonSource src, JsonNode root) throws TokenizerFormatException {
        JsonNode t = JsonSource.opt(root, "chat_template");
        if (t == null) {
            return null;
        }
        if (t.isTextual()) {
            return t.textValue();
        }
        if (!t.isArray()) {
            throw src.fail("chat_template", Problem.MALFORMED, "expected a string or a list of {name, template}");
        }
        String first = null;
        for (int i = 0; i < t.size(); i++) {
            String p = JsonSource.index("chat_template", i);
            String name = src.optString(t.get(i), p, "name", null);
            String template = src.string(t.get(i), p, "template");
            if ("default".equals(name)) {
                return template;
            }
            if (first == null) {
                first = template;
            }
        }
        return first;
    }
}
