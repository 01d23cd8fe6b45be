package dev.ripple.placement.importer;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The tensors an import has taken from its source, by name. Every tensor must be taken by the end:
 * one that no part of the architecture used means a variant the importer does not implement, and
 * importing without it would give a different model, so it is refused by name.
 */
public final class TensorClaims {
    private final Set<String> claimed = new HashSet<>();

    public void claim(String name) {
        claimed.add(name);
    }

    /**
     * @param source       the file or directory, for the message
     * @param architecture the architecture imported, for the message
     * @param names        every tensor of the source, in its order (the first one not claimed is named)
     * @throws UnsupportedModelException naming the first tensor not claimed
     */
    public void requireAll(Path source, String architecture, Iterable<String> names) throws UnsupportedModelException {
        for (String name : names) {
            if (!claimed.contains(name)) {
                throw new UnsupportedModelException(
                        source,
                        "tensor '" + name + "' is not part of the " + architecture
                                + " architecture this importer implements (a variant it does not support?)");
            }
        }
    }
}
