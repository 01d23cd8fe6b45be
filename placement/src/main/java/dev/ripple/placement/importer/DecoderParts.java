package dev.ripple.placement.importer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.ResidentTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an import of a decoder checkpoint (safetensors or GGUF) has taken from its source so far: the
 * resident tensors and FFN layers, in order, and the names of the tensors claimed. Every tensor must
 * be claimed by the end: one that no part of the architecture used means a variant the importer does
 * not implement, and importing without it would give a different model, so it is refused by name.
 */
public final class DecoderParts {
    private final Set<String> claimed = new HashSet<>();
    private final List<ResidentTensor> residents = new ArrayList<>();
    private final List<BundleSource> ffns = new ArrayList<>();

    public void claim(String name) {
        claimed.add(name);
    }

    public void addResident(ResidentTensor t) {
        residents.add(t);
    }

    public void addFfn(BundleSource layer) {
        ffns.add(layer);
    }

    /**
     * @param source       the file or directory, for the message
     * @param architecture the architecture imported, for the message
     * @param names        every tensor of the source, in its order (the first one not claimed is named)
     * @throws UnsupportedModelException naming the first tensor not claimed
     */
    public void requireAllClaimed(Path source, String architecture, Iterable<String> names)
            throws UnsupportedModelException {
        for (String name : names) {
            if (!claimed.contains(name)) {
                throw new UnsupportedModelException(
                        source,
                        "tensor '" + name + "' is not part of the " + architecture
                                + " architecture this importer implements (a variant it does not support?)");
            }
        }
    }

    /**
     * The imported model: these parts, the architecture and the files stored beside them (no ONNX
     * names). {@code source} is the checkpoint's absolute path: it is kept as the file's {@code
     * sourceModel}, which is compared with other paths later, from other working directories.
     */
    public ImportedModel toModel(String source, ObjectNode architecture, Map<String, byte[]> blobs) {
        return new ImportedModel(source, architecture, residents, ffns, List.of(), List.of(), blobs, "");
    }
}
