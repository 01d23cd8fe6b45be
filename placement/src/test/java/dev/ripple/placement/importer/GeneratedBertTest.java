package dev.ripple.placement.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.profile.EncodedPassage;
import dev.ripple.placement.profile.OnnxProfiler;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileProgress;
import dev.ripple.placement.profile.ProfileResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated two-layer BERT written with the {@code LayerNormalization} operator, Q/K/V created
 * in a shuffled order with anonymous weight names: the importer must find every role by structure,
 * and ONNX Runtime must accept the graph (profiled through position_ids as well).
 */
class GeneratedBertTest {
    static final int D = 8;
    static final int H = 2;
    static final int F = 16;
    static final int VOCAB = 13;
    static final int LAYERS = 2;

    @TempDir
    Path dir;

    @Test
    void residentRolesAreFoundByStructure() throws Exception {
        Map<String, float[]> weights = new HashMap<>();
        Path file = dir.resolve("bert.onnx");
        Files.write(file, bertBytes(weights));

        ImportedModel m = OnnxImporter.importModel(file, DType.F32);
        ObjectNode a = m.architecture();
        assertEquals(H, a.get("numHeads").asInt());
        assertEquals(VOCAB, a.get("vocabSize").asInt());
        assertEquals(32, a.get("maxPositions").asInt());
        assertEquals(1e-6, a.get("layerNormEps").asDouble(), 1e-12);
        assertArrayEquals(weights.get("word"), m.tensor("embeddings.word").values());
        assertArrayEquals(weights.get("pos"), m.tensor("embeddings.position").values());
        assertArrayEquals(weights.get("type"), m.tensor("embeddings.token_type").values());
        assertArrayEquals(
                weights.get("embln.g"), m.tensor("embeddings.norm.weight").values());
        for (int l = 0; l < LAYERS; l++) {
            String p = "l" + l + ".";
            for (String role : List.of("query", "key", "value")) {
                assertArrayEquals(
                        GeneratedFfnModel.transpose(weights.get("onnx::MatMul_" + p + role), D, D),
                        m.tensor("layers." + l + ".attention." + role + ".weight")
                                .values(),
                        p + role);
                assertArrayEquals(
                        weights.get(p + role + ".b"),
                        m.tensor("layers." + l + ".attention." + role + ".bias").values());
            }
            assertArrayEquals(
                    GeneratedFfnModel.transpose(weights.get("onnx::MatMul_" + p + "out"), D, D),
                    m.tensor("layers." + l + ".attention.output.weight").values());
            assertArrayEquals(
                    weights.get(p + "ln1.b"),
                    m.tensor("layers." + l + ".attention.norm.bias").values());
            assertArrayEquals(
                    weights.get(p + "ln2.g"),
                    m.tensor("layers." + l + ".output.norm.weight").values());
            assertArrayEquals(weights.get(p + "down.b"), m.layers().get(l).downBias());
        }

        try (OnnxProfiler profiler =
                OnnxProfiler.open(file, null, ProfileOptions.defaults().withThreads(1))) {
            EncodedPassage passage = new EncodedPassage(new long[] {1, 5, 7, 2}, new long[] {1, 1, 1, 1}, new long[4]);
            ProfileResult r = profiler.profileEncoded(List.of(passage, passage), "generated", ProfileProgress.NONE);
            assertEquals(8, r.tokens());
            assertEquals(r.trace().active(1, 0), r.trace().active(1, 4), "same passage, same active sets");
        }
    }

    /**
     * A small BERT encoder exported the way PyTorch does it (also a seed of the ONNX fuzz test);
     * fills {@code weights} with the generated initializers by name.
     */
    static byte[] bertBytes(Map<String, float[]> weights) {
        Random rnd = new Random(99);
        OnnxTestWriter w = new OnnxTestWriter(17);
        w.input("input_ids", 7, "batch", "seq")
                .input("token_type_ids", 7, "batch", "seq")
                .input("position_ids", 7, "batch", "seq");
        String word = init(w, weights, "word", new long[] {VOCAB, D}, rnd);
        String type = init(w, weights, "type", new long[] {2, D}, rnd);
        String pos = init(w, weights, "pos", new long[] {32, D}, rnd);
        String emb = w.node(
                "Add",
                w.node("Add", w.node("Gather", word, "input_ids"), w.node("Gather", type, "token_type_ids")),
                w.node("Gather", pos, "position_ids"));
        String x = layerNorm(w, weights, "embln", emb, rnd);
        String heads = w.longInitializer("shape_heads", 0, 0, H, D / H);
        String merged = w.longInitializer("shape_merged", 0, 0, D);
        for (int l = 0; l < LAYERS; l++) {
            String p = "l" + l + ".";
            Map<String, String> proj = new HashMap<>();
            for (String role : l == 0 ? List.of("value", "query", "key") : List.of("key", "value", "query")) {
                String mm = w.node("MatMul", x, init(w, weights, "onnx::MatMul_" + p + role, new long[] {D, D}, rnd));
                String b = init(w, weights, p + role + ".b", new long[] {D}, rnd);
                proj.put(role, role.equals("key") ? w.node("Add", mm, b) : w.node("Add", b, mm));
            }
            String q = w.nodeWithAttrs(
                    "Transpose",
                    List.of(OnnxTestWriter.intsAttr("perm", 0, 2, 1, 3)),
                    w.node("Reshape", proj.get("query"), heads));
            String k = w.nodeWithAttrs(
                    "Transpose",
                    List.of(OnnxTestWriter.intsAttr("perm", 0, 2, 3, 1)),
                    w.node("Reshape", proj.get("key"), heads));
            String v = w.nodeWithAttrs(
                    "Transpose",
                    List.of(OnnxTestWriter.intsAttr("perm", 0, 2, 1, 3)),
                    w.node("Reshape", proj.get("value"), heads));
            String probs =
                    w.node("Softmax", w.node("Div", w.node("MatMul", q, k), w.constant((float) Math.sqrt(D / H))));
            String ctx = w.node(
                    "Reshape",
                    w.nodeWithAttrs(
                            "Transpose",
                            List.of(OnnxTestWriter.intsAttr("perm", 0, 2, 1, 3)),
                            w.node("MatMul", probs, v)),
                    merged);
            String attnOut = w.node(
                    "Add",
                    w.node("MatMul", ctx, init(w, weights, "onnx::MatMul_" + p + "out", new long[] {D, D}, rnd)),
                    init(w, weights, p + "out.b", new long[] {D}, rnd));
            String h = layerNorm(w, weights, p + "ln1", w.node("Add", x, attnOut), rnd);
            String up = w.node(
                    "Add",
                    w.node("MatMul", h, init(w, weights, p + "up", new long[] {D, F}, rnd)),
                    init(w, weights, p + "up.b", new long[] {F}, rnd));
            String down = w.node(
                    "Add",
                    w.node("MatMul", w.node("Relu", up), init(w, weights, p + "down", new long[] {F, D}, rnd)),
                    init(w, weights, p + "down.b", new long[] {D}, rnd));
            x = layerNorm(w, weights, p + "ln2", w.node("Add", down, h), rnd);
        }
        w.output(x);
        return w.build();
    }

    private static String init(OnnxTestWriter w, Map<String, float[]> weights, String name, long[] dims, Random rnd) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] v = GeneratedFfnModel.random(rnd, n, 0.5f);
        weights.put(name, v);
        return w.initializer(name, dims, v);
    }

    private static String layerNorm(
            OnnxTestWriter w, Map<String, float[]> weights, String name, String in, Random rnd) {
        String g = init(w, weights, name + ".g", new long[] {D}, rnd);
        String b = init(w, weights, name + ".b", new long[] {D}, rnd);
        return w.nodeWithAttrs("LayerNormalization", List.of(OnnxTestWriter.floatAttr("epsilon", 1e-6f)), in, g, b);
    }
}
