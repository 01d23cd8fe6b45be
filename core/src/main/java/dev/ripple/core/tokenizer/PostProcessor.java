package dev.ripple.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.tokenizer.TokenizerFormatException.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * A tokenizer.json {@code post_processor} for a single sequence: the special tokens around it
 * (BOS/EOS, CLS/SEP). Pair templates are read but not used: the runtime encodes one text at a time.
 */
interface PostProcessor {

    /** The ids with the special tokens added. */
    IntArrayList apply(IntArrayList ids);

    /** Special ids placed before the sequence. */
    int[] prefix();

    /** Special ids placed after the sequence. */
    int[] suffix();

    static PostProcessor parse(JsonSource src, JsonNode node, String path, int depth)
            throws TokenizerFormatException {
        if (!node.isObject()) {
            throw src.fail(path, Problem.MALFORMED, "expected an object, found " + node.getNodeType());
        }
        if (depth > JsonSource.MAX_COMPONENT_DEPTH) {
            throw src.fail(path, Problem.TOO_LARGE, "sequences nested deeper than " + JsonSource.MAX_COMPONENT_DEPTH);
        }
        String type = src.string(node, path, "type");
        return switch (type) {
            case "ByteLevel" -> new Around(new int[0], new int[0]);
            case "TemplateProcessing" -> template(src, node, path);
            case "BertProcessing", "RobertaProcessing" -> {
                int cls = pairId(src, node, path, "cls");
                int sep = pairId(src, node, path, "sep");
                yield new Around(new int[] {cls}, new int[] {sep});
            }
            case "Sequence" -> {
                JsonNode list = src.array(node, path, "processors");
                List<Integer> pre = new ArrayList<>();
                List<Integer> post = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    PostProcessor p = parse(src, list.get(i), JsonSource.index(JsonSource.child(path, "processors"), i),
                            depth + 1);
                    // each processor wraps the result of the previous one
                    List<Integer> newPre = new ArrayList<>();
                    for (int id : p.prefix()) {
                        newPre.add(id);
                    }
                    newPre.addAll(pre);
                    pre = newPre;
                    for (int id : p.suffix()) {
                        post.add(id);
                    }
                }
                yield new Around(pre.stream().mapToInt(Integer::intValue).toArray(),
                        post.stream().mapToInt(Integer::intValue).toArray());
            }
            default -> throw src.fail(JsonSource.child(path, "type"), Problem.UNSUPPORTED, "post-processor type \"" + type
                    + "\" (supported: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence)");
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

    /** TemplateProcessing's {@code single}: items before and after the sequence {@code $A}. */
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
        String sp = JsonSource.child(path, "single");
        JsonNode single = JsonSource.opt(node, "single");
        if (single == null) {
            throw src.fail(sp, Problem.MALFORMED, "missing");
        }
        List<String> items = new ArrayList<>();
        List<Boolean> isSequence = new ArrayList<>();
        if (single.isTextual()) { // "[CLS] $A [SEP]" or "$A:0 </s>:1"
            for (String item : single.textValue().trim().split("\\s+")) {
                if (item.isEmpty()) {
                    continue;
                }
                String body = item.contains(":") ? item.substring(0, item.lastIndexOf(':')) : item;
                boolean seq = body.startsWith("$");
                items.add(body);
                isSequence.add(seq);
            }
        } else if (single.isArray()) {
            for (int i = 0; i < single.size(); i++) {
                JsonNode it = single.get(i);
                String ip = JsonSource.index(sp, i);
                JsonNode special = JsonSource.opt(it, "SpecialToken");
                JsonNode sequence = JsonSource.opt(it, "Sequence");
                if ((special == null) == (sequence == null)) {
                    throw src.fail(ip, Problem.MALFORMED, "expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
                }
                if (special != null) {
                    items.add(src.string(special, JsonSource.child(ip, "SpecialToken"), "id"));
                    isSequence.add(false);
                } else {
                    items.add("$" + src.string(sequence, JsonSource.child(ip, "Sequence"), "id"));
                    isSequence.add(true);
                }
            }
        } else {
            throw src.fail(sp, Problem.MALFORMED, "expected a list of items or a template string");
        }
        IntArrayList pre = new IntArrayList();
        IntArrayList post = new IntArrayList();
        boolean seen = false;
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            if (isSequence.get(i)) {
                if (seen) {
                    throw src.fail(sp, Problem.UNSUPPORTED, "a single-sequence template with the sequence twice");
                }
                seen = true;
                continue;
            }
            int[] ids = specials.get(item);
            if (ids == null) {
                throw src.fail(sp, Problem.INCONSISTENT, "special token \"" + item + "\" is not in " + mp);
            }
            (seen ? post : pre).addAll(ids);
        }
        if (!seen) {
            throw src.fail(sp, Problem.MALFORMED, "the template has no sequence ($A)");
        }
        return new Around(pre.toArray(), post.toArray());
    }

    /** Fixed ids before and after the sequence. */
    record Around(int[] prefix, int[] suffix) implements PostProcessor {
        @Override
        public IntArrayList apply(IntArrayList ids) {
            if (prefix.length == 0 && suffix.length == 0) {
                return ids;
            }
            IntArrayList out = new IntArrayList(ids.size() + prefix.length + suffix.length);
            out.addAll(prefix);
            out.addAll(ids);
            out.addAll(suffix);
            return out;
        }
    }
}
