package dev.ripple.core.tokenizer;

import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Derives {@link UnicodeCompat}'s tables from the oracle: asks Hugging Face's tokenizers library,
 * code point by code point, what its BERT pre-tokenizer calls punctuation, what its BERT normalizer
 * removes as a control character or strips as an accent, what StripAccents removes, and what its
 * NFD/NFKD/NFKC leave alone, and prints every code point where Java's own Unicode tables say
 * otherwise. Run it after a JDK or oracle upgrade changes {@link UnicodeCompatOracleTest}'s verdict:
 *
 * <pre>{@code
 * ./mvnw -q -pl tokenizer-data,core -am test-compile -Dripple.fuzz.skip=true
 * java -cp "core/target/test-classes:core/target/classes:$(cat classpath)" dev.ripple.core.tokenizer.UnicodeCompatGenerator
 * }</pre>
 */
public final class UnicodeCompatGenerator {
    private UnicodeCompatGenerator() {}

    static final class Probe implements AutoCloseable {
        private final HfOracle hf;

        private Probe(String json) {
            hf = HfOracle.of(json.getBytes(StandardCharsets.UTF_8));
        }

        /** A WordLevel model that knows nothing, behind a pre-tokenizer: its pieces are the spans of the [UNK]s. */
        static Probe pieces(String preTokenizer) {
            return new Probe("{\"version\":\"1.0\",\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"[UNK]\":0},"
                    + "\"unk_token\":\"[UNK]\"},\"pre_tokenizer\":" + preTokenizer + "}");
        }

        /** A BPE model of the 256 byte tokens with byte fallback behind a normalizer: its ids are the normalized bytes. */
        static Probe normalizer(String normalizer) {
            StringBuilder v = new StringBuilder();
            for (int b = 0; b < 256; b++) {
                v.append(b == 0 ? "" : ",").append(String.format("\"<0x%02X>\":%d", b, b));
            }
            return new Probe("{\"version\":\"1.0\",\"normalizer\":" + normalizer
                    + ",\"model\":{\"type\":\"BPE\",\"vocab\":{" + v + "},\"merges\":[],\"byte_fallback\":true}}");
        }

        List<String> split(String text) {
            List<String> out = new ArrayList<>();
            for (CharSpan s : hf.spans(text)) { // spans count code points
                out.add(text.substring(
                        text.offsetByCodePoints(0, s.getStart()), text.offsetByCodePoints(0, s.getEnd())));
            }
            return out;
        }

        String normalize(String text) {
            int[] ids = hf.encode(text, false);
            byte[] b = new byte[ids.length];
            for (int i = 0; i < ids.length; i++) {
                b[i] = (byte) ids[i];
            }
            return new String(b, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            hf.close();
        }
    }

    static boolean isScalar(int cp) {
        return cp < 0xD800 || cp > 0xDFFF;
    }

    /** Code points where the oracle's verdict differs from Java's. */
    static int[] differences(IntPredicate oracle, IntPredicate java, IntPredicate among) {
        List<Integer> out = new ArrayList<>();
        for (int cp = 0; cp <= 0x10FFFF; cp++) {
            if (isScalar(cp) && among.test(cp) && oracle.test(cp) != java.test(cp)) {
                out.add(cp);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static String bert(boolean clean, boolean stripAccents) {
        return "{\"type\":\"BertNormalizer\",\"clean_text\":" + clean
                + ",\"handle_chinese_chars\":false,\"strip_accents\":" + stripAccents + ",\"lowercase\":false}";
    }

    public static void main(String[] args) {
        StringBuilder out = new StringBuilder();
        try (Probe p = Probe.pieces("{\"type\":\"BertPreTokenizer\"}")) {
            emit(
                    out,
                    "PUNCTUATION",
                    differences(
                            cp -> p.split("a" + Character.toString(cp) + "a").size() == 3,
                            UnicodeCompat::javaPunctuation,
                            cp -> true));
        }
        try (Probe p = Probe.normalizer(bert(true, false))) {
            emit(
                    out,
                    "CONTROL",
                    differences(
                            cp -> cp != 0
                                    && cp != 0xFFFD
                                    && p.normalize("a" + Character.toString(cp) + "b")
                                            .equals("ab"),
                            UnicodeCompat::javaControl,
                            cp -> cp != 0 && cp != 0xFFFD));
        }
        try (Probe p = Probe.normalizer("{\"type\":\"StripAccents\"}")) {
            emit(
                    out,
                    "MARK",
                    differences(
                            cp -> p.normalize("a" + Character.toString(cp) + "b")
                                    .equals("ab"),
                            UnicodeCompat::javaMark,
                            cp -> true));
        }
        int[][] opaque = new int[4][];
        Form[] forms = {Form.NFD, Form.NFKD, Form.NFKC, Form.NFC};
        for (int f = 0; f < forms.length; f++) {
            Form form = forms[f];
            try (Probe p = Probe.normalizer("{\"type\":\"" + form + "\"}")) {
                List<Integer> list = new ArrayList<>();
                for (int cp = 0; cp <= 0x10FFFF; cp++) {
                    if (!isScalar(cp)) {
                        continue;
                    }
                    // alone, and before and after a mark (a new mark's combining class reorders in Java only)
                    String c = Character.toString(cp);
                    for (String s : new String[] {"a" + c + "b", " " + c + "\u0301 ", " \u0301" + c + " "}) {
                        String hf = p.normalize(s);
                        if (!hf.equals(Normalizer.normalize(s, form))) {
                            if (!hf.equals(s)) {
                                throw new IllegalStateException(form + " of U+" + Integer.toHexString(cp)
                                        + " differs and is not the identity in the oracle: " + hf);
                            }
                            list.add(cp);
                            break;
                        }
                    }
                }
                opaque[f] = list.stream().mapToInt(Integer::intValue).toArray();
                emit(out, form + "_OPAQUE", opaque[f]);
            }
        }
        int[] nfdOpaque = opaque[0];
        try (Probe p = Probe.normalizer(bert(false, true))) {
            // the non-spacing mark test, on characters the oracle's NFD leaves as they are
            emit(
                    out,
                    "NONSPACING_MARK",
                    differences(
                            cp -> p.normalize("a" + Character.toString(cp) + "b")
                                    .equals("ab"),
                            cp -> Character.getType(cp) == Character.NON_SPACING_MARK,
                            cp -> Arrays.binarySearch(nfdOpaque, cp) >= 0
                                    || Normalizer.normalize(Character.toString(cp), Form.NFD)
                                            .equals(Character.toString(cp))));
        }
        System.out.print(out);
    }

    private static void emit(StringBuilder out, String name, int[] cps) {
        out.append("    /** ").append(cps.length).append(" code points. */\n");
        out.append("    static final int[] ").append(name).append(" = {");
        for (int i = 0; i < cps.length; i++) {
            out.append(i % 12 == 0 ? "\n            " : " ")
                    .append(String.format("0x%04X", cps[i]))
                    .append(i + 1 < cps.length ? "," : "");
        }
        out.append("};\n\n");
    }
}
