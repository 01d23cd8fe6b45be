package dev.ripple.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.core.testing.TestFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged files are always refused with a typed error that names where the damage is. */
class RippleFileCorruptionTest {
    @TempDir
    Path dir;

    Path original;
    byte[] bytes;
    List<SectionEntry> sections;

    @BeforeEach
    void writeSmallModel() throws IOException {
        original = dir.resolve("good.ripple");
        RippleFileWriter.write(original, RandomModels.model(42, 2, 4, 8, Activation.GELU, true, DType.F16));
        bytes = Files.readAllBytes(original);
        try (RippleFile f = RippleFile.open(original)) {
            sections = f.sections();
        }
    }

    private RippleFormatException openAndVerifyFails(byte[] content) throws IOException {
        Path p = TestFiles.rewrite(dir.resolve("bad.ripple"), content);
        return assertThrows(RippleFormatException.class, () -> {
            try (RippleFile f = RippleFile.open(p)) {
                f.verify();
            }
        });
    }

    /** Reseals {@code content} and checks that it is refused with {@code problem}, the message naming each of {@code named}. */
    private void assertResealedRefused(byte[] content, Problem problem, String... named) throws IOException {
        RippleFormatException e = openAndVerifyFails(Reseal.reseal(content));
        assertEquals(problem, e.problem(), e.getMessage());
        for (String n : named) {
            assertTrue(e.getMessage().contains(n), e.getMessage());
        }
    }

    private SectionEntry section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** The section, or structure, that holds byte {@code offset}. */
    private String owner(long offset) {
        for (SectionEntry e : sections) {
            if (offset >= e.offset() && offset < e.end()) {
                return e.name();
            }
        }
        return null;
    }

    @Test
    void everySingleFlippedByteIsCaughtAndSectionBytesAreAttributedToTheirSection() throws IOException {
        for (int at = 0; at < bytes.length; at++) {
            byte[] damaged = bytes.clone();
            damaged[at] ^= 0x10;
            RippleFormatException e;
            try {
                e = openAndVerifyFails(damaged);
            } catch (AssertionError missed) {
                throw new AssertionError("flipping byte " + at + " of " + bytes.length + " went unnoticed", missed);
            }
            assertEquals(dir.resolve("bad.ripple"), e.file());
            String section = owner(at);
            if (section != null) {
                assertTrue(
                        e.getMessage().contains(section), "byte " + at + " lies in " + section + ": " + e.getMessage());
                assertEquals(Problem.CHECKSUM_MISMATCH, e.problem(), e.getMessage());
            }
        }
    }

    @Test
    void flippedByteInALayerSectionNamesThatSection() throws IOException {
        SectionEntry bundles = section("ffn.1.bundles");
        byte[] damaged = bytes.clone();
        damaged[(int) (bundles.offset() + bundles.length() / 2)] ^= 1;
        Path p = dir.resolve("bad.ripple");
        Files.write(p, damaged);
        try (RippleFile f = RippleFile.open(p)) { // cheap checks at open do not read bundles
            RippleFormatException e = assertThrows(RippleFormatException.class, f::verify);
            assertEquals("section " + bundles.describe(), e.section());
            assertEquals(Problem.CHECKSUM_MISMATCH, e.problem());
        }
    }

    @Test
    void truncationAtAnyOffsetIsRefused() throws IOException {
        for (int length = 0; length < bytes.length; length += (length < 200 ? 1 : 37)) {
            RippleFormatException e = openAndVerifyFails(Arrays.copyOf(bytes, length));
            assertTrue(
                    e.problem() == Problem.TRUNCATED
                            || e.problem() == Problem.BAD_MAGIC
                            || e.problem() == Problem.INCONSISTENT,
                    "length " + length + ": " + e.getMessage());
        }
    }

    @Test
    void foreignFileHasBadMagic() throws IOException {
        RippleFormatException e =
                openAndVerifyFails("{\"not\": \"a model\"}\n".repeat(20).getBytes(StandardCharsets.UTF_8));
        assertEquals(Problem.BAD_MAGIC, e.problem());
        assertEquals("header", e.section());
        assertTrue(e.getMessage().contains(": header: not a .ripple file: "), e.getMessage());
    }

    /** A model file of another format given for a .ripple file: the refusal says what it is. */
    @Test
    void anotherModelFormatIsNamedInTheRefusal() throws IOException {
        byte[] gguf = Arrays.copyOf("GGUF".getBytes(StandardCharsets.US_ASCII), 200);
        byte[] safetensors = Arrays.copyOf(new byte[] {64, 0, 0, 0, 0, 0, 0, 0, '{', '"'}, 200);
        byte[] onnx = Arrays.copyOf(new byte[] {0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h'}, 200);
        byte[] text = "The cat sat on the mat, and it was a cat.\n".repeat(5).getBytes(StandardCharsets.UTF_8);
        byte[] trace = Arrays.copyOf(new byte[] {(byte) 0x89, 'R', 'T', 'R', '\r', '\n', 0x1A, '\n', 1, 0}, 200);
        byte[] binary = new byte[200];
        binary[0] = (byte) 0xff;
        String ggufRefused = openAndVerifyFails(gguf).getMessage();
        assertTrue(
                ggufRefused.endsWith("(it is a GGUF file: import it into a .ripple file with"
                        + " PlacementPipeline.importModel or 'ripple place --model', or give it to 'ripple generate"
                        + " --model')"),
                ggufRefused);
        assertTrue(openAndVerifyFails(safetensors).getMessage().contains("(it looks like a safetensors file"));
        assertTrue(openAndVerifyFails(onnx).getMessage().endsWith("(it looks like an ONNX model)"));
        assertTrue(openAndVerifyFails(text).getMessage().endsWith("(it looks like text)"));
        String traceRefused = openAndVerifyFails(trace).getMessage();
        assertTrue(
                traceRefused.endsWith(
                        "(it is an activation trace (ripple profile's output): read it with TraceFiles.read, or"
                                + " give it to 'ripple place --trace' or '--eval')"),
                traceRefused);
        String other = openAndVerifyFails(binary).getMessage();
        assertTrue(other.endsWith(", found ff00000000000000"), other);
    }

    @Test
    void emptyFileIsTruncated() throws IOException {
        assertEquals(Problem.TRUNCATED, openAndVerifyFails(new byte[0]).problem());
    }

    @Test
    void newerMajorVersionIsUnsupported() throws IOException {
        byte[] b = bytes.clone();
        b[8] = 2;
        assertResealedRefused(b, Problem.UNSUPPORTED_VERSION, "newer");
    }

    @Test
    void unknownRequiredFlagIsUnsupported() throws IOException {
        byte[] b = bytes.clone();
        b[12] = 1;
        assertResealedRefused(b, Problem.UNSUPPORTED_VERSION);
    }

    @Test
    void layerTableThatDisagreesWithItsSectionIsInconsistent() throws IOException {
        assertResealedRefused(replaceInMetadata("\"dFfn\":8", "\"dFfn\":7"), Problem.INCONSISTENT, "ffn.0");
    }

    @Test
    void layerTableNamingAMissingSectionIsInconsistent() throws IOException {
        assertResealedRefused(
                replaceInMetadata("ffn.1.bundles", "ffn.9.bundles"), Problem.INCONSISTENT, "ffn.9.bundles");
    }

    @Test
    void invalidJsonMetadataIsInconsistent() throws IOException {
        assertResealedRefused(replaceInMetadata("{\"format\"", "[\"format\""), Problem.INCONSISTENT, "metadata");
    }

    @Test
    void permutationWithADuplicateIsInconsistent() throws IOException {
        SectionEntry perm = section("ffn.0.permutation");
        byte[] b = bytes.clone();
        System.arraycopy(b, (int) perm.offset(), b, (int) perm.offset() + 4, 4); // slot 1 := slot 0
        assertResealedRefused(b, Problem.INCONSISTENT, "ffn.0.permutation");
    }

    @Test
    void sectionPointingPastTheDataAreaIsRefusedBeforeAllocating() throws IOException {
        byte[] b = bytes.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int footer = b.length - RippleFormat.FOOTER_BYTES;
        int firstEntry = (int) buf.getLong(footer) + 4;
        buf.putLong(firstEntry + 16, Long.MAX_VALUE - 10); // metadata length
        assertResealedRefused(b, Problem.INCONSISTENT, "metadata");
    }

    /**
     * Found by RippleFileFuzzTest: a tensor section whose dtype code says i32 or bytes passed the
     * checks at open, and reading it as floats threw IllegalStateException. Now refused at open.
     */
    @Test
    void tensorSectionThatDoesNotHoldFloatsIsInconsistent() throws IOException {
        SectionEntry norm = section("norm.weight");
        assertEquals(DType.F16, norm.dtype());
        for (DType wrong : new DType[] {DType.BYTES, DType.I32}) {
            byte[] b = bytes.clone();
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            int entry = directoryEntryOf(buf, "norm.weight");
            b[entry + 2] = (byte) wrong.code(); // entry: kind, dtype, ..., as Reseal walks it
            if (wrong == DType.I32) {
                buf.putLong(entry + 24, norm.shape()[0] / 2); // keep the byte count consistent: 4-byte elements
            }
            assertResealedRefused(b, Problem.INCONSISTENT, "norm.weight", "tensor");
        }
    }

    /**
     * A layer's mean fill-in that is not the vector its layer needs passed the checks at open, and
     * the runtime, reading it into the layer's executor, threw IllegalArgumentException from
     * {@code RippleModel.open}. Now refused at open with the layer table, naming the tensor.
     */
    @Test
    void fillInThatDoesNotFitItsLayerIsInconsistent() throws IOException {
        for (String tensor : new String[] {RippleFormat.fillMeanTensor(1), RippleFormat.fillConstantTensor(0)}) {
            RippleContents c = RandomModels.model(42, 2, 4, 8, Activation.GELU, true, DType.F16);
            c.addTensor(new ResidentTensor(tensor, DType.F32, new long[] {5}, new float[5]));
            Path p = dir.resolve("fill.ripple");
            RippleFileWriter.write(p, c);
            RippleFormatException e = assertThrows(RippleFormatException.class, () -> RippleFile.open(p));
            assertEquals(Problem.INCONSISTENT, e.problem(), e.getMessage());
            assertTrue(e.getMessage().startsWith(p + ": section " + tensor + " "), e.getMessage());
            assertTrue(e.getMessage().contains("shape [5] is not the vector of"), e.getMessage());
        }
    }

    /** Offset of the directory entry of section {@code name} (layout as in {@link Reseal}). */
    private static int directoryEntryOf(ByteBuffer b, String name) {
        int footer = b.capacity() - RippleFormat.FOOTER_BYTES;
        int p = (int) b.getLong(footer) + 4;
        int count = b.getInt(p - 4);
        for (int i = 0; i < count; i++) {
            int rank = Byte.toUnsignedInt(b.get(p + 3));
            int nameAt = p + 24 + 8 * rank;
            int nameLength = Short.toUnsignedInt(b.getShort(nameAt));
            byte[] n = new byte[nameLength];
            b.get(nameAt + 2, n);
            if (new String(n, StandardCharsets.UTF_8).equals(name)) {
                return p;
            }
            p = nameAt + 2 + nameLength;
        }
        throw new AssertionError("no section " + name);
    }

    private byte[] replaceInMetadata(String from, String to) {
        if (from.length() != to.length()) {
            fail("patches must keep the length");
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(from);
        assertTrue(at > 0, "pattern " + from + " present");
        byte[] b = bytes.clone();
        System.arraycopy(to.getBytes(StandardCharsets.ISO_8859_1), 0, b, at, to.length());
        return b;
    }
}
