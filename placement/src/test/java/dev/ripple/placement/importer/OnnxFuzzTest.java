package dev.ripple.placement.importer;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ripple.core.tensor.DType;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the ONNX decoder and matcher: a corrupted model must either import or
 * fail with {@link ModelFormatException} / {@link UnsupportedModelException}, never with another
 * exception, an out-of-memory error or a hang.
 */
class OnnxFuzzTest {
    private static final long SEED = 0x5EED_0DD5L;

    @Test
    void corruptedModelsFailWithTypedErrorsOnly() {
        Random rnd = new Random(SEED);
        GeneratedFfnModel.Style[] styles = GeneratedFfnModel.Style.values();
        for (int trial = 0; trial < 600; trial++) {
            GeneratedFfnModel g =
                    new GeneratedFfnModel(styles[trial % styles.length], 2, 5, 4, 6, trial, trial % 3 == 0);
            byte[] bytes = g.bytes.clone();
            int mutations = 1 + rnd.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                int at = rnd.nextInt(bytes.length);
                bytes[at] = switch (rnd.nextInt(3)) {
                    case 0 -> (byte) (bytes[at] ^ (1 << rnd.nextInt(8)));
                    case 1 -> (byte) 0xFF;
                    default -> (byte) rnd.nextInt(256);
                };
            }
            try {
                OnnxModel model = OnnxModel.parse(Path.of("fuzz-" + trial + ".onnx"), bytes);
                OnnxImporter.ffnsOf(model, DType.F32);
            } catch (ModelFormatException | UnsupportedModelException expected) {
                // typed rejection is the contract
            } catch (Throwable t) {
                fail("seed " + SEED + " trial " + trial + ": " + t, t);
            }
        }
    }
}
