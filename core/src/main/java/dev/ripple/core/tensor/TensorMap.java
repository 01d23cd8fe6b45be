package dev.ripple.core.tensor;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tensors held in memory and looked up by name: an imported model's resident tensors before they
 * are written, or a test's, so a forward pass can run on them without a file.
 *
 * <pre>{@code
 * TensorSource weights = new TensorMap("test model", List.of(Tensor.ofFloats("w", new long[] {4, 4}, values)));
 * }</pre>
 */
public final class TensorMap implements TensorSource {
    private final String description;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    public TensorMap(String description, Collection<Tensor> tensors) {
        this.description = description;
        for (Tensor t : tensors) {
            if (this.tensors.put(t.name(), t) != null) {
                throw new IllegalArgumentException(description + ": tensor '" + t.name() + "' given twice");
            }
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Optional<Tensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }
}
