package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomEncoders;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MemoryPlan#leastWithoutKvCache}, the bound {@code bench} refuses an encoder's budget by
 * before it profiles, is at most what {@link MemoryPlan#withoutKvCache} asks of a file of the same
 * contents (a bound above it would refuse a budget the placed files take), and near it (the
 * resident tensors and the working buffers are counted, not the sections' extra bytes).
 */
class MemoryPlanLeastTest {
    @TempDir
    Path dir;

    @Test
    void theLeastBeforeWritingIsAtMostWhatTheWrittenFileNeeds() throws Exception {
        RippleContents contents = RandomEncoders.generate(new RandomEncoders.Shape(16, 48, 2, 2, 30, 8), 3, DType.F32)
                .contents();
        long least = MemoryPlan.leastWithoutKvCache(contents);
        Path file = dir.resolve("encoder.ripple");
        RippleFileWriter.write(file, contents);
        try (RippleFile f = RippleFile.open(file)) {
            long resident = MemoryPlan.residentBytes(f);
            long working = MemoryPlan.workingBytes(f, 1);
            assertTrue(
                    least <= resident + working,
                    least + " bytes before writing, above the " + (resident + working) + " the file needs");
            assertTrue(
                    least >= working + resident / 2,
                    "the working buffers and most of the resident tensors: " + least + " of " + (resident + working));
            assertThrows(IllegalArgumentException.class, () -> MemoryPlan.withoutKvCache(f, least - 1));
        }
    }
}
