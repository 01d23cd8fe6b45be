package dev.ripple.placement.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.placement.predictor.AheadMoments;
import dev.ripple.placement.predictor.InputMoments;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/** Round trip and corruption tests of the trace file format (seeded; the seed is in every message). */
class TraceFilesTest {
    private static final long SEED = 20261123L;

    @TempDir
    Path dir;

    static ActivationTrace randomTrace(long seed, int[] neurons, int tokens) {
        return randomBuilder(seed, neurons, tokens).build();
    }

    /** A builder holding a random trace, for tests that attach means or moments before building. */
    static ActivationTrace.Builder randomBuilder(long seed, int[] neurons, int tokens) {
        Random rnd = new Random(seed);
        ActivationTrace.Builder t = ActivationTrace.builder(
                new TraceInfo("model.onnx", "corpus ü", "act > 0", tokens, "/models/ü opt", "3-0a1b2c3d"), neurons);
        for (int l = 0; l < neurons.length; l++) {
            for (int k = 0; k < tokens; k++) {
                RoaringBitmap b = new RoaringBitmap();
                double density = rnd.nextDouble();
                for (int i = 0; i < neurons[l]; i++) {
                    if (rnd.nextDouble() < density * density) {
                        b.add(i);
                    }
                }
                if (k % 7 == 0) {
                    b.add(0L, neurons[l]); // a full run, to exercise run containers
                }
                t.add(l, b);
            }
        }
        for (int k = 0; k < tokens; k += 1 + rnd.nextInt(3)) {
            t.addPassageStart(k);
        }
        return t;
    }

    @Test
    void roundTripKeepsEverything() throws Exception {
        int[] neurons = {1, 17, 1536, 70_000};
        ActivationTrace t = randomTrace(SEED, neurons, 9);
        Path file = dir.resolve("t.rtrace");
        long size = TraceFiles.write(file, t);
        assertEquals(Files.size(file), size);
        ActivationTrace back = TraceFiles.read(file);
        assertEquals(t.info(), back.info(), "seed " + SEED);
        assertEquals(t.layers(), back.layers());
        assertTrue(t.passageStarts().length > 1);
        assertArrayEquals(t.passageStarts(), back.passageStarts(), "seed " + SEED);
        for (int l = 0; l < t.layers(); l++) {
            assertEquals(t.neurons(l), back.neurons(l));
            assertEquals(t.layer(l), back.layer(l), "seed " + SEED + " layer " + l);
        }
    }

    /**
     * The profiled model's FFN ({@link TraceInfo#ffn}) is written to the trace's info and read back;
     * a trace without it (written before it was recorded, or generated) has no "ffn" field and
     * still reads, with an empty FFN.
     */
    @Test
    void theFfnIsReadBackAndATraceWithoutItStillReads() throws Exception {
        TraceInfo info = new TraceInfo("m", "c", "act > 0", 1, "", "", "gated silu");
        Path withFfn = dir.resolve("ffn.rtrace");
        TraceFiles.write(
                withFfn,
                ActivationTrace.builder(info, new int[] {8})
                        .add(0, RoaringBitmap.bitmapOf(1, 5))
                        .build());
        assertEquals("gated silu", TraceFiles.read(withFfn).info().ffn());
        assertTrue(new String(Files.readAllBytes(withFfn), StandardCharsets.ISO_8859_1).contains("\"ffn\""));

        Path older = dir.resolve("older.rtrace");
        TraceFiles.write(
                older,
                ActivationTrace.builder(new TraceInfo("m", "c", "act > 0", 1), new int[] {8})
                        .add(0, RoaringBitmap.bitmapOf(1, 5))
                        .build());
        assertFalse(
                new String(Files.readAllBytes(older), StandardCharsets.ISO_8859_1).contains("\"ffn\""),
                "the info of a trace without an FFN has no ffn field, as an older trace's");
        ActivationTrace back = TraceFiles.read(older);
        assertEquals("", back.info().ffn());
        assertArrayEquals(new int[] {1, 5}, back.layer(0).getFirst().toArray());
    }

    @Test
    void inactiveMeansRoundTripBitExactly() throws Exception {
        int[] neurons = {3, 40};
        float[][] means = {{-0.1f, 0f, Float.MIN_VALUE}, new float[40]};
        for (int i = 0; i < 40; i++) {
            means[1][i] = -i / 7f;
        }
        ActivationTrace t = randomBuilder(SEED, neurons, 4).meanInactive(means).build();
        Path file = dir.resolve("m.rtrace");
        TraceFiles.write(file, t);
        float[][] back = TraceFiles.read(file).meanInactive();
        assertArrayEquals(means[0], back[0]);
        assertArrayEquals(means[1], back[1]);
        assertEquals(null, TraceFiles.read(writeWithoutMeans()).meanInactive());
    }

    @Test
    void inputMomentsRoundTripBitExactly() throws Exception {
        List<InputMoments> moments = List.of(moments(3, 11), moments(5, 12));
        ActivationTrace t =
                randomBuilder(SEED, new int[] {6, 9}, 5).inputMoments(moments).build();
        Path file = dir.resolve("moments.rtrace");
        TraceFiles.write(file, t);
        ActivationTrace back = TraceFiles.read(file);
        assertEquals(moments, back.inputMoments(), "seed " + SEED);
        assertEquals(t.layer(1), back.layer(1));
        assertTrue(TraceFiles.read(writeWithoutMeans()).inputMoments().isEmpty());

        // Cut inside the moments: truncated, not an allocation or an index error.
        byte[] good = Files.readAllBytes(file);
        int infoLength = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
        int passages = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getInt(20 + infoLength + 4 + 2 * 8);
        int flagAt = 20 + infoLength + 4 + 2 * 8 + 4 + 4 * passages + 4;
        assertEquals(1, ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getInt(flagAt), "moments flag");
        Path cut = dir.resolve("cut.rtrace");
        Files.write(cut, Arrays.copyOf(good, flagAt + 4 + 4 + 8 + 16));
        assertEquals(
                Problem.TRUNCATED,
                assertThrows(TraceFormatException.class, () -> TraceFiles.read(cut))
                        .problem());
        // A declared width beyond the limit is refused before anything is allocated.
        byte[] wide = good.clone();
        ByteBuffer.wrap(wide).order(ByteOrder.LITTLE_ENDIAN).putInt(flagAt + 4, Integer.MAX_VALUE);
        assertEquals(Problem.INCONSISTENT, readProblem(wide));
    }

    /** Moments of {@code count} random tokens of width {@code d}. */
    private static InputMoments moments(int d, long seed) {
        Random rnd = new Random(seed);
        InputMoments.Builder b = InputMoments.builder(d);
        float[] rows = new float[7 * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) rnd.nextGaussian();
        }
        return b.add(rows, 7).build();
    }

    @Test
    void filesOfTheEarlierMinorVersionsStillRead() throws Exception {
        // A 1.1 file is a 1.3 file without the moments and ahead flags, a 1.2 one without the
        // ahead flag: drop them, set the minor version, re-checksum.
        ActivationTrace t = randomBuilder(SEED, new int[] {5, 8}, 4)
                .meanInactive(new float[][] {new float[5], new float[8]})
                .build();
        Path file = dir.resolve("new.rtrace");
        TraceFiles.write(file, t);
        byte[] good = Files.readAllBytes(file);
        ByteBuffer g = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        int infoLength = g.getInt(16);
        int passages = g.getInt(20 + infoLength + 4 + 2 * 8);
        int flagAt = 20 + infoLength + 4 + 2 * 8 + 4 + 4 * passages + 4 + 4 * (5 + 8);
        assertEquals(0, g.getInt(flagAt), "no moments");
        assertEquals(0, g.getInt(flagAt + 4), "no ahead moments");
        for (int minor : new int[] {1, 2}) {
            int dropped = 4 * (3 - minor);
            ActivationTrace back = TraceFiles.read(olderVersion(good, flagAt + 4 * (minor - 1), dropped, minor));
            assertEquals(t.layer(1), back.layer(1), "1." + minor);
            assertArrayEquals(new float[8], back.meanInactive()[1]);
            assertTrue(back.inputMoments().isEmpty());
            assertTrue(back.aheadMoments().isEmpty());
        }
        // a 1.2 file with input moments: read, without ahead moments
        List<InputMoments> moments = List.of(moments(3, 11), moments(5, 12));
        TraceFiles.write(
                file,
                randomBuilder(SEED, new int[] {5, 8}, 4).inputMoments(moments).build());
        byte[] withMoments = Files.readAllBytes(file);
        int aheadFlagAt = withMoments.length - TraceFiles.FOOTER_BYTES - bitmapBytes(t) - 4;
        assertEquals(
                0, ByteBuffer.wrap(withMoments).order(ByteOrder.LITTLE_ENDIAN).getInt(aheadFlagAt));
        ActivationTrace back = TraceFiles.read(olderVersion(withMoments, aheadFlagAt, 4, 2));
        assertEquals(moments, back.inputMoments());
        assertTrue(back.aheadMoments().isEmpty());
    }

    /** Bytes of {@code t}'s active sets as the writer stores them (they do not depend on the version). */
    private int bitmapBytes(ActivationTrace t) {
        int n = 0;
        for (int l = 0; l < t.layers(); l++) {
            for (int k = 0; k < t.tokens(l); k++) {
                RoaringBitmap b = t.bitmap(l, k).clone();
                b.runOptimize();
                n += 4 + b.serializedSizeInBytes();
            }
        }
        return n;
    }

    /** {@code file} without the {@code dropped} bytes at {@code at}, as minor version {@code minor}, re-checksummed. */
    private Path olderVersion(byte[] file, int at, int dropped, int minor) throws Exception {
        int body = file.length - TraceFiles.FOOTER_BYTES;
        ByteBuffer out = ByteBuffer.allocate(file.length - dropped).order(ByteOrder.LITTLE_ENDIAN);
        out.put(file, 0, at).put(file, at + dropped, body - at - dropped);
        out.putShort(10, (short) minor);
        int content = out.position();
        out.putLong(content).put(TraceFiles.FOOTER_MAGIC);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        Path old = dir.resolve("old-1." + minor + ".rtrace");
        Files.write(old, out.array());
        return old;
    }

    @Test
    void aheadMomentsRoundTripBitExactlyAndDamageIsTyped() throws Exception {
        List<AheadMoments> ahead = List.of(ahead(3, 21), ahead(5, 22));
        ActivationTrace t = randomBuilder(SEED, new int[] {6, 9}, 5)
                .inputMoments(ahead.stream().map(AheadMoments::ffn).toList())
                .aheadMoments(ahead)
                .build();
        Path file = dir.resolve("ahead.rtrace");
        TraceFiles.write(file, t);
        ActivationTrace back = TraceFiles.read(file);
        assertEquals(ahead, back.aheadMoments(), "seed " + SEED);
        assertEquals(t.inputMoments(), back.inputMoments());
        assertEquals(t.layer(1), back.layer(1));

        byte[] good = Files.readAllBytes(file);
        ByteBuffer g = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        int infoLength = g.getInt(16);
        int passages = g.getInt(20 + infoLength + 4 + 2 * 8);
        int momentsAt = 20 + infoLength + 4 + 2 * 8 + 4 + 4 * passages + 4;
        int aheadAt = momentsAt + 4 + momentBytes(3) + momentBytes(5);
        assertEquals(1, g.getInt(aheadAt), "ahead flag");
        assertEquals(3, g.getInt(aheadAt + 4), "layer 0's width");
        // cut inside the cross moments: truncated before anything is allocated
        Path cut = dir.resolve("cut-ahead.rtrace");
        Files.write(cut, Arrays.copyOf(good, aheadAt + 4 + momentBytes(3) + 16));
        assertEquals(
                Problem.TRUNCATED,
                assertThrows(TraceFormatException.class, () -> TraceFiles.read(cut))
                        .problem());
        // a flag that is neither 0 nor 1, a width beyond the limit, another width or token count
        // than the FFN side's: inconsistent
        for (int[] edit : new int[][] {{aheadAt, 2}, {aheadAt + 4, Integer.MAX_VALUE}, {aheadAt + 4, 4}}) {
            byte[] bad = good.clone();
            ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(edit[0], edit[1]);
            assertEquals(Problem.INCONSISTENT, readProblem(bad), "value " + edit[1] + " at " + edit[0]);
        }
        byte[] otherCount = good.clone();
        ByteBuffer.wrap(otherCount).order(ByteOrder.LITTLE_ENDIAN).putLong(aheadAt + 8, 6);
        assertEquals(Problem.INCONSISTENT, readProblem(otherCount), "token count");
        byte[] nan = good.clone(); // the last cross moment of layer 0
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putDouble(aheadAt + 4 + momentBytes(3) + 8 * 8, Double.NaN);
        assertEquals(Problem.INCONSISTENT, readProblem(nan), "a NaN cross moment");
        // ahead moments without the FFN input moments they pair with
        TraceFiles.write(file, randomTrace(SEED, new int[] {6, 9}, 5));
        byte[] lone = Files.readAllBytes(file);
        ByteBuffer.wrap(lone).order(ByteOrder.LITTLE_ENDIAN).putInt(momentsAt + 4, 1);
        assertEquals(Problem.INCONSISTENT, readProblem(lone), "ahead moments without input moments");
    }

    /** Bytes of one input's stored moments of width {@code d}: width, tokens, mean, upper triangle. */
    private static int momentBytes(int d) {
        return 4 + 8 + 8 * d + 8 * d * (d + 1) / 2;
    }

    /** Ahead moments of 7 random tokens of width {@code d}, the layer input a noisy copy of the FFN input. */
    static AheadMoments ahead(int d, long seed) {
        Random rnd = new Random(seed);
        float[] ffn = new float[7 * d];
        float[] layer = new float[7 * d];
        for (int i = 0; i < ffn.length; i++) {
            ffn[i] = (float) rnd.nextGaussian();
            layer[i] = ffn[i] + 0.3f * (float) rnd.nextGaussian();
        }
        return AheadMoments.builder(d).add(ffn, layer, 7).build();
    }

    private Path writeWithoutMeans() throws Exception {
        Path file = dir.resolve("plain.rtrace");
        TraceFiles.write(file, randomTrace(SEED, new int[] {5}, 2));
        return file;
    }

    @Test
    void emptyTraceRoundTrips() throws Exception {
        ActivationTrace t = ActivationTrace.builder(new TraceInfo("m", "c", "act > 0", 0), new int[] {4, 4})
                .build();
        Path file = dir.resolve("empty.rtrace");
        TraceFiles.write(file, t);
        ActivationTrace back = TraceFiles.read(file);
        assertEquals(0, back.tokens(1));
        assertEquals(2, back.layers());
        assertEquals(0, back.passageStarts().length);
    }

    @Test
    void passageStartsBeyondTheTokensAreInconsistent() throws Exception {
        ActivationTrace t = ActivationTrace.builder(new TraceInfo("m", "c", "act > 0", 2), new int[] {4})
                .add(0, RoaringBitmap.bitmapOf(1))
                .add(0, RoaringBitmap.bitmapOf(2))
                .addPassageStart(0)
                .addPassageStart(1)
                .build();
        Path file = dir.resolve("p.rtrace");
        TraceFiles.write(file, t);
        byte[] bytes = Files.readAllBytes(file);
        int infoLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
        int secondStart = 20 + infoLength + 4 + 8 + 4 + 4;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(secondStart, 7);
        assertEquals(Problem.INCONSISTENT, readProblem(bytes));
    }

    @Test
    void everyFlippedByteIsDetected() throws Exception {
        Path file = dir.resolve("t.rtrace");
        TraceFiles.write(file, randomTrace(SEED, new int[] {40, 300}, 5));
        byte[] good = Files.readAllBytes(file);
        Random rnd = new Random(SEED);
        for (int trial = 0; trial < 300; trial++) {
            byte[] bad = good.clone();
            int at = rnd.nextInt(bad.length);
            bad[at] ^= (byte) (1 << rnd.nextInt(8));
            Path f = dir.resolve("bad.rtrace");
            Files.write(f, bad);
            TraceFormatException e = assertThrows(
                    TraceFormatException.class, () -> TraceFiles.read(f), "seed " + SEED + " flipped byte " + at);
            assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        }
    }

    @Test
    void truncationIsReportedAsTruncated() throws Exception {
        Path file = dir.resolve("t.rtrace");
        TraceFiles.write(file, randomTrace(SEED, new int[] {40, 300}, 5));
        byte[] good = Files.readAllBytes(file);
        for (int cut : new int[] {0, 10, 30, good.length / 2, good.length - 1}) {
            Path f = dir.resolve("cut.rtrace");
            Files.write(f, Arrays.copyOf(good, cut));
            TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceFiles.read(f), "cut " + cut);
            assertTrue(
                    e.problem() == Problem.TRUNCATED || e.problem() == Problem.INCONSISTENT, "cut " + cut + ": " + e);
        }
    }

    @Test
    void badMagicVersionAndHugeCountsAreTyped() throws Exception {
        Path file = dir.resolve("t.rtrace");
        TraceFiles.write(file, randomTrace(SEED, new int[] {40}, 3));
        byte[] good = Files.readAllBytes(file);

        byte[] magic = good.clone();
        magic[1] = 'X';
        Path notATrace = dir.resolve("not-a-trace.rtrace");
        Files.write(notATrace, magic);
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceFiles.read(notATrace));
        assertEquals(Problem.BAD_MAGIC, e.problem());
        assertEquals(
                notATrace + ": header: not a trace file: it starts with 895854520d0a1a0a;"
                        + " a trace (ripple profile --out) starts with 895254520d0a1a0a",
                e.getMessage(),
                "hex, not signed byte arrays");
        byte[] model = good.clone();
        model[2] = 'P';
        model[3] = 'L';
        Path aModel = dir.resolve("model.ripple");
        Files.write(aModel, model);
        assertTrue(
                assertThrows(TraceFormatException.class, () -> TraceFiles.read(aModel))
                        .getMessage()
                        .contains("as a .ripple model file does"),
                "a model given as a trace is named as one");

        byte[] version = good.clone();
        version[8] = 9;
        assertEquals(Problem.UNSUPPORTED_VERSION, readProblem(version));
        byte[] newerMinor = good.clone(); // u16 major at 8, u16 minor at 10
        ByteBuffer.wrap(newerMinor).order(ByteOrder.LITTLE_ENDIAN).putShort(10, (short) (TraceFiles.VERSION_MINOR + 1));
        assertEquals(
                Problem.UNSUPPORTED_VERSION, readProblem(newerMinor), "a newer minor version's blocks are unknown");

        // Declare an info JSON of 2 GiB: must fail on the check, not on allocation.
        byte[] hugeInfo = good.clone();
        ByteBuffer.wrap(hugeInfo).order(ByteOrder.LITTLE_ENDIAN).putInt(16, Integer.MAX_VALUE);
        assertEquals(Problem.INCONSISTENT, readProblem(hugeInfo));

        // Declare 2^31-1 tokens in layer 0.
        int infoLength = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
        byte[] hugeTokens = good.clone();
        ByteBuffer.wrap(hugeTokens).order(ByteOrder.LITTLE_ENDIAN).putInt(20 + infoLength + 4 + 4, Integer.MAX_VALUE);
        assertEquals(Problem.TRUNCATED, readProblem(hugeTokens));
    }

    /**
     * Found by the fuzzer (TraceFilesFuzzTest): a run container whose header says it holds zero
     * runs decodes to a bitmap that is not empty yet has no first neuron, which escaped as
     * NoSuchElementException. Built here on a correctly checksummed file, so only the decoder
     * checks can catch it.
     */
    @Test
    void bitmapWithAnEmptyRunContainerIsInconsistent() throws Exception {
        byte[] emptyRun = {0x3B, 0x30, 0, 0, 1, 0, 0, 0, 0, 0, 0}; // run cookie, 1 container, key 0, 0 runs
        TraceFormatException e = readFailure(traceWithOneBitmap(emptyRun));
        assertEquals(Problem.INCONSISTENT, e.problem());
        assertTrue(e.getMessage().contains("layer 0 token 0"), e.getMessage());
    }

    /** Two runs that overlap decode without error but list neurons out of order. */
    @Test
    void bitmapWithOverlappingRunsIsInconsistent() throws Exception {
        byte[] overlapping = {0x3B, 0x30, 0, 0, 1, 0, 0, 5, 0, 2, 0, 0, 0, 3, 0, 1, 0, 2, 0}; // runs [0,3] and [1,3]
        TraceFormatException e = readFailure(traceWithOneBitmap(overlapping));
        assertEquals(Problem.INCONSISTENT, e.problem());
    }

    @Test
    void wellFormedRunContainerStillReads() throws Exception {
        byte[] run = {0x3B, 0x30, 0, 0, 1, 0, 0, 3, 0, 1, 0, 2, 0, 3, 0}; // one run [2,5]
        Path f = dir.resolve("ok.rtrace");
        Files.write(f, traceWithOneBitmap(run));
        assertEquals(RoaringBitmap.bitmapOf(2, 3, 4, 5), TraceFiles.read(f).active(0, 0));
    }

    /** A valid, checksummed one-layer, one-token trace whose only bitmap is {@code bitmap} as stored. */
    private byte[] traceWithOneBitmap(byte[] bitmap) throws Exception {
        RoaringBitmap placeholder = RoaringBitmap.bitmapOf(7);
        ActivationTrace t = ActivationTrace.builder(new TraceInfo("m", "c", "act > 0", 1), new int[] {8})
                .add(0, placeholder)
                .build();
        Path file = dir.resolve("one.rtrace");
        TraceFiles.write(file, t);
        byte[] good = Files.readAllBytes(file);
        int stored = placeholder.serializedSizeInBytes();
        int at = good.length - TraceFiles.FOOTER_BYTES - stored; // the only bitmap ends the body
        ByteBuffer out = ByteBuffer.allocate(at - 4 + 4 + bitmap.length + TraceFiles.FOOTER_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(good, 0, at - 4).putInt(bitmap.length).put(bitmap);
        int content = out.position();
        out.putLong(content).put(TraceFiles.FOOTER_MAGIC);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    private TraceFormatException readFailure(byte[] bytes) throws Exception {
        Path f = dir.resolve("p.rtrace");
        Files.write(f, bytes);
        return assertThrows(TraceFormatException.class, () -> TraceFiles.read(f));
    }

    private Problem readProblem(byte[] bytes) throws Exception {
        Path f = dir.resolve("p.rtrace");
        Files.write(f, bytes);
        return assertThrows(TraceFormatException.class, () -> TraceFiles.read(f))
                .problem();
    }

    @Test
    void writeIsAtomicAndLeavesNoTemporaryFiles() throws Exception {
        Path file = dir.resolve("t.rtrace");
        TraceFiles.write(file, randomTrace(1, new int[] {8}, 2));
        TraceFiles.write(file, randomTrace(2, new int[] {8}, 3));
        assertEquals(3, TraceFiles.read(file).tokens(0));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }
}
