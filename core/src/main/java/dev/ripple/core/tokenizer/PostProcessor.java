package dev.ripple.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.tokenizer.TokenizerFormatException.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * A tokenizer.json {@code post_processor}: the special tokens around a sequence (BOS/EOS, CLS/SEP).
 * As in the Rust library a processor maps a list of encodings to a list of encodings, which are
 * concatenated at the end; a template picks its {@code single} form for one encoding and its
 * {@code pair} form for two (which is what a second template in a {@code Sequence} receives).
 */
interface PostProcessor {

    /** Applies the processor to the encodings (one, for a single text). */
    List<int[]> process(List<int[]> encodings, boolean addSpecialTokens);

    /** Marks the sequence's position when the special tokens are worked out. */
    int MARKER = -1;

    /**
     * The ids with the special tokens added.
     *
     * @throws IllegalStateException when a sequence of processors reaches a template with neither one
     *                               nor two encodings (the Rust library panics there; such files are
     *                               refused when read)
     */
    static IntArrayList apply(PostProcessor p, IntArrayList ids, boolean addSpecialTokens) {
        List<int[]> out = p.process(List.of(ids.toArray()), addSpecialTokens);
        IntArrayList merged = new IntArrayList(ids.size() + 4);
        for (int[] e : out) {
            merged.addAll(e);
        }
        return merged;
    }

    /** The special ids before and after a single sequence: {prefix, suffix}. */
    static int[][] around(PostProcessor p) {
        List<int[]> out = p.process(List.of(new int[] {MARKER}), true);
        IntArrayList pre = new IntArrayList();
        IntArrayList post = new IntArrayList();
        boolean seen = false;
        for (int[] e : out) {
            for (int id : e) {
                if (id == MARKER && !seen) {
                    seen = true;
                } else if (id != MARKER) {
                    (seen ? post : pre).add(id);
                }
            }
        }
        return new int[][] {pre.toArray(), post.toArray()};
    }

    static PostProcessor parse(JsonSource src, JsonNode node, String path, int depth) throws TokenizerFormatException {
        PostProcessor p = parseAny(src, node, path, depth);
        for (boolean special : new boolean[] {true, false}) {
            try {
                p.process(List.of(new int[] {MARKER}), special);
            } catch (IllegalStateException e) {
                throw src.fail(path, Problem.UNSUPPORTED, e.getMessage());
            }
        }
        return p;
    }

    private static PostProcessor parseAny(JsonSource src, JsonNode node, String path, int depth)
            throws TokenizerFormatException {
        String type = src.componentType(node, path, depth);
        return switch (type) {
            case "ByteLevel" -> (encodings, special) -> encodings;
            case "TemplateProcessing" -> template(src, node, path);
            case "BertProcessing" -> new Wrap(pairId(src, node, path, "cls"), pairId(src, node, path, "sep"), false);
            case "RobertaProcessing" -> new Wrap(pairId(src, node, path, "cls"), pairId(src, node, path, "sep"), true);
            case "Sequence" -> {
                List<PostProcessor> parts = src.components(node, path, "processors", depth, PostProcessor::parseAny);
                yield (encodings, special) -> {
                    for (PostProcessor p : parts) {
                        encodings = p.process(encodings, special);
                    }
                    return encodings;
                };
            }
            default ->
                throw src.unsupported(
                        path,
                        "type",
                        "post-processor type",
                        type,
                        "TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence");
        };
    }

    /** {@code "cls": ["[CLS]", 101]}: the id. */
    private static int pairId(JsonSource src, JsonNode node, String path, String name) throws TokenizerFormatException {
        String p = JsonSource.child(path, name);
        JsonNode pair = src.array(node, path, name);
        if (pair.size() != 2 || !pair.get(0).isTextual()) {
            throw src.fail(p, Problem.MALFORMED, "expected [token, id]");
        }
        return src.id(pair.get(1), JsonSource.index(p, 1));
    }

    /**
     * BERT's and RoBERTa's processors: the first encoding becomes CLS + ids + SEP, each further one
     * ids + SEP (BERT) or SEP + ids + SEP (RoBERTa).
     */
    record Wrap(int cls, int sep, boolean roberta) implements PostProcessor {
        @Override
        public List<int[]> process(List<int[]> encodings, boolean addSpecialTokens) {
            if (!addSpecialTokens) {
                return encodings;
            }
            List<int[]> out = new ArrayList<>(encodings.size());
            for (int i = 0; i < encodings.size(); i++) {
                int[] e = encodings.get(i);
                IntArrayList ids = new IntArrayList(e.length + 3);
                if (i == 0) {
                    ids.add(cls);
                } else if (roberta) {
                    ids.add(sep);
                }
                ids.addAll(e);
                ids.add(sep);
                out.add(ids.toArray());
            }
            return out;
        }
    }

    /** One item of a template: a special token's ids, or the sequence of encoding {@code sequence}. */
    record Item(int[] ids, int sequence) {}

    /** TemplateProcessing: one output encoding per item of the single (or pair) template. */
    record Template(List<Item> single, List<Item> pair) implements PostProcessor {
        @Override
        public List<int[]> process(List<int[]> encodings, boolean addSpecialTokens) {
            List<Item> template = switch (encodings.size()) {
                case 1 -> single;
                case 2 -> pair;
                default ->
                    throw new IllegalStateException("a template receives " + encodings.size()
                            + " encodings from the processors before it; it takes one or two");
            };
            List<int[]> out = new ArrayList<>(template.size());
            for (Item item : template) {
                if (item.ids() == null) {
                    if (item.sequence() >= encodings.size()) {
                        throw new IllegalStateException("a template refers to sequence B of a single encoding");
                    }
                    out.add(encodings.get(item.sequence()));
                } else if (addSpecialTokens) {
                    out.add(item.ids());
                }
            }
            return out;
        }
    }

    private static PostProcessor template(JsonSource src, JsonNode node, String path) throws TokenizerFormatException {
        Map<String, int[]> specials = new HashMap<>();
        JsonNode map = JsonSource.opt(node, "special_tokens");
        String mp = JsonSource.child(path, "special_tokens");
        if (map != null) {
            if (!map.isObject()) {
                throw src.fail(mp, Problem.MALFORMED, "expected an object");
            }
            for (var e : map.properties()) {
                String ep = JsonSource.child(mp, e.getKey());
                JsonNode ids = src.array(e.getValue(), ep, "ids");
                int[] a = new int[ids.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = src.id(ids.get(i), JsonSource.index(JsonSource.child(ep, "ids"), i));
                }
                specials.put(e.getKey(), a);
            }
        }
        return new Template(items(src, node, path, "single", specials), items(src, node, path, "pair", specials));
    }

    /** A template as a list of {@code {"SpecialToken": {...}}} / {@code {"Sequence": {...}}}, or as a string "[CLS] $A [SEP]". */
    private static List<Item> items(
            JsonSource src, JsonNode node, String path, String name, Map<String, int[]> specials)
            throws TokenizerFormatException {
        String tp = JsonSource.child(path, name);
        JsonNode t = JsonSource.opt(node, name);
        List<Item> items = new ArrayList<>();
        if (t == null) {
            if (name.equals("single")) {
                throw src.fail(tp, Problem.MALFORMED, "missing");
            }
            return items;
        }
        if (t.isTextual()) {
            for (String piece : t.textValue().trim().split("\\s+")) {
                if (piece.isEmpty()) {
                    continue;
                }
                String body = piece.contains(":") ? piece.substring(0, piece.lastIndexOf(':')) : piece;
                if (body.startsWith("$")) {
                    items.add(new Item(null, body.equals("$B") || body.equals("$1") ? 1 : 0));
                } else {
                    items.add(new Item(special(src, tp, body, specials, mp(path)), 0));
                }
            }
            return items;
        }
        if (!t.isArray()) {
            throw src.fail(tp, Problem.MALFORMED, "expected a list of items or a template string");
        }
        for (int i = 0; i < t.size(); i++) {
            JsonNode it = t.get(i);
            String ip = JsonSource.index(tp, i);
            JsonNode special = it.isObject() ? JsonSource.opt(it, "SpecialToken") : null;
            JsonNode sequence = it.isObject() ? JsonSource.opt(it, "Sequence") : null;
            if ((special == null) == (sequence == null)) {
                throw src.fail(ip, Problem.MALFORMED, "expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
            }
            if (special != null) {
                items.add(new Item(
                        special(
                                src,
                                ip,
                                src.string(special, JsonSource.child(ip, "SpecialToken"), "id"),
                                specials,
                                mp(path)),
                        0));
            } else {
                String id = src.string(sequence, JsonSource.child(ip, "Sequence"), "id");
                if (!id.equals("A") && !id.equals("B")) {
                    throw src.fail(
                            JsonSource.child(ip, "Sequence.id"), Problem.MALFORMED, "expected A or B, found " + id);
                }
                items.add(new Item(null, id.equals("A") ? 0 : 1));
            }
        }
        return items;
    }

    private static String mp(String path) {
        return JsonSource.child(path, "special_tokens");
    }

    private static int[] special(JsonSource src, String path, String token, Map<String, int[]> specials, String mapPath)
            throws TokenizerFormatException {
        int[] ids = specials.get(token);
        if (ids == null) {
            throw src.fail(path, Problem.INCONSISTENT, "special token \"" + token + "\" is not in " + mapPath);
        }
        return ids;
    }

    /** Fixed ids before and after the sequence (the processor built for vocab.json + merges.txt). */
    record Around(int[] prefix, int[] suffix) implements PostProcessor {
        @Override
        public List<int[]> process(List<int[]> encodings, boolean addSpecialTokens) {
            if (!addSpecialTokens) {
                return encodings;
            }
            List<int[]> out = new ArrayList<>(encodings.size() + 2);
            out.add(prefix);
            out.addAll(encodings);
            out.add(suffix);
            return out;
        }
    }
}
