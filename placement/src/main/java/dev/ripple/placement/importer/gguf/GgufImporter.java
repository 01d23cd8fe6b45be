package dev.ripple.placement.importer.gguf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.model.decoder.DecoderConfig.Family;
import dev.ripple.core.model.decoder.DecoderConfig.Norm;
import dev.ripple.core.model.decoder.DecoderConfig.Projection;
import dev.ripple.core.model.decoder.DecoderConfig.Rope;
import dev.ripple.core.model.decoder.DecoderConfig.RopeScaling;
import dev.ripple.core.model.decoder.DecoderConfig.Rotation;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.importer.DecoderParts;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.UnsupportedModelException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports Llama-family decoders from GGUF files (llama.cpp's format): architectures {@code llama}
 * (Llama 2 and 3, Mistral and the other models llama.cpp converts to it) and {@code qwen2}. The file
 * is mapped, never read onto the heap: tensors in a type the runtime computes on (F32, F16, BF16,
 * Q8_0, Q4_0) are handed to the writer in place and copied as they are, other resident tensors are
 * converted to Q8_0 a few rows at a time ({@link Reader#residentFor}), FFN bundles are gathered
 * neuron by neuron as they are written ({@link GgufFfnLayer}; up and gate rows already in the bundle
 * type are copied block for block), and the vocabulary becomes a Hugging Face tokenizer.json stored
 * with the model ({@link GgufTokenizer}).
 *
 * <pre>{@code
 * ImportedModel m = GgufImporter.importModel(Path.of("llama-2-7b.Q4_K_M.gguf"), DType.F16);
 * RippleFileWriter.write(Path.of("llama-2-7b.ripple"), m.toContents());
 * }</pre>
 *
 * <h2>Mapping</h2>
 * Config from {@code <arch>.context_length, embedding_length, block_count, feed_forward_length,
 * attention.head_count, attention.head_count_kv, attention.key_length, attention.layer_norm_rms_epsilon,
 * rope.freq_base, rope.dimension_count} (which must equal the head width: partial rotary embeddings are
 * refused), {@code rope.scaling.type} {@code linear} with {@code rope.scaling.factor}, and for
 * {@code llama} a {@code rope_freqs.weight} tensor, which llama.cpp's converter writes for Llama 3.1
 * scaling and which must equal the {@code llama3} scaling (low 1, high 4, original context
 * {@code rope.scaling.original_context_length} or 8192, factor its largest value); other scaling types
 * are refused. Tensors: {@code token_embd, output_norm, output} (absent: tied to the embeddings), and per
 * layer {@code attn_norm, attn_q, attn_k, attn_v, attn_output} (q/k/v/output biases when present, as
 * Qwen2 has), {@code ffn_norm, ffn_gate, ffn_up, ffn_down}; the FFN is SwiGLU. A tensor the
 * architecture does not use is refused by name.
 *
 * <h2>Rotation</h2>
 * llama.cpp's converter permutes the q and k rows of {@code llama} models so that each head's
 * halves (i, i + d/2) become adjacent pairs (2i, 2i + 1), and runs them with adjacent-pair rotary
 * embeddings: such files are recorded as {@link Rotation#ADJACENT}. {@code qwen2} files are not
 * permuted and llama.cpp rotates them in the NeoX style, halves apart: {@link Rotation#HALF}.
 * docs/GGUF.md says how this was verified.
 */
public final class GgufImporter {
    /** The architectures imported. */
    public static final List<String> ARCHITECTURES = List.of("llama", "qwen2");

    private GgufImporter() {}

    /**
     * Imports with the default resident types ({@link Reader#residentFor}): what the runtime computes
     * on as it is, everything else in Q8_0.
     *
     * @param gguf    the {@code .gguf} file
     * @param bundles element type of the FFN bundles on flash (f32, f16, bf16, q8_0 or q4_0; up and
     *                gate rows the file holds in that block type are copied, not requantized)
     * @throws ModelFormatException      when the file is malformed or inconsistent (naming file and field)
     * @throws UnsupportedModelException for architectures, tensor types and options this importer does not read
     */
    public static ImportedModel importModel(Path gguf, DType bundles) throws IOException {
        return importModel(gguf, bundles, null);
    }

    /**
     * As {@link #importModel(Path, DType)}, converting the resident matrices the runtime cannot
     * compute on (Q4_1, K-quants) into {@code residents} rather than Q8_0, straight from the file's
     * values (one rounding). Matrices of other types are handed over as they are stored; a writer
     * asked for another resident type ({@code LayoutBuilder.residentType}) converts them as it writes.
     *
     * @param residents the type of converted resident matrices, or null for Q8_0
     */
    public static ImportedModel importModel(Path gguf, DType bundles, DType residents) throws IOException {
        if (residents != null && !residents.holdsWeights()) {
            throw new IllegalArgumentException("resident tensors hold weights, not " + residents.label());
        }
        // An automatic arena: the mapping lives as long as the slices handed to the writer.
        GgufFile f = GgufFile.open(gguf, Arena.ofAuto());
        String arch = f.getString("general.architecture");
        if (!ARCHITECTURES.contains(arch)) {
            throw new UnsupportedModelException(
                    gguf,
                    "general.architecture '" + arch + "' is not supported (" + String.join(", ", ARCHITECTURES)
                            + " are)");
        }
        try (ResidentSpill spill = ResidentSpill.create()) {
            return new Reader(f, arch, bundles, residents, spill).read();
        }
    }

    /**
     * A resident tensor converted from a type the runtime does not compute on.
     *
     * @param relativeError relative RMS error of the stored values against the file's
     */
    record Conversion(String tensor, GgmlType from, DType to, double relativeError) {}

    /** One import: the file, what has been claimed from it, and the pieces built so far. */
    private static final class Reader {
        private final GgufFile f;
        private final String arch;
        private final DType storage;
        private final DecoderParts parts = new DecoderParts();
        private final DType converted;
        private final ResidentSpill spill;
        /** The resident tensors converted from a type the runtime does not compute on, for the provenance. */
        private final List<Conversion> conversions = new ArrayList<>();

        Reader(GgufFile f, String arch, DType storage, DType converted, ResidentSpill spill) {
            this.f = f;
            this.arch = arch;
            this.storage = storage;
            this.converted = converted;
            this.spill = spill;
        }

        /**
         * The one place that decides how a resident tensor of a GGUF file is stored in the
         * {@code .ripple} file. Types the runtime computes on (F32, F16, BF16, Q8_0, Q4_0) are handed
         * over in place ({@code ResidentTensor.stored}: the writer copies the mapped bytes, nothing is
         * converted or copied onto the heap). The others (Q4_1 and the K-quants, e.g. the Q6_K
         * embeddings and output of a Q4_K_M file) are decoded a few rows at a time and stored in a
         * mapped temporary file ({@link ResidentSpill}): matrices as Q8_0, or as the resident type
         * asked for, vectors as f32 (exact). Q8_0 of a Q4_K matrix adds a relative RMS error of
         * about 0.3-0.6% to the file's values (Q4_K's own error against the original weights is
         * several percent); each conversion's measured error is recorded in the architecture's
         * {@code gguf.residentConversions}.
         *
         * @param as the tensor's name in the {@code .ripple} file
         */
        ResidentTensor residentFor(GgufTensor t, String as) throws IOException {
            if (t.type().runtimeType() != null) {
                return ResidentTensor.stored(as, t.asTensor(as));
            }
            long[] dims = t.dims();
            boolean matrix = dims.length == 2 && dims[0] > 1 && dims[1] > 1;
            DType type = !matrix
                    ? DType.F32
                    : converted != null && t.rowLength() % converted.blockSize() == 0 ? converted : DType.Q8_0;
            ResidentSpill.Converted c = spill.convert(t, type, as);
            conversions.add(new Conversion(as, t.type(), type, c.relativeError()));
            return ResidentTensor.stored(as, c.tensor());
        }

        ImportedModel read() throws IOException {
            for (GgufTensor t : f.tensors()) {
                t.requireReadable();
            }
            if (f.getLong(arch + ".expert_count", 0) > 0) {
                throw new UnsupportedModelException(
                        f.path(),
                        arch + ".expert_count is " + f.getLong(arch + ".expert_count")
                                + ": mixture-of-experts FFNs are not supported");
            }
            int d = positive(arch + ".embedding_length");
            int ffnDim = positive(arch + ".feed_forward_length");
            int layers = positive(arch + ".block_count");
            int heads = positive(arch + ".attention.head_count");
            int kvHeads =
                    f.has(arch + ".attention.head_count_kv") ? positive(arch + ".attention.head_count_kv") : heads;
            int maxPositions = positive(arch + ".context_length");
            if (heads % kvHeads != 0) {
                throw format(
                        arch + ".attention.head_count_kv", kvHeads + " does not divide attention.head_count " + heads);
            }
            int headDim;
            if (f.has(arch + ".attention.key_length")) {
                headDim = positive(arch + ".attention.key_length");
            } else if (d % heads == 0) {
                headDim = d / heads;
            } else {
                throw format(
                        arch + ".attention.head_count",
                        heads + " heads do not divide embedding_length " + d + " and attention.key_length is missing");
            }
            if (f.has(arch + ".attention.value_length") && positive(arch + ".attention.value_length") != headDim) {
                throw new UnsupportedModelException(
                        f.path(),
                        arch + ".attention.value_length " + f.getInt(arch + ".attention.value_length")
                                + " differs from the key width " + headDim);
            }
            int ropeDims = f.has(arch + ".rope.dimension_count") ? positive(arch + ".rope.dimension_count") : headDim;
            if (ropeDims != headDim) {
                throw new UnsupportedModelException(
                        f.path(),
                        arch + ".rope.dimension_count is " + ropeDims + " but heads are " + headDim
                                + " wide: partial rotary embeddings are not supported");
            }
            double eps = f.getDouble(arch + ".attention.layer_norm_rms_epsilon");
            if (!(eps > 0) || !Double.isFinite(eps)) {
                throw format(arch + ".attention.layer_norm_rms_epsilon", eps + " is not a positive number");
            }
            double theta = f.getDouble(arch + ".rope.freq_base", 10000.0);
            if (!(theta > 1) || !Double.isFinite(theta)) {
                throw format(arch + ".rope.freq_base", theta + " is not a number above 1");
            }
            int vocab = vocabSize(d);

            String embeddings = resident("token_embd.weight", d, vocab);
            Norm finalNorm = new Norm(resident("output_norm.weight", d), null);
            String lmHead =
                    f.findTensor("output.weight").isPresent() ? resident("output.weight", d, vocab) : embeddings;
            int qWidth = heads * headDim;
            int kvWidth = kvHeads * headDim;
            List<DecoderConfig.Layer> ls = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                String p = "blk." + i + ".";
                ls.add(new DecoderConfig.Layer(
                        projection(p + "attn_q", d, qWidth),
                        projection(p + "attn_k", d, kvWidth),
                        projection(p + "attn_v", d, kvWidth),
                        projection(p + "attn_output", qWidth, d),
                        new Norm(resident(p + "attn_norm.weight", d), null),
                        new Norm(resident(p + "ffn_norm.weight", d), null)));
                FfnLayerSpec spec = new FfnLayerSpec(i, d, ffnDim, Activation.SILU, true, storage);
                parts.addFfn(new GgufFfnLayer(
                        spec,
                        claim(p + "ffn_gate.weight", d, ffnDim),
                        claim(p + "ffn_up.weight", d, ffnDim),
                        claim(p + "ffn_down.weight", ffnDim, d)));
            }
            Rotation rotation = arch.equals("llama") ? Rotation.ADJACENT : Rotation.HALF;
            Rope rope = new Rope(theta, rotation, scaling(headDim, theta));
            parts.requireAllClaimed(
                    f.path(), arch, f.tensors().stream().map(GgufTensor::name).toList());
            DecoderConfig config;
            try {
                config = new DecoderConfig(
                        Family.LLAMA,
                        arch,
                        d,
                        ffnDim,
                        heads,
                        kvHeads,
                        headDim,
                        vocab,
                        maxPositions,
                        (float) eps,
                        true,
                        0,
                        rope,
                        0,
                        tokenId("tokenizer.ggml.bos_token_id", vocab),
                        tokenId("tokenizer.ggml.eos_token_id", vocab),
                        new DecoderConfig.Tensors(embeddings, null, null, null, finalNorm, lmHead, ls));
            } catch (IllegalArgumentException e) {
                throw new UnsupportedModelException(f.path(), e.getMessage());
            }
            ObjectNode a = config.toJson();
            a.put("source", "gguf");
            ObjectNode g = a.putObject("gguf");
            g.put("version", f.version());
            g.put("architecture", arch);
            for (String key : List.of(
                    "general.name",
                    "general.basename",
                    "general.size_label",
                    "general.description",
                    "general.file_type",
                    "tokenizer.ggml.model",
                    "tokenizer.ggml.pre")) {
                f.value(key)
                        .ifPresent(v -> g.put(key, v instanceof GgufValue.StringValue s ? s.value() : v.describe()));
            }
            if (!conversions.isEmpty()) {
                ObjectNode conv = g.putObject("residentConversions");
                for (Conversion c : conversions) {
                    ObjectNode o = conv.putObject(c.tensor());
                    o.put("from", c.from().name());
                    o.put("to", c.to().label());
                    o.put("relativeRmsError", c.relativeError());
                }
            }
            Map<String, byte[]> blobs = new LinkedHashMap<>();
            var tok = GgufTokenizer.convert(f);
            if (tok.isPresent()) {
                blobs.put("tokenizer.json", tok.get().tokenizerJson());
                blobs.put("tokenizer_config.json", tok.get().tokenizerConfigJson());
            }
            return parts.toModel(f.path().toAbsolutePath().normalize().toString(), a, blobs);
        }

        /** Rows of the embedding: the token list's length, which the embedding must match. */
        private int vocabSize(int d) throws IOException {
            GgufTensor emb = f.findTensor("token_embd.weight").orElseThrow(() -> missing("token_embd.weight"));
            long[] dims = emb.dims();
            if (dims.length != 2 || dims[0] != d || dims[1] <= 0 || dims[1] > Integer.MAX_VALUE) {
                throw new ModelFormatException(
                        f.path(),
                        "tensor 'token_embd.weight'",
                        "dims " + Arrays.toString(dims) + " (ggml order), expected [" + d + ", vocabulary]");
            }
            if (f.has("tokenizer.ggml.tokens")) {
                long tokens = f.getArray("tokenizer.ggml.tokens").size();
                if (tokens != dims[1]) {
                    throw new ModelFormatException(
                            f.path(),
                            GgufFile.part("tokenizer.ggml.tokens"),
                            tokens + " tokens, but " + "token_embd.weight has " + dims[1] + " rows");
                }
            }
            return (int) dims[1];
        }

        private int tokenId(String key, int vocab) throws ModelFormatException {
            if (!f.has(key)) {
                return -1;
            }
            long id = f.getLong(key);
            if (id < 0 || id >= vocab) {
                throw format(key, "token id " + id + " is outside the " + vocab + " tokens");
            }
            return (int) id;
        }

        /** Rope scaling: {@code rope.scaling.type} linear, or llama.cpp's {@code rope_freqs.weight} for llama3. */
        private RopeScaling scaling(int headDim, double theta) throws IOException {
            String type = f.getString(arch + ".rope.scaling.type", "none");
            RopeScaling scaling = switch (type) {
                case "none" -> null;
                case "linear" -> {
                    double factor = f.getDouble(arch + ".rope.scaling.factor");
                    if (!(factor > 0) || !Double.isFinite(factor)) {
                        throw format(arch + ".rope.scaling.factor", factor + " is not a positive number");
                    }
                    yield factor == 1.0 ? null : RopeScaling.linear(factor);
                }
                default ->
                    throw new UnsupportedModelException(
                            f.path(),
                            arch + ".rope.scaling.type '" + type
                                    + "' is not supported (none and linear are; llama3 scaling comes as rope_freqs.weight)");
            };
            if (scaling == null && f.has(arch + ".rope.scale_linear")) { // the key of early GGUF files
                double factor = f.getDouble(arch + ".rope.scale_linear");
                if (!(factor > 0) || !Double.isFinite(factor)) {
                    throw format(arch + ".rope.scale_linear", factor + " is not a positive number");
                }
                scaling = factor == 1.0 ? null : RopeScaling.linear(factor);
            }
            if (f.findTensor("rope_freqs.weight").isEmpty()) {
                return scaling;
            }
            if (!arch.equals("llama")) {
                return scaling; // left unclaimed: refused as an unused tensor
            }
            if (scaling != null) {
                throw new UnsupportedModelException(
                        f.path(), "the file has both rope_freqs.weight and " + arch + ".rope.scaling.type linear");
            }
            GgufTensor t = claim("rope_freqs.weight", headDim / 2);
            return llama3FromFactors(t.toFloatArray(), headDim, theta);
        }

        /**
         * The llama3 scaling whose per-frequency divisors are {@code factors}: llama.cpp's converter
         * writes {@code 1} for high frequencies, the factor for low ones and a blend between.
         */
        private RopeScaling llama3FromFactors(float[] factors, int headDim, double theta) throws IOException {
            double factor = factors[factors.length - 1];
            boolean none = true;
            for (float x : factors) {
                none &= x == 1f;
            }
            if (none) {
                return null;
            }
            int original = f.getInt(arch + ".rope.scaling.original_context_length", 8192);
            RopeScaling s;
            try {
                s = RopeScaling.llama3(factor, 1.0, 4.0, original);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(f.path(), "tensor 'rope_freqs.weight'", e.getMessage());
            }
            float[] plain = new Rope(theta, Rotation.HALF, null).inverseFrequencies(headDim);
            float[] scaled = new Rope(theta, Rotation.HALF, s).inverseFrequencies(headDim);
            for (int i = 0; i < factors.length; i++) {
                double expected = (double) plain[i] / scaled[i];
                if (!(Math.abs(factors[i] - expected) <= 1e-4 * expected)) {
                    throw new UnsupportedModelException(
                            f.path(),
                            "rope_freqs.weight[" + i + "] is " + factors[i]
                                    + ", llama3 scaling (factor " + factor + ", low 1, high 4, original context "
                                    + original
                                    + ") gives " + expected + ": a frequency scaling this importer does not know");
                }
            }
            return s;
        }

        private String resident(String name, long... ggmlDims) throws IOException {
            GgufTensor t = claim(name, ggmlDims);
            parts.addResident(residentFor(t, name));
            return name;
        }

        private Projection projection(String base, int in, int out) throws IOException {
            String weight = resident(base + ".weight", in, out);
            String bias = f.findTensor(base + ".bias").isPresent() ? resident(base + ".bias", out) : null;
            return new Projection(weight, bias);
        }

        /** Claims a tensor whose ggml dims must be {@code ggmlDims}. */
        private GgufTensor claim(String name, long... ggmlDims) throws IOException {
            GgufTensor t = f.findTensor(name).orElseThrow(() -> missing(name));
            if (!Arrays.equals(t.dims(), ggmlDims)) {
                throw new ModelFormatException(
                        f.path(),
                        "tensor '" + name + "'",
                        "dims " + Arrays.toString(t.dims()) + " (ggml order), the metadata implies "
                                + Arrays.toString(ggmlDims));
            }
            parts.claim(name);
            return t;
        }

        private UnsupportedModelException missing(String name) {
            List<String> names = f.tensors().stream().map(GgufTensor::name).toList();
            return new UnsupportedModelException(
                    f.path(),
                    "expected tensor '" + name + "' is missing; the file has " + names.size() + " tensors, e.g. "
                            + names.subList(0, Math.min(8, names.size())));
        }

        private int positive(String key) throws ModelFormatException {
            int v = f.getInt(key);
            if (v <= 0) {
                throw format(key, v + " is not a positive integer");
            }
            return v;
        }

        private ModelFormatException format(String key, String detail) {
            return new ModelFormatException(f.path(), GgufFile.part(key), detail);
        }
    }
}
