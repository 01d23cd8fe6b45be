package dev.ripple.placement.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.placement.importer.SafetensorsFile;
import dev.ripple.placement.importer.SmallHeapImport;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Importing streams: a child JVM whose heap is several times smaller than the checkpoint, and than
 * its largest tensor, imports it into a .ripple file (the way a 7B model imports with a 2 GiB heap),
 * and the file holds the checkpoint's weights exactly.
 */
class ImportHeapTest {
    @TempDir
    Path dir;

    @Test
    void aCheckpointLargerThanTheHeapImports() throws Exception {
        // 4 layers, hidden 1024, ffn 4096, vocab 32000 in F16: 152 MB, a 65 MB embedding, a 64 MiB heap.
        SyntheticDecoder spec =
                SyntheticDecoder.llama(4, 1024, 4096, 16, 4, 32000).withSeed(3);
        Path hf = dir.resolve("hf");
        SyntheticDecoderWriter.write(spec, hf, "F16", 2);
        long checkpoint = 0;
        for (Path p : List.of(
                hf.resolve("model-00001-of-00002.safetensors"), hf.resolve("model-00002-of-00002.safetensors"))) {
            checkpoint += Files.size(p);
        }
        assertTrue(checkpoint > 140L << 20, "checkpoint of " + checkpoint + " bytes");
        Path out = dir.resolve("model.ripple");
        String log = SmallHeapImport.run(hf, out);
        assertTrue(Files.size(out) >= checkpoint, log);

        SafetensorsFile shard = SafetensorsFile.open(hf.resolve("model-00002-of-00002.safetensors"));
        try (RippleFile f = RippleFile.open(out)) {
            f.verify();
            Tensor down = shard.tensor("model.layers.3.mlp.down_proj.weight");
            Tensor gate = shard.tensor("model.layers.3.mlp.gate_proj.weight");
            SmallHeapImport.assertBundles(f, 3, gate::get, down::get, 1024, 4096);
            Tensor emb = f.tensor("model.embed_tokens.weight").orElseThrow();
            SafetensorsFile first = SafetensorsFile.open(hf.resolve("model-00001-of-00002.safetensors"));
            Tensor source = first.entries().containsKey("model.embed_tokens.weight")
                    ? first.tensor("model.embed_tokens.weight")
                    : shard.tensor("model.embed_tokens.weight");
            assertEquals(source.data().byteSize(), emb.data().byteSize());
            assertEquals(-1, source.data().mismatch(emb.data()), "the embeddings are copied byte for byte");
        }
    }
}
