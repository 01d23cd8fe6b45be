package dev.ripple.core.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.tensor.DType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes a {@code .ripple} file (docs/FORMAT.md) through {@link AtomicFile}, so the destination is
 * either the complete new file or untouched.
 *
 * <pre>{@code
 * RippleFileWriter.write(Path.of("model.ripple"), contents);
 * }</pre>
 */
public final class RippleFileWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RippleFileWriter() {}

    /** Writes {@code contents} to {@code destination} atomically ({@link AtomicFile}); returns the file size. */
    public static long write(Path destination, RippleContents contents) throws IOException {
        return write(destination, contents, (layer, error) -> {});
    }

    /** Told of each FFN layer once its bundles are written. */
    @FunctionalInterface
    public interface LayerListener {
        /** Layer {@code layer} is written; its bundles are {@code error} away from the weights given. */
        void written(int layer, StorageError error);
    }

    /**
     * As {@link #write(Path, RippleContents)}, telling {@code layerWritten} each FFN layer once its
     * bundles are written (the long part of a large model: a progress bar follows it) with the
     * error storing them in the layer's dtype added.
     */
    public static long write(Path destination, RippleContents contents, LayerListener layerWritten) throws IOException {
        return AtomicFile.write(destination, ch -> writeTo(ch, contents, layerWritten));
    }

    private static long writeTo(FileChannel ch, RippleContents c, LayerListener layerWritten) throws IOException {
        ChecksummedOutput out = new ChecksummedOutput(ch);
        int minor = RippleFormat.minorVersionFor(c);
        writeHeader(out, minor);
        List<SectionEntry> entries = new ArrayList<>();

        byte[] metadata = JSON.writeValueAsBytes(metadataJson(c, minor));
        entries.add(section(
                out,
                RippleFormat.METADATA_SECTION,
                SectionKind.METADATA,
                DType.BYTES,
                new long[0],
                RippleFormat.SMALL_ALIGN,
                () -> out.putBytes(metadata)));

        for (ResidentTensor t : c.tensors()) {
            entries.add(section(
                    out,
                    t.name(),
                    SectionKind.TENSOR,
                    t.dtype(),
                    t.shape(),
                    RippleFormat.SMALL_ALIGN,
                    () -> putTensor(out, t)));
        }
        for (PlacedLayer layer : c.layers()) {
            BundleSource w = layer.weights();
            FfnLayerSpec spec = w.spec();
            entries.add(section(
                    out,
                    RippleFormat.downBiasTensor(spec.index()),
                    SectionKind.TENSOR,
                    DType.F32,
                    new long[] {spec.dModel()},
                    RippleFormat.SMALL_ALIGN,
                    () -> out.putFloats(w.downBias(), 0, spec.dModel(), DType.F32)));
            int[] order = layer.slotToNeuron();
            entries.add(section(
                    out,
                    RippleFormat.permutationSection(spec.index()),
                    SectionKind.PERMUTATION,
                    DType.I32,
                    new long[] {spec.dFfn()},
                    RippleFormat.SMALL_ALIGN,
                    () -> {
                        for (int neuron : order) {
                            out.putInt(neuron);
                        }
                    }));
            BundleEncoder encoder = new BundleEncoder(spec);
            entries.add(section(
                    out,
                    RippleFormat.bundlesSection(spec.index()),
                    SectionKind.FFN_BUNDLES,
                    RippleFormat.bundlesType(spec),
                    RippleFormat.bundlesShape(spec),
                    RippleFormat.PAGE,
                    () -> {
                        float[] bundle = new float[spec.bundleElements()];
                        for (int neuron : order) {
                            w.bundleOf(neuron, bundle, 0);
                            out.putSegment(encoder.encode(bundle, w, neuron));
                        }
                        w.release();
                    }));
            layerWritten.written(spec.index(), encoder.error());
        }
        for (var blob : c.blobs().entrySet()) {
            entries.add(section(
                    out,
                    "blob." + blob.getKey(),
                    SectionKind.BLOB,
                    DType.BYTES,
                    new long[0],
                    RippleFormat.SMALL_ALIGN,
                    () -> out.putBytes(blob.getValue())));
        }

        out.padTo(RippleFormat.SMALL_ALIGN);
        long directoryOffset = out.position();
        out.beginSection();
        out.putInt(entries.size());
        for (SectionEntry e : entries) {
            writeEntry(out, e);
        }
        long directoryLength = out.position() - directoryOffset;
        int directoryCrc = out.endSection();

        out.putLong(directoryOffset);
        out.putLong(directoryLength);
        out.putInt(directoryCrc);
        out.putBytes(RippleFormat.FOOTER_MAGIC);
        out.putInt(out.fileCrc());
        out.flush();
        return out.position();
    }

    /** The source's bytes as they are, or converted to the stored type one row at a time. */
    private static void putTensor(ChecksummedOutput out, ResidentTensor t) throws IOException {
        if (t.copiedAsIs()) {
            out.putSegment(t.source().data());
            return;
        }
        float[] row = new float[Math.toIntExact(t.rowLength())];
        long rows = t.source().elementCount() / Math.max(1, row.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment encoded = arena.allocate(t.dtype().bytes(row.length), 8);
            for (long r = 0; r < rows; r++) {
                t.encodeRow(r, row, encoded, 0);
                out.putSegment(encoded);
            }
        }
    }

    private static void writeHeader(ChecksummedOutput out, int minor) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(RippleFormat.HEADER_CHECKED_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.put(RippleFormat.MAGIC)
                .putShort((short) RippleFormat.VERSION_MAJOR)
                .putShort((short) minor)
                .putInt(0)
                .putInt(RippleFormat.BYTE_ORDER_MARK);
        CRC32C crc = new CRC32C();
        crc.update(h.array());
        out.putBytes(h.array());
        out.putInt((int) crc.getValue());
        out.padTo(RippleFormat.HEADER_BYTES);
    }

    private static void writeEntry(ChecksummedOutput out, SectionEntry e) throws IOException {
        byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
        if (name.length > RippleFormat.MAX_NAME_BYTES) {
            throw new IllegalArgumentException(
                    "section name longer than " + RippleFormat.MAX_NAME_BYTES + " bytes: " + e.name());
        }
        long[] shape = e.shape();
        out.putShort(e.kind().code());
        out.putByte(e.dtype().code());
        out.putByte(shape.length);
        out.putInt(e.crc32c());
        out.putLong(e.offset());
        out.putLong(e.length());
        for (long d : shape) {
            out.putLong(d);
        }
        out.putShort(name.length);
        out.putBytes(name);
    }

    @FunctionalInterface
    private interface Body {
        void write() throws IOException;
    }

    private static SectionEntry section(
            ChecksummedOutput out, String name, SectionKind kind, DType dtype, long[] shape, int alignment, Body body)
            throws IOException {
        out.padTo(alignment);
        long start = out.position();
        out.beginSection();
        body.write();
        int crc = out.endSection();
        return new SectionEntry(name, kind, dtype, shape, start, out.position() - start, crc);
    }

    private static ObjectNode metadataJson(RippleContents c, int minor) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "ripple");
        root.put("formatVersion", RippleFormat.VERSION_MAJOR + "." + minor);
        root.set("architecture", c.architecture());
        root.set("provenance", c.provenance());
        ArrayNode layers = root.putArray("layers");
        for (PlacedLayer layer : c.layers()) {
            FfnLayerSpec s = layer.weights().spec();
            ObjectNode l = layers.addObject();
            l.put("index", s.index());
            l.put("dModel", s.dModel());
            l.put("dFfn", s.dFfn());
            l.put("activation", s.activation().label());
            l.put("gated", s.gated());
            if (s.upActivated()) {
                l.put("upActivated", true);
            }
            if (s.reluThreshold() != 0f) {
                l.put("reluThreshold", s.reluThreshold());
            }
            l.put("dtype", s.dtype().label());
            l.put("bundleBytes", s.bundleBytes());
            l.put("bundles", RippleFormat.bundlesSection(s.index()));
            l.put("permutation", RippleFormat.permutationSection(s.index()));
            l.put("downBias", RippleFormat.downBiasTensor(s.index()));
        }
        return root;
    }
}
