package dev.ripple.placement.importer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Imports a transformer from an {@code .onnx} file: FFN layers found by graph pattern
 * ({@link OnnxFfnMatcher}), and for BERT-family encoders every other weight as resident tensors
 * ({@link BertOnnxMatcher}), so the whole model runs from the {@code .ripple} file.
 *
 * <pre>{@code
 * ImportedModel bert = OnnxImporter.importModel(Path.of("all-minilm-l6-v2.onnx"), DType.F32);
 * ImportedModel ffns = OnnxImporter.importFfns(Path.of("any.onnx"), DType.F32);   // FFNs only
 * }</pre>
 *
 * <p>ONNX MatMul weights are [in, out]; FFN up and gate weights are transposed into
 * {@link FfnLayerWeights}' neuron-major rows, down weights ([dFfn, dModel]) already are
 * neuron-major. Missing biases become zeros.
 */
public final class OnnxImporter {
    private OnnxImporter() {}

    /**
     * Imports FFNs and the BERT resident tensors and config.
     *
     * @param storage element type the FFN bundles will be stored as on flash
     * @throws UnsupportedModelException when no FFN or no BERT structure around it is found
     * @throws ModelFormatException      when the file is malformed
     */
    public static ImportedModel importModel(Path file, DType storage) throws IOException {
        OnnxModel model = OnnxModel.read(file);
        OnnxGraphIndex g = new OnnxGraphIndex(file, model.graph());
        List<OnnxFfn> ffns = findFfns(g);
        BertOnnxMatcher.Result bert = new BertOnnxMatcher(g).match(ffns);
        ObjectNode arch = bert.architecture();
        arch.put("source", "onnx");
        arch.put("producer", model.producer());
        return imported(file, arch, bert.tensors(), ffns, storage);
    }

    /**
     * Imports only the FFN layers and their activation tensor names (enough for profiling and
     * placement); the config has {@code "type": "ffn-only"}.
     */
    public static ImportedModel importFfns(Path file, DType storage) throws IOException {
        OnnxModel model = OnnxModel.read(file);
        return ffnsOf(model, storage);
    }

    /** {@link #importFfns} on an already parsed model. */
    public static ImportedModel ffnsOf(OnnxModel model, DType storage) throws IOException {
        Path file = model.source();
        List<OnnxFfn> ffns = findFfns(new OnnxGraphIndex(file, model.graph()));
        ObjectNode arch = JsonNodeFactory.instance.objectNode();
        arch.put("type", "ffn-only");
        arch.put("source", "onnx");
        arch.put("numLayers", ffns.size());
        arch.put("hiddenSize", ffns.get(0).down().out());
        arch.put("intermediateSize", ffns.get(0).down().in());
        arch.put("activation", ffns.get(0).activation().label());
        arch.put("gated", ffns.get(0).gated());
        return imported(file, arch, List.of(), ffns, storage);
    }

    private static List<OnnxFfn> findFfns(OnnxGraphIndex g) throws UnsupportedModelException {
        OnnxFfnMatcher matcher = new OnnxFfnMatcher(g);
        List<OnnxFfn> ffns = matcher.match();
        if (ffns.isEmpty()) {
            throw new UnsupportedModelException(g.file(), matcher.describeFailure());
        }
        return ffns;
    }

    /** The FFN layers found, with their activation outputs and inputs, beside {@code tensors}. */
    private static ImportedModel imported(
            Path file, ObjectNode arch, List<ResidentTensor> tensors, List<OnnxFfn> ffns, DType storage)
            throws ModelFormatException {
        return new ImportedModel(
                file.toString(),
                arch,
                tensors,
                List.copyOf(weights(file, ffns, storage)),
                outputs(ffns),
                inputs(ffns),
                Map.of(),
                "");
    }

    private static List<String> outputs(List<OnnxFfn> ffns) {
        return ffns.stream().map(OnnxFfn::activationOutput).toList();
    }

    private static List<String> inputs(List<OnnxFfn> ffns) {
        return ffns.stream()
                .map(f -> f.gated() ? f.gate().input() : f.up().input())
                .toList();
    }

    private static List<FfnLayerWeights> weights(Path file, List<OnnxFfn> ffns, DType storage)
            throws ModelFormatException {
        List<FfnLayerWeights> out = new ArrayList<>();
        for (int i = 0; i < ffns.size(); i++) {
            OnnxFfn f = ffns.get(i);
            int dModel = f.down().out();
            int dFfn = f.down().in();
            FfnLayerSpec spec = new FfnLayerSpec(i, dModel, dFfn, f.activation(), f.gated(), storage);
            float[] up = Matrices.transpose(f.up().weight().toFloats(file), dModel, dFfn);
            float[] gate = f.gated() ? Matrices.transpose(f.gate().weight().toFloats(file), dModel, dFfn) : null;
            float[] down = f.down().weight().toFloats(file);
            out.add(new FfnLayerWeights(
                    spec,
                    up,
                    gate,
                    down,
                    bias(file, f.up(), dFfn),
                    f.gated() ? bias(file, f.gate(), dFfn) : null,
                    bias(file, f.down(), dModel)));
        }
        return out;
    }

    private static float[] bias(Path file, OnnxLinear lin, int n) throws ModelFormatException {
        return lin.bias() == null ? new float[n] : lin.bias().toFloats(file);
    }
}
