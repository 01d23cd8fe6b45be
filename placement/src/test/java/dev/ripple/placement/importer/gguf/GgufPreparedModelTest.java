package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Detokenizer;
import dev.ripple.core.model.decoder.Generator;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.PreparedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code .gguf} file is accepted where a checkpoint is: {@code PreparedModel} imports it once into
 * the work directory (again when the file's content changes, not when it is only touched), and the file written generates text through the
 * runtime's tokenizer, read from the tokenizer.json the import stored.
 */
class GgufPreparedModelTest {
    @TempDir
    Path dir;

    @Test
    void aGgufFileIsImportedOnceAndGenerates() throws Exception {
        Path gguf = GgufTestModels.tinyLlama(dir, GgmlType.Q8_0);
        assertTrue(PreparedModel.isCheckpoint(gguf) && PreparedModel.isGguf(gguf));
        Path work = dir.resolve("work");
        PreparedModel first = PreparedModel.of(gguf, work, DType.F16, l -> {});
        assertTrue(first.imported() && first.placedNow());
        assertEquals(work.resolve("tiny-llama-f16-identity.ripple"), first.file());
        PreparedModel again = PreparedModel.of(gguf, work, DType.F16, l -> {});
        assertFalse(again.placedNow(), "reused while the file is unchanged");
        Files.setLastModifiedTime(
                gguf,
                FileTime.fromMillis(Files.getLastModifiedTime(first.file()).toMillis() + 5000));
        assertFalse(PreparedModel.of(gguf, work, DType.F16, l -> {}).placedNow(), "only touched: reused");
        // other weights of the same size copied over it with the old file's time kept (cp -p)
        FileTime before = Files.getLastModifiedTime(gguf);
        Path rewritten = GgufTestModels.tinyLlama(Files.createDirectory(dir.resolve("rewritten")), GgmlType.Q8_0, 12);
        assertEquals(Files.size(gguf), Files.size(rewritten));
        Files.copy(rewritten, gguf, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(gguf, before);
        assertTrue(PreparedModel.of(gguf, work, DType.F16, l -> {}).placedNow(), "imported again after a change");

        // another checkpoint of the same file name, in another directory, with files older than the
        // import: it used to be served the first one's weights (the import is named after the file)
        Path other = GgufTestModels.tinyLlama(Files.createDirectory(dir.resolve("other")), GgmlType.Q4_0);
        assertEquals(gguf.getFileName(), other.getFileName());
        Files.setLastModifiedTime(other, FileTime.fromMillis(0));
        PreparedModel otherPrepared = PreparedModel.of(other, work, DType.F16, l -> {});
        assertTrue(otherPrepared.placedNow(), "another checkpoint of the same name is imported, not served the first");
        try (RippleFile f = RippleFile.open(otherPrepared.file())) {
            assertTrue(Files.isSameFile(
                    other, Path.of(f.provenance().path("sourceModel").asText())));
        }
        // named by a relative path, the checkpoint is recorded by its absolute one: the record is
        // read later from other working directories (a trace's checkpoint, PreparedModel.checkpointOf)
        Path relative = Path.of("").toAbsolutePath().relativize(other.toAbsolutePath());
        PreparedModel viaRelative = PreparedModel.of(relative, dir.resolve("work-relative"), DType.F16, l -> {});
        try (RippleFile f = RippleFile.open(viaRelative.file())) {
            assertTrue(Path.of(f.provenance().path("sourceModel").asText()).isAbsolute());
            assertEquals(Optional.of(other.toRealPath()), PreparedModel.checkpointOf(f));
        }
        Files.setLastModifiedTime(gguf, FileTime.fromMillis(0)); // unchanged since, as far as times tell
        assertTrue(PreparedModel.of(gguf, work, DType.F16, l -> {}).placedNow(), "and the first again after it");
        assertFalse(PreparedModel.of(gguf, work, DType.F16, l -> {}).placedNow(), "then reused");

        RuntimeOptions options =
                RuntimeOptions.defaults().withReader(ReaderKind.POSITIONAL).withPredictor(PredictorKind.DENSE);
        try (RippleModel m = RippleModel.open(first.file(), options)) {
            Tokenizer t = m.tokenizer().orElseThrow();
            int[] prompt = t.encode("the capital of France is");
            assertEquals(1, prompt[0], "BOS first");
            assertEquals("▁the", t.token(prompt[1]).orElseThrow());
            DecoderModel decoder = m.decoder().orElseThrow();
            List<String> pieces = new ArrayList<>();
            try (Session s = decoder.newSession(64)) {
                Generator.Result r = Generator.generate(
                        decoder,
                        s,
                        prompt,
                        Generator.Options.greedy(8),
                        Detokenizer.of(t.newIncrementalDecoder(true)),
                        token -> pieces.add(token.text()));
                assertEquals(8, r.generatedIds().length);
                assertEquals(t.decode(r.generatedIds(), true), r.text());
                assertEquals(r.text(), String.join("", pieces));
            }
        }
    }
}
