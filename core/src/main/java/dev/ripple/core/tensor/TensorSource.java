package dev.ripple.core.tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Tensors looked up by name: a {@code .ripple} file's resident tensors, or a Hugging Face
 * checkpoint's safetensors mapped by the importer. Model code builds its weights from a source,
 * so the same forward pass runs on a prepared file and, for profiling, on the checkpoint itself.
 */
public interface TensorSource {

    /** Where the tensors come from, for error messages (a file or directory). */
    String description();

    Optional<Tensor> tensor(String name);

    /**
     * {@code fault}, an {@link InternalError} the JVM raised while a step touched this source's
     * memory-mapped bytes, explained as an I/O exception when the source knows its cause (a file
     * that shrank while open: {@link dev.ripple.io.FileShrankException}); empty when it does not,
     * and the error should propagate as it is. Not for the hot path: called only once a step failed.
     */
    default Optional<IOException> explainFault(InternalError fault) {
        return Optional.empty();
    }

    /**
     * What a forward pass over this source throws for {@code fault}: an {@link UncheckedIOException}
     * whose cause is {@link #explainFault}'s exception, naming the file; {@code fault} itself, thrown
     * here, when there is no explanation. For the models' catch around a whole step or pass: the JVM
     * raises the error at the next safepoint poll, which may be past the access that faulted.
     */
    default UncheckedIOException uncheckedFault(InternalError fault) {
        return new UncheckedIOException(explainFault(fault).orElseThrow(() -> fault));
    }

    /**
     * The tensor {@code name}, which must exist and have {@code shape}.
     *
     * @throws IllegalArgumentException naming the source, the tensor and both shapes otherwise
     */
    default Tensor require(String name, long... shape) {
        Tensor t = tensor(name)
                .orElseThrow(() -> new IllegalArgumentException(
                        description() + ": tensor '" + name + "' named by the architecture is missing"));
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(description() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + ", the architecture needs " + Arrays.toString(shape));
        }
        return t;
    }

    /** As {@link #require}, read onto the heap as f32 (vectors: norms, biases). */
    default float[] vector(String name, long length) {
        return require(name, length).toFloatArray();
    }
}
