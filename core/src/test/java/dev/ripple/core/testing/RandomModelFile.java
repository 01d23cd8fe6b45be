package dev.ripple.core.testing;

import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link RandomModels#model} written as a {@code .ripple} file for a whole test class: written
 * before the first test, deleted after the last. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RandomModelFile MODEL = new RandomModelFile(2024, 2, 32, 200, Activation.GELU, true, DType.F32);
 * ... MODEL.path(), MODEL.contents()
 * }</pre>
 */
public final class RandomModelFile implements BeforeAllCallback, AfterAllCallback {
    private final RippleContents contents;
    private Path dir;
    private Path file;

    /** The arguments of {@link RandomModels#model}. */
    public RandomModelFile(long seed, int layers, int dModel, int dFfn, Activation act, boolean gated, DType dtype) {
        this.contents = RandomModels.model(seed, layers, dModel, dFfn, act, gated, dtype);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("ripple-model");
        file = dir.resolve("model.ripple");
        RippleFileWriter.write(file, contents);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The written file. */
    public Path path() {
        return file;
    }

    /** What the file holds. */
    public RippleContents contents() {
        return contents;
    }
}
