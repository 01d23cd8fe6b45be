package dev.ripple.placement.importer.gguf;

import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.DType;
import java.nio.file.Path;

/** Imports a GGUF file into a .ripple file; run in a child JVM with a small heap by {@link GgufImportHeapTest}. */
public final class GgufImportMain {
    private GgufImportMain() {}

    /** args: GGUF file, output file, bundle dtype. */
    public static void main(String[] args) throws Exception {
        long size = RippleFileWriter.write(
                Path.of(args[1]),
                GgufImporter.importModel(Path.of(args[0]), DType.ofLabel(args[2]))
                        .toContents());
        Runtime r = Runtime.getRuntime();
        System.out.println(
                "wrote " + size + " bytes; heap max " + r.maxMemory() + ", used " + (r.totalMemory() - r.freeMemory()));
    }
}
