package dev.ripple.placement.importer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.FuzzScratch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the safetensors importer with its config.json, on a single
 * {@code model.safetensors} or on a sharded checkpoint ({@code model.safetensors.index.json} and
 * its shards): arbitrary input must import or fail with {@link ModelFormatException} /
 * {@link UnsupportedModelException}; any other exception, an {@link OutOfMemoryError} (the fuzzing
 * JVM has a small heap), a hang, or a shard opened outside the checkpoint directory is a finding.
 *
 * <p>Input layout. A big-endian two-byte word whose low 15 bits are the length of config.json,
 * then that many bytes of config.json. When the word's top bit is clear (every input of the
 * single-file layout this target had before, its committed corpus included), the rest is
 * {@code model.safetensors}. When it is set the checkpoint is sharded, and the rest is a two-byte
 * big-endian length and that many bytes of the index, one byte whose low two bits plus one are the
 * shard count n, then shards 1 to n-1 each as a four-byte big-endian length (top bit ignored) and
 * that many bytes, and shard n as everything left; the shards are written as
 * {@code model-0000i-of-0000n.safetensors}, the names the index of a seed uses, so mutations of
 * the index name present, missing and foreign files alike. Lengths past the end are cut short.
 * Seeds are the generated OPT and Llama checkpoints of {@link SafetensorsImporterTest} in F32, F16
 * and BF16, each as one file and in shards.
 */
class SafetensorsImporterFuzzTest {
    /** The layout word's bit that says the checkpoint is sharded. */
    static final int SHARDED = 0x8000;

    /** Names written for the previous input, deleted when this one does not write them too. */
    private static final Set<String> written = new LinkedHashSet<>();

    static Stream<byte[]> seeds() throws IOException {
        Stream.Builder<byte[]> seeds = Stream.builder();
        Path tmp = Files.createTempDirectory("seed");
        try {
            for (String dtype : new String[] {"F32", "F16", "BF16"}) {
                Path single = tmp.resolve("model.safetensors");
                SafetensorsImporterTest.opt(7).write(single, dtype);
                seeds.add(frame(SafetensorsImporterTest.configJson(true), Files.readAllBytes(single)));
                SafetensorsImporterTest.llama(11).write(single, dtype);
                seeds.add(frame(SafetensorsImporterTest.configJson(false), Files.readAllBytes(single)));
                Files.delete(single);
                seeds.add(sharded(
                        SafetensorsImporterTest.configJson(true), SafetensorsImporterTest.opt(7), dtype, 2, tmp));
                seeds.add(sharded(
                        SafetensorsImporterTest.configJson(false), SafetensorsImporterTest.llama(11), dtype, 3, tmp));
            }
        } finally {
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(tmp);
        }
        return seeds.build();
    }

    /** One single-file fuzz input from a config and a safetensors file. */
    static byte[] frame(String config, byte[] safetensors) {
        byte[] c = config.getBytes(StandardCharsets.UTF_8);
        return concat(u16(c.length), c, safetensors);
    }

    /** One sharded fuzz input: the checkpoint written in {@code shards} shards in {@code tmp}, then framed. */
    static byte[] sharded(String config, SafetensorsTestWriter w, String dtype, int shards, Path tmp)
            throws IOException {
        byte[] c = config.getBytes(StandardCharsets.UTF_8);
        byte[] index = w.writeSharded(tmp, dtype, shards).getBytes(StandardCharsets.UTF_8);
        byte[][] parts = new byte[2 * shards + 5][];
        parts[0] = u16(SHARDED | c.length);
        parts[1] = c;
        parts[2] = u16(index.length);
        parts[3] = index;
        parts[4] = new byte[] {(byte) (shards - 1)};
        for (int s = 1; s <= shards; s++) {
            Path p = tmp.resolve(shardName(s, shards));
            byte[] bytes = Files.readAllBytes(p);
            Files.delete(p);
            parts[3 + 2 * s] = s < shards ? u32(bytes.length) : new byte[0];
            parts[4 + 2 * s] = bytes;
        }
        Files.delete(tmp.resolve("model.safetensors.index.json"));
        return concat(parts);
    }

    static String shardName(int s, int shards) {
        return String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", s, shards);
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void importArbitraryCheckpoint(byte[] input) {
        if (input.length < 2) {
            return;
        }
        Cursor in = new Cursor(input);
        int word = in.u16();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", in.take(word & ~SHARDED));
        boolean sharded = (word & SHARDED) != 0;
        if (sharded) {
            files.put("model.safetensors.index.json", in.take(in.u16()));
            int shards = 1 + (in.u8() & 3);
            for (int s = 1; s <= shards; s++) {
                files.put(shardName(s, shards), s < shards ? in.take(in.u32()) : in.rest());
            }
        } else {
            files.put("model.safetensors", in.rest());
        }
        Path dir = writeCheckpoint(files);
        try {
            if (sharded) {
                requireShardsInside(dir);
            }
            SafetensorsImporter.importModel(dir, DType.F16);
        } catch (ModelFormatException | UnsupportedModelException expected) {
            // the typed refusal is the contract
        } catch (IOException e) {
            throw new UncheckedIOException("an untyped I/O error escaped the importer", e);
        }
    }

    /**
     * Every file the index's {@code weight_map} sends a tensor to must be inside the checkpoint
     * directory: a shard named {@code ../x} or {@code /etc/x} that opened would be a finding even if
     * the import then failed for another reason.
     */
    private static void requireShardsInside(Path dir) throws IOException {
        Path home = dir.toAbsolutePath().normalize();
        for (SafetensorsFile f : HfCheckpoint.tensorFiles(dir).values()) {
            if (!f.file().toAbsolutePath().normalize().startsWith(home)) {
                throw new IllegalStateException("the index sent the importer outside " + home + ": " + f.file());
            }
        }
    }

    /** Writes this input's files and deletes the previous input's others, so that the directory is the input. */
    private static Path writeCheckpoint(Map<String, byte[]> files) {
        for (String old : written) {
            if (!files.containsKey(old)) {
                try {
                    Files.deleteIfExists(FuzzScratch.dir().resolve(old));
                } catch (IOException e) {
                    throw new UncheckedIOException("the fuzz harness could not delete its scratch file " + old, e);
                }
            }
        }
        written.clear();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            FuzzScratch.write(f.getKey(), f.getValue());
            written.add(f.getKey());
        }
        return FuzzScratch.dir();
    }

    /** Reads the input front to back; a length past the end takes what is left, a number past it reads 0. */
    private static final class Cursor {
        private final byte[] b;
        private int at;

        Cursor(byte[] b) {
            this.b = b;
        }

        int u8() {
            return at < b.length ? b[at++] & 0xFF : 0;
        }

        int u16() {
            return (u8() << 8) | u8();
        }

        int u32() {
            return ((u16() << 16) | u16()) & 0x7FFF_FFFF;
        }

        byte[] take(int n) {
            int end = (int) Math.min((long) at + n, b.length);
            byte[] out = Arrays.copyOfRange(b, at, end);
            at = end;
            return out;
        }

        byte[] rest() {
            return take(b.length - at);
        }
    }

    private static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    private static byte[] u32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
