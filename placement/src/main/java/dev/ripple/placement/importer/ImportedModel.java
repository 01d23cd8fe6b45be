package dev.ripple.placement.importer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.PlacedLayer;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.tensor.TensorMap;
import dev.ripple.core.tensor.TensorSource;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What an importer extracts from a model file: everything a {@code .ripple} file needs except the
 * placement. FFN layers are in the model's original neuron order; resident tensors hold every
 * other weight, named as docs/IMPORT.md specifies, with matrices in [out, in] layout.
 *
 * <pre>{@code
 * ImportedModel m = OnnxImporter.importModel(Path.of("all-minilm-l6-v2.onnx"), DType.F32);
 * RippleContents c = m.toContents();          // identity placement
 * RippleFileWriter.write(Path.of("minilm.ripple"), c);
 * }</pre>
 *
 * @param source            the model file or directory it came from
 * @param architecture      architecture config (type, sizes, per-layer tensor names; docs/IMPORT.md)
 * @param tensors           resident tensors (embeddings, attention, norms, biases)
 * @param layers            FFN layers in layer order, neurons in original order: held in DRAM (ONNX)
 *                          or gathered from the mapped checkpoint as they are written (safetensors)
 * @param activationOutputs for ONNX, the graph name of each layer's activation tensor (the down
 *                          projection's input), which the profiler adds as a graph output; empty for
 *                          safetensors
 * @param ffnInputs         for ONNX, the graph name of each layer's FFN input (the up projection's
 *                          input), which the profiler also reads to fit the low-rank predictor to
 *                          real inputs; empty for safetensors
 * @param blobs             files to store in the {@code .ripple} file beside the weights, by name: the
 *                          checkpoint's tokenizer files ({@code tokenizer.json}, {@code tokenizer_config.json},
 *                          {@code vocab.json}, {@code merges.txt}) and {@code generation_config.json}
 * @param checkpointStamp   the stamp of the checkpoint's files when they were read ({@code
 *                          CheckpointStamp}), written into every file made from this import so that a
 *                          trace profiled on such a file is of these weights, and what placing this
 *                          import compares its traces' stamps with; empty for none (ONNX)
 */
public record ImportedModel(
        String source,
        ObjectNode architecture,
        List<ResidentTensor> tensors,
        List<BundleSource> layers,
        List<String> activationOutputs,
        List<String> ffnInputs,
        Map<String, byte[]> blobs,
        String checkpointStamp) {

    /** The provenance key of {@link #checkpointStamp} in a written file. */
    public static final String STAMP_KEY = "checkpointStamp";

    public ImportedModel {
        checkpointStamp = checkpointStamp == null ? "" : checkpointStamp;
        architecture = architecture.deepCopy();
        tensors = List.copyOf(tensors);
        layers = List.copyOf(layers);
        activationOutputs = List.copyOf(activationOutputs);
        ffnInputs = List.copyOf(ffnInputs);
        blobs = Map.copyOf(blobs);
        if (!ffnInputs.isEmpty() && ffnInputs.size() != layers.size()) {
            throw new IllegalArgumentException(
                    source + ": " + ffnInputs.size() + " FFN input names for " + layers.size() + " layers");
        }
    }

    /** This import with the stamp of the checkpoint it was read from, taken before its weights were read. */
    public ImportedModel withCheckpointStamp(String stamp) {
        return new ImportedModel(source, architecture, tensors, layers, activationOutputs, ffnInputs, blobs, stamp);
    }

    @Override
    public ObjectNode architecture() {
        return architecture.deepCopy();
    }

    /**
     * Layer {@code l}'s weights on the heap as f32: as imported for ONNX models, read from the
     * mapped checkpoint for safetensors, gathered bundle by bundle from any other source (GGUF);
     * one layer at a time: a 7B layer is about 0.5 GB.
     */
    public FfnLayerWeights weights(int l) {
        BundleSource s = layers.get(l);
        if (s instanceof FfnLayerWeights w) {
            return w;
        }
        if (s instanceof CheckpointFfnLayer c) {
            return c.load();
        }
        return gather(s);
    }

    /** A layer on the heap from its bundles, for sources that only give bundles. */
    private static FfnLayerWeights gather(BundleSource s) {
        var spec = s.spec();
        int d = spec.dModel();
        int n = spec.dFfn();
        float[] up = new float[Math.multiplyExact(n, d)];
        float[] gate = spec.gated() ? new float[up.length] : null;
        float[] down = new float[up.length];
        float[] upBias = new float[n];
        float[] gateBias = spec.gated() ? new float[n] : null;
        float[] bundle = new float[spec.bundleElements()];
        try {
            for (int i = 0; i < n; i++) {
                s.bundleOf(i, bundle, 0);
                System.arraycopy(bundle, 0, up, i * d, d);
                if (gate != null) {
                    System.arraycopy(bundle, spec.gateOffset(), gate, i * d, d);
                    gateBias[i] = bundle[spec.gateBiasOffset()];
                }
                System.arraycopy(bundle, spec.downOffset(), down, i * d, d);
                upBias[i] = bundle[spec.upBiasOffset()];
            }
        } finally {
            s.release();
        }
        return new FfnLayerWeights(spec, up, gate, down, upBias, gateBias, s.downBias());
    }

    /** Every layer's weights on the heap (small models: tests, the ONNX encoders). */
    public List<FfnLayerWeights> weights() {
        return IntStream.range(0, layers.size()).mapToObj(this::weights).toList();
    }

    /** Contents for {@code RippleFileWriter} with every layer in original order. */
    public RippleContents toContents() {
        ObjectNode prov = JsonNodeFactory.instance.objectNode();
        prov.put("sourceModel", source);
        if (!checkpointStamp.isEmpty()) {
            prov.put(STAMP_KEY, checkpointStamp);
        }
        prov.put("placement", "identity");
        RippleContents c = new RippleContents().architecture(architecture).provenance(prov);
        tensors.forEach(c::addTensor);
        layers.forEach(l -> c.addLayer(PlacedLayer.identity(l)));
        blobs.forEach(c::addBlob);
        return c;
    }

    /** The resident tensors as a source for a forward pass, in their stored types (as the written file will hold them). */
    public TensorSource tensorSource() {
        return new TensorMap(
                source, tensors.stream().map(ResidentTensor::tensor).toList());
    }

    /** Finds a resident tensor by name. */
    public ResidentTensor tensor(String name) {
        for (ResidentTensor t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no resident tensor '" + name + "' in " + source);
    }
}
