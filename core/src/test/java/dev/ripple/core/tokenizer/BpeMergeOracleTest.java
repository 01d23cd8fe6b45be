package dev.ripple.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The merge loop against the oracle on random merge tables over a four-letter alphabet, where many
 * pairs merge into the same token, merges are listed twice and ranks interleave: the cases in which
 * the order of the priority queue (rank, then position) decides the result. Then the
 * pathological tables: a merge for every pair, and a chain that rebuilds one long token, on a
 * megabyte of text, within a time bound.
 */
class BpeMergeOracleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A consistent random BPE over {a, b, c, d}: merges of existing tokens, results that repeat. */
    static ObjectNode randomBpe(long seed, int merges) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<String> tokens = new ArrayList<>();
        for (String s : new String[] {"a", "b", "c", "d"}) {
            vocab.put(s, vocab.size());
            tokens.add(s);
        }
        ArrayNode list = JSON.createArrayNode();
        List<String[]> made = new ArrayList<>();
        for (int i = 0; i < merges; i++) {
            String x;
            String y;
            if (!made.isEmpty() && r.nextInt(5) == 0) { // a merge listed again, or another pair for the same token
                String[] m = made.get(r.nextInt(made.size()));
                x = m[0];
                y = m[1];
                String merged = x + y;
                for (int cut = 1; cut < merged.length() && r.nextBoolean(); cut++) {
                    if (vocab.containsKey(merged.substring(0, cut)) && vocab.containsKey(merged.substring(cut))) {
                        x = merged.substring(0, cut);
                        y = merged.substring(cut);
                    }
                }
            } else {
                x = tokens.get(r.nextInt(tokens.size()));
                y = tokens.get(r.nextInt(tokens.size()));
            }
            String merged = x + y;
            if (merged.length() > 8) {
                continue;
            }
            if (vocab.putIfAbsent(merged, vocab.size()) == null) {
                tokens.add(merged);
            }
            made.add(new String[] {x, y});
            list.add(x + " " + y);
        }
        ObjectNode root = JSON.createObjectNode().put("version", "1.0");
        ObjectNode model = root.putObject("model").put("type", "BPE");
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        model.set("merges", list);
        return root;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomMergeTablesEqualTheOracle(long seed) throws Exception {
        byte[] json = JSON.writeValueAsBytes(randomBpe(seed, 60));
        Tokenizer ours = Tokenizer.fromJson(json);
        SplittableRandom r = new SplittableRandom(seed * 31);
        try (HfOracle oracle = HfOracle.of(json)) {
            for (int i = 0; i < 500; i++) {
                StringBuilder b = new StringBuilder();
                int n = 1 + r.nextInt(40);
                for (int k = 0; k < n; k++) {
                    b.append("abcd".charAt(r.nextInt(4)));
                }
                String s = b.toString();
                int[] expected = oracle.encode(s, false);
                int[] actual = ours.encode(s, false);
                if (!Arrays.equals(expected, actual)) {
                    fail("seed " + seed + ", \"" + s + "\": oracle " + OracleExactnessTest.describe(ours, expected)
                            + ", ours " + OracleExactnessTest.describe(ours, actual));
                }
            }
        }
    }

    @Test
    void aMergeForEveryPairStaysFastOnAMegabyte() throws Exception {
        BpeDocument doc = new BpeDocument();
        ObjectNode vocab = doc.vocab;
        ArrayNode merges = doc.merges;
        String letters = "abcdefghijklmnopqrstuvwxyz";
        int id = 0;
        for (char c : letters.toCharArray()) {
            vocab.put(Character.toString(c), id++);
        }
        for (char x : letters.toCharArray()) { // every pair merges, and every pair of pairs
            for (char y : letters.toCharArray()) {
                vocab.put("" + x + y, id++);
                merges.add(x + " " + y);
            }
        }
        for (int i = 0; i < 2000; i++) {
            String x = "" + letters.charAt(i % 26) + letters.charAt(i / 26 % 26);
            String y = "" + letters.charAt(i * 7 % 26) + letters.charAt(i * 13 % 26);
            if (!vocab.has(x + y)) {
                vocab.put(x + y, id++);
                merges.add(x + " " + y);
            }
        }
        Tokenizer t = doc.tokenizer();
        SplittableRandom r = new SplittableRandom(9);
        StringBuilder b = new StringBuilder();
        while (b.length() < 1 << 20) {
            b.append(letters.charAt(r.nextInt(26)));
        }
        String text = b.toString();
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> t.encode(text));
        assertEquals(text, t.decode(ids, false).replace(" ", ""));
    }

    @Test
    void aChainThatRebuildsOneLongTokenStaysFast() throws Exception {
        // a, aa, aaa, ... up to 4096 a's: each merge appends one "a"; the text is one word of a's
        BpeDocument doc = new BpeDocument();
        ObjectNode vocab = doc.vocab;
        ArrayNode merges = doc.merges;
        vocab.put("a", 0);
        for (int k = 2; k <= 4096; k++) {
            vocab.put("a".repeat(k), k - 1);
            merges.add("a".repeat(k - 1) + " a");
        }
        Tokenizer t = doc.tokenizer();
        String text = "a".repeat(1 << 20);
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> t.encode(text));
        assertEquals(text.length(), Arrays.stream(ids).map(i -> i + 1).sum());
    }

    /** A BPE tokenizer document with nothing but its model: fill {@link #vocab} and {@link #merges}, then build it. */
    private static final class BpeDocument {
        final ObjectNode root = JSON.createObjectNode();
        final ObjectNode model = root.putObject("model").put("type", "BPE");
        final ObjectNode vocab = model.putObject("vocab");
        final ArrayNode merges = model.putArray("merges");

        Tokenizer tokenizer() throws Exception {
            return Tokenizer.fromJson(JSON.writeValueAsBytes(root));
        }
    }
}
