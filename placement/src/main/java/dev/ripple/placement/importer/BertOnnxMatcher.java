package dev.ripple.placement.importer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.model.bert.BertConfig;
import dev.ripple.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Finds the non-FFN parts of a post-LayerNorm BERT encoder around already matched FFNs, by graph
 * structure rather than by initializer names (exporters rename MatMul weights to
 * {@code onnx::MatMul_123}):
 * <ul>
 *   <li>the FFN input is the output of LayerNorm1, whose input is {@code layerIn + attnOut}, where
 *       {@code attnOut} is a [d, d] linear map of the attention context;</li>
 *   <li>the three [d, d] linear maps reading {@code layerIn} are Q, K and V: following each one
 *       forward through Reshape/Transpose/scaling reaches a MatMul of two computed tensors — V is
 *       the right operand of the MatMul whose left operand comes from Softmax, Q the left and K the
 *       right operand of the scores MatMul;</li>
 *   <li>LayerNorm2 normalises {@code ffnOut + LayerNorm1 output};</li>
 *   <li>embeddings are Gathers from constant [n, d] tables: indexed by {@code input_ids} (word), by
 *       {@code token_type_ids} (token type), by anything else (position).</li>
 * </ul>
 * Tensor names and the config layout are documented in docs/IMPORT.md.
 */
final class BertOnnxMatcher {
    private final OnnxGraphIndex g;
    private final Map<String, OnnxLayerNorm> norms;
    private final List<ResidentTensor> tensors = new ArrayList<>();
    private final Path file;

    BertOnnxMatcher(OnnxGraphIndex g) {
        this.g = g;
        this.file = g.file();
        this.norms = OnnxLayerNorm.all(g);
    }

    record Result(ObjectNode architecture, List<ResidentTensor> tensors) {}

    Result match(List<OnnxFfn> ffns) throws IOException {
        OnnxFfn first = ffns.get(0);
        int d = first.down().out();
        int heads = -1;
        double eps = Double.NaN;
        Embeddings emb = null;
        List<BertConfig.Layer> layers = new ArrayList<>();
        String expectedLayerIn = null;
        for (int i = 0; i < ffns.size(); i++) {
            OnnxFfn ffn = ffns.get(i);
            String where = "layer " + i;
            if (ffn.down().out() != d || ffn.gated()) {
                throw unsupported(where + ": FFN shapes differ between layers or the FFN is gated; BERT import expects"
                        + " uniform ungated FFNs");
            }
            OnnxLayerNorm ln1 = norms.get(ffn.up().input());
            if (ln1 == null) {
                throw unsupported(where + ": the FFN input '" + ffn.up().input() + "' is not a LayerNorm output;"
                        + " only post-LayerNorm BERT graphs are supported for resident tensors");
            }
            OnnxNode residual = g.producer(ln1.input());
            if (residual == null || !residual.opType().equals("Add")) {
                throw unsupported(where + ": LayerNorm input is not a residual Add");
            }
            OnnxLinear attnOut = null;
            String layerIn = null;
            for (int side = 0; side < 2 && attnOut == null; side++) {
                OnnxLinear lin = OnnxLinear.producing(g, residual.input(side));
                if (lin != null && lin.in() == d && lin.out() == d && !g.isConstant(residual.input(1 - side))) {
                    attnOut = lin;
                    layerIn = residual.input(1 - side);
                }
            }
            if (attnOut == null) {
                throw unsupported(where + ": no attention output projection [" + d + ", " + d + "] before LayerNorm1");
            }
            if (expectedLayerIn != null && !expectedLayerIn.equals(layerIn)) {
                throw unsupported(where + ": layer input '" + layerIn + "' is not the previous layer's output '"
                        + expectedLayerIn + "'");
            }
            OnnxLinear q = null;
            OnnxLinear k = null;
            OnnxLinear v = null;
            for (OnnxNode c : g.consumers(layerIn)) {
                OnnxTensor w = g.matrix(c.input(1));
                if (!c.opType().equals("MatMul")
                        || w == null
                        || w.dim(0) != d
                        || !c.input(0).equals(layerIn)) {
                    continue;
                }
                OnnxLinear lin = OnnxLinear.producing(g, g.linearOutput(c));
                Role r = lin == null ? null : roleOf(lin.output());
                if (r == null) {
                    continue;
                }
                switch (r.kind) {
                    case 'q' -> q = lin;
                    case 'k' -> k = lin;
                    default -> v = lin;
                }
                if (r.kind == 'q' && r.heads > 0) {
                    heads = r.heads;
                }
            }
            if (q == null || k == null || v == null) {
                throw unsupported(where + ": could not identify query, key and value projections reading '" + layerIn
                        + "' (found q=" + (q != null) + ", k=" + (k != null) + ", v=" + (v != null) + ")");
            }
            String ffnOut = ffn.down().output();
            OnnxLayerNorm ln2 = null;
            for (OnnxNode c : g.consumers(ffnOut)) {
                if (c.opType().equals("Add") && c.inputs().contains(ln1.output())) {
                    ln2 = norms.values().stream()
                            .filter(n -> n.input().equals(c.output()))
                            .findFirst()
                            .orElse(null);
                }
            }
            if (ln2 == null) {
                throw unsupported(where + ": no LayerNorm of (FFN output + LayerNorm1 output) after the FFN");
            }
            if (i == 0) {
                emb = embeddings(layerIn, d);
                eps = ln1.eps();
            }
            expectedLayerIn = ln2.output();
            String p = "layers." + i + ".";
            String[] query = linear(p + "attention.query", q);
            String[] key = linear(p + "attention.key", k);
            String[] value = linear(p + "attention.value", v);
            String[] output = linear(p + "attention.output", attnOut);
            String[] norm1 = norm(p + "attention.norm", ln1);
            String[] norm2 = norm(p + "output.norm", ln2);
            layers.add(new BertConfig.Layer(
                    query[0], query[1], key[0], key[1], value[0], value[1], output[0], output[1], norm1[0], norm1[1],
                    norm2[0], norm2[1]));
        }
        if (heads <= 0 || d % heads != 0) {
            throw unsupported(
                    "could not read the number of attention heads from the query Reshape (found " + heads + ")");
        }
        BertConfig config = new BertConfig(
                d,
                first.down().in(),
                heads,
                ffns.size(),
                Float.parseFloat(Float.toString((float) eps)),
                emb.vocab(),
                emb.positions(),
                emb.types(),
                first.activation().label(),
                "mean",
                true,
                emb.word(),
                emb.position(),
                emb.tokenType(),
                emb.norm()[0],
                emb.norm()[1],
                layers);
        return new Result(config.toJson(), tensors);
    }

    /** The embedding tables found before the first layer, as resident tensor names and sizes. */
    private record Embeddings(
            String word, String position, String tokenType, String[] norm, int vocab, int positions, int types) {}

    private Embeddings embeddings(String layer0In, int d) throws IOException {
        OnnxLayerNorm ln = norms.get(layer0In);
        if (ln == null) {
            throw unsupported("the first layer's input '" + layer0In + "' is not a LayerNorm of the embeddings");
        }
        OnnxTensor word = null;
        OnnxTensor pos = null;
        OnnxTensor type = null;
        for (OnnxNode n : g.graph().nodes()) {
            OnnxTensor table = g.matrix(n.input(0));
            if (!n.opType().equals("Gather") || table == null || table.dim(1) != d) {
                continue;
            }
            switch (n.input(1)) {
                case "input_ids" -> word = table;
                case "token_type_ids" -> type = table;
                default -> pos = table;
            }
        }
        if (word == null || pos == null) {
            throw unsupported("no word or position embedding Gather from a constant [n, " + d + "] table indexed by"
                    + " input_ids / positions (graph inputs: " + g.graph().inputs() + ")");
        }
        return new Embeddings(
                add("embeddings.word", word, false),
                add("embeddings.position", pos, false),
                type == null ? null : add("embeddings.token_type", type, false),
                norm("embeddings.norm", ln),
                (int) word.dim(0),
                (int) pos.dim(0),
                type == null ? 0 : (int) type.dim(0));
    }

    /** Adds a projection's weight and bias (zeros when the graph has none); returns their names. */
    private String[] linear(String name, OnnxLinear lin) throws ModelFormatException {
        return new String[] {
            add(name + ".weight", lin.weight(), true),
            lin.bias() == null ? addZeros(name + ".bias", lin.out()) : add(name + ".bias", lin.bias(), false)
        };
    }

    /** Adds a layer norm's weight and bias; returns their names. */
    private String[] norm(String name, OnnxLayerNorm ln) throws ModelFormatException {
        return new String[] {add(name + ".weight", ln.gamma(), false), add(name + ".bias", ln.beta(), false)};
    }

    /** Adds a resident tensor; ONNX [in, out] matrices are transposed to [out, in] when {@code transpose}. */
    private String add(String name, OnnxTensor t, boolean transpose) throws ModelFormatException {
        float[] v = t.toFloats(file);
        long[] shape;
        if (t.rank() == 2 && transpose) {
            v = Matrices.transpose(v, (int) t.dim(0), (int) t.dim(1));
            shape = new long[] {t.dim(1), t.dim(0)};
        } else if (t.rank() == 2 && t.dim(0) == 1 && !name.startsWith("embeddings.")) {
            shape = new long[] {t.dim(1)};
        } else {
            shape = t.dims();
        }
        tensors.add(new ResidentTensor(name, DType.F32, shape, v));
        return name;
    }

    private String addZeros(String name, int n) {
        tensors.add(new ResidentTensor(name, DType.F32, new long[] {n}, new float[n]));
        return name;
    }

    /** Where a projection's output ends up in attention. */
    private record Role(char kind, int heads) {}

    private Role roleOf(String start) {
        Deque<String> queue = new ArrayDeque<>();
        queue.add(start);
        int heads = -1;
        for (int steps = 0; steps < 64 && !queue.isEmpty(); steps++) {
            String t = queue.poll();
            for (OnnxNode c : g.consumers(t)) {
                int slot = c.inputs().indexOf(t);
                switch (c.opType()) {
                    case "MatMul" -> {
                        if (!g.isConstant(c.input(0)) && !g.isConstant(c.input(1))) {
                            if (slot == 1 && fromSoftmax(c.input(0))) {
                                return new Role('v', heads);
                            }
                            return new Role(slot == 0 ? 'q' : 'k', heads);
                        }
                    }
                    case "Reshape" -> {
                        if (slot == 0) {
                            if (heads < 0) {
                                heads = headsOf(c.input(1));
                            }
                            queue.add(c.output());
                        }
                    }
                    case "Transpose", "Cast", "Identity", "Squeeze", "Unsqueeze" -> {
                        if (slot == 0) {
                            queue.add(c.output());
                        }
                    }
                    case "Div", "Mul" -> {
                        if (g.isConstant(c.input(1 - slot))) {
                            queue.add(c.output());
                        }
                    }
                    default -> {
                        // Shape, Gather and others read metadata, not the values.
                    }
                }
            }
        }
        return null;
    }

    private boolean fromSoftmax(String t) {
        for (int hop = 0; hop < 3; hop++) {
            OnnxNode p = g.producer(t);
            if (p == null) {
                return false;
            }
            if (p.opType().equals("Softmax")) {
                return true;
            }
            t = p.input(0);
        }
        return false;
    }

    /** Heads from a [batch, seq, heads, headDim] reshape target: a constant, or a Concat whose third part is constant. */
    private int headsOf(String shape) {
        OnnxTensor c = g.constant(shape);
        try {
            if (c != null && c.elementCount() == 4) {
                return (int) c.toFloats(file)[2];
            }
            OnnxNode concat = g.producer(shape);
            if (concat != null
                    && concat.opType().equals("Concat")
                    && concat.inputs().size() == 4) {
                double h = g.scalar(concat.input(2));
                return Double.isNaN(h) ? -1 : (int) h;
            }
        } catch (ModelFormatException e) {
            return -1;
        }
        return -1;
    }

    private UnsupportedModelException unsupported(String detail) {
        return new UnsupportedModelException(file, "BERT structure: " + detail);
    }
}
