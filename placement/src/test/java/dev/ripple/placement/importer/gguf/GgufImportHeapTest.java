package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.placement.importer.SafetensorsFile;
import dev.ripple.placement.importer.SmallHeapImport;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Importing a GGUF file streams: a child JVM with a 64 MiB heap (and so a 64 MiB limit on native
 * allocations, which follows the heap) imports a Q4_K file whose resident matrices convert to
 * 74 MB of Q8_0, and the written file holds Q8_0 of the values the GGUF file stands for. This is how
 * a 7B Q4_K_M file, whose converted attention, embeddings and head take about 2 GB, imports with a
 * small heap.
 */
class GgufImportHeapTest {
    @TempDir
    Path dir;

    @Test
    void aQuantizedFileLargerThanTheHeapImports() throws Exception {
        // 2 layers, hidden 1024, ffn 4096, vocab 32000: two 32000 x 1024 matrices convert to 70 MB of Q8_0.
        SyntheticDecoder spec =
                SyntheticDecoder.llama(2, 1024, 4096, 16, 4, 32000).withSeed(3);
        ConvertedCheckpoint converted = ConvertedCheckpoint.write(dir, spec, "F16", "llama", GgmlType.Q4_K);
        Path out = dir.resolve("model.ripple");
        SmallHeapImport.run(converted.gguf(), out);

        SafetensorsFile st = SafetensorsFile.open(converted.hf().resolve("model.safetensors"));
        try (RippleFile f = RippleFile.open(out)) {
            f.verify();
            float[] down = GgmlEncoder.implied(GgmlType.Q4_K, st.read("model.layers.1.mlp.down_proj.weight"));
            float[] gate = GgmlEncoder.implied(GgmlType.Q4_K, st.read("model.layers.1.mlp.gate_proj.weight"));
            SmallHeapImport.assertBundles(f, 1, i -> half(gate[(int) i]), i -> half(down[(int) i]), 1024, 4096);
            Tensor emb = f.tensor("token_embd.weight").orElseThrow();
            assertEquals(DType.Q8_0, emb.dtype());
            // Q4_K's and Q8_0's blocks lie within a row (1024 = 4 x 256), so a row's expected values are its own
            Tensor source = st.tensor("model.embed_tokens.weight");
            for (long row : new long[] {0, 31999}) {
                float[] expected =
                        GgufQuantizedImportTest.q8(GgmlEncoder.implied(GgmlType.Q4_K, row(source, row, 1024)));
                for (int j : new int[] {0, 1023}) {
                    assertEquals(expected[j], emb.get(row * 1024 + j), "embedding row " + row + " [" + j + "]");
                }
            }
        }
    }

    /** Row {@code row} of a {@code width}-wide matrix. */
    private static float[] row(Tensor t, long row, int width) {
        float[] r = new float[width];
        for (int j = 0; j < width; j++) {
            r[j] = t.get(row * width + j);
        }
        return r;
    }

    private static float half(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }
}
