package dev.ripple.core.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.FuzzScratch;
import dev.ripple.core.testing.ModedInput;
import dev.ripple.core.testing.RandomModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.BufferUnderflowException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the {@code .ripple} reader: opening, verifying and reading
 * every layer, tensor and blob of arbitrary bytes must either work or end in a
 * {@link RippleFormatException}; any other exception, an {@link OutOfMemoryError} (the fuzzing JVM
 * has a small heap) or a hang (Jazzer's per-input timeout) is a finding.
 *
 * <p>Every section carries a CRC32C, and a fuzzer almost never guesses a matching checksum, so it
 * would only ever exercise the checksum checks. The first input byte therefore picks a mode: odd
 * means "recompute every checksum of the rest first" ({@link Reseal}), which lets mutations reach
 * the structural checks behind the checksums; even means "use the bytes as they are".
 *
 * <p>Seeds are small valid models generated here, in both modes. In the default build this class
 * runs only in the {@code fuzz} surefire execution (see core/pom.xml and
 * docs/RELIABILITY.md); crashes Jazzer finds go to {@code RippleFileFuzzTestInputs} and are
 * replayed on every run.
 */
class RippleFileFuzzTest {

    static Stream<byte[]> seeds() throws IOException {
        Stream.Builder<byte[]> seeds = Stream.builder();
        int i = 0;
        for (DType dtype : new DType[] {DType.F16, DType.F32}) {
            for (boolean gated : new boolean[] {false, true}) {
                RippleContents c = RandomModels.model(
                        7 + i, 1 + i % 2, 4, 8, gated ? Activation.SILU : Activation.RELU, gated, dtype);
                Path p = Files.createTempFile("seed", ".ripple");
                try {
                    RippleFileWriter.write(p, c);
                    byte[] file = Files.readAllBytes(p);
                    seeds.add(ModedInput.seed(0, file)).add(ModedInput.seed(1, file));
                } finally {
                    Files.deleteIfExists(p);
                }
                i++;
            }
        }
        return seeds.build();
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void openVerifyAndReadEverything(byte[] input) throws IOException {
        ModedInput in = ModedInput.of(input);
        if (in == null) {
            return;
        }
        byte[] file = in.flag() ? resealIfPossible(in.bytes()) : in.bytes();
        Path p = FuzzScratch.write("fuzz.ripple", file);
        try (RippleFile f = RippleFile.open(p)) {
            readEverything(f);
            f.verify();
        } catch (RippleFormatException expected) {
            // the typed refusal is the contract
        } catch (IOException e) {
            throw new UncheckedIOException("an untyped I/O error escaped the reader", e);
        }
    }

    /** Touches everything a runtime or {@code ripple inspect} reads from an opened file. */
    private static void readEverything(RippleFile f) throws RippleFormatException {
        f.version();
        f.metadata();
        f.architecture();
        f.provenance();
        for (FfnLayerSection layer : f.layers()) {
            int[] slots = layer.slotToNeuron();
            layer.neuronToSlot();
            if (slots.length > 0) {
                long last = layer.bundleOffset(slots.length - 1);
                f.mapped().asSlice(last, layer.spec().bundleBytes()).toArray(ValueLayout.JAVA_BYTE);
            }
        }
        for (SectionEntry e : f.tensors()) {
            f.tensor(e.name()).orElseThrow().toFloatArray();
        }
        for (String blob : f.blobNames()) {
            f.blob(blob);
        }
    }

    /**
     * Recomputes the checksums when the directory can be walked; a directory that cannot be
     * walked is left as it is, and the reader must refuse it by itself.
     */
    private static byte[] resealIfPossible(byte[] file) {
        if (file.length < RippleFormat.HEADER_BYTES + RippleFormat.FOOTER_BYTES) {
            return file;
        }
        byte[] copy = file.clone();
        try {
            return Reseal.reseal(copy);
        } catch (IndexOutOfBoundsException | IllegalArgumentException | BufferUnderflowException e) {
            return file;
        }
    }
}
