package dev.ripple.placement.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.ChildJvm;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.importer.gguf.GgufImporter;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An import in a child JVM with a 64 MiB heap, and the check of the bundles it wrote: the fixture of
 * the tests that show importing streams whatever the source format ({@code ImportHeapTest} for
 * safetensors, {@code GgufImportHeapTest} for GGUF). A heap limit holds only for a fresh JVM.
 */
public final class SmallHeapImport {
    private SmallHeapImport() {}

    /** The value a matrix holds at a flat row-major index, as the written file should store it. */
    @FunctionalInterface
    public interface Values {
        float at(long index);
    }

    /** args: checkpoint directory, safetensors or GGUF file; output file; bundle dtype. */
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        DType bundles = DType.ofLabel(args[2]);
        ImportedModel imported = PreparedModel.isGguf(model)
                ? GgufImporter.importModel(model, bundles)
                : SafetensorsImporter.importModel(model, bundles);
        long size = RippleFileWriter.write(Path.of(args[1]), imported.toContents());
        Runtime r = Runtime.getRuntime();
        System.out.println(
                "wrote " + size + " bytes; heap max " + r.maxMemory() + ", used " + (r.totalMemory() - r.freeMemory()));
    }

    /** Imports {@code model} into {@code out} with f16 bundles in a child JVM; returns its output once it succeeded. */
    public static String run(Path model, Path out) throws Exception {
        return ChildJvm.run(
                Duration.ofMinutes(5),
                List.of("-Xmx64m", "--enable-native-access=ALL-UNNAMED"),
                SmallHeapImport.class,
                model.toString(),
                out.toString(),
                "f16");
    }

    /**
     * Asserts that the f16 bundles of neurons 0, 17 and {@code n - 1} of an identity-ordered layer hold
     * the neuron's gate row ([n, d] matrix) and down column ([d, n] matrix).
     */
    public static void assertBundles(RippleFile f, int layer, Values gate, Values down, int d, int n) {
        FfnLayerSection section = f.layers().get(layer);
        for (int neuron : new int[] {0, 17, n - 1}) {
            long at = section.bundleOffset(neuron); // identity order: slot = neuron
            float[] column = new float[d];
            float[] gateRow = new float[d];
            for (int k = 0; k < d; k++) {
                column[k] = down.at((long) k * n + neuron);
                gateRow[k] = gate.at((long) neuron * d + k);
            }
            assertArrayEquals(gateRow, halves(f, at + 2L * section.spec().gateOffset(), d), "gate row " + neuron);
            assertArrayEquals(column, halves(f, at + 2L * section.spec().downOffset(), d), "down column " + neuron);
        }
    }

    private static float[] halves(RippleFile f, long at, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = Float.float16ToFloat(
                    f.mapped().get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at + 2L * k));
        }
        return v;
    }
}
