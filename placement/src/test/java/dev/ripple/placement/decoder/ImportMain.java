package dev.ripple.placement.decoder;

import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.importer.SafetensorsImporter;
import java.nio.file.Path;

/** Imports a checkpoint into a .ripple file; run in a child JVM with a small heap by {@link ImportHeapTest}. */
public final class ImportMain {
    private ImportMain() {}

    /** args: checkpoint directory, output file, bundle dtype. */
    public static void main(String[] args) throws Exception {
        long size = RippleFileWriter.write(
                Path.of(args[1]),
                SafetensorsImporter.importModel(Path.of(args[0]), DType.ofLabel(args[2]))
                        .toContents());
        Runtime r = Runtime.getRuntime();
        System.out.println(
                "wrote " + size + " bytes; heap max " + r.maxMemory() + ", used " + (r.totalMemory() - r.freeMemory()));
    }
}
