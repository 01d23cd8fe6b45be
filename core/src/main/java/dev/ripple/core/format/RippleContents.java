package dev.ripple.core.format;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that goes into one {@code .ripple} file, assembled by an importer or a test and
 * handed to {@link RippleFileWriter}.
 *
 * <pre>{@code
 * RippleContents c = new RippleContents()
 *         .architecture(arch)              // e.g. {"type":"bert","hiddenSize":384,...}
 *         .provenance(prov)                // source model, corpus, placement and its statistics
 *         .addTensor(new ResidentTensor("embeddings.word", DType.F32, new long[]{vocab, d}, w))
 *         .addLayer(new PlacedLayer(weights, order))
 *         .addBlob("tokenizer.json", bytes);
 * RippleFileWriter.write(Path.of("model.ripple"), c);
 * }</pre>
 */
public final class RippleContents {
    private ObjectNode architecture = JsonNodeFactory.instance.objectNode();
    private ObjectNode provenance = JsonNodeFactory.instance.objectNode();
    private final List<ResidentTensor> tensors = new ArrayList<>();
    private final List<PlacedLayer> layers = new ArrayList<>();
    private final Map<String, byte[]> blobs = new LinkedHashMap<>();

    /** Architecture config: the model type and whatever its forward pass needs. */
    public RippleContents architecture(ObjectNode value) {
        this.architecture = value.deepCopy();
        return this;
    }

    /** Where the file came from: source model, corpus, activity rule, placement and statistics. */
    public RippleContents provenance(ObjectNode value) {
        this.provenance = value.deepCopy();
        return this;
    }

    public RippleContents addTensor(ResidentTensor t) {
        tensors.add(t);
        return this;
    }

    /** Adds an FFN layer; layers must be added in index order 0, 1, 2, … */
    public RippleContents addLayer(PlacedLayer layer) {
        int expected = layers.size();
        if (layer.weights().spec().index() != expected) {
            throw new IllegalArgumentException("layers must be added in order: expected layer " + expected + ", got "
                    + layer.weights().spec().index());
        }
        layers.add(layer);
        return this;
    }

    public RippleContents addBlob(String name, byte[] bytes) {
        blobs.put(name, bytes.clone());
        return this;
    }

    public ObjectNode architecture() {
        return architecture.deepCopy();
    }

    public ObjectNode provenance() {
        return provenance.deepCopy();
    }

    public List<ResidentTensor> tensors() {
        return List.copyOf(tensors);
    }

    public List<PlacedLayer> layers() {
        return List.copyOf(layers);
    }

    public Map<String, byte[]> blobs() {
        return Map.copyOf(blobs);
    }
}
