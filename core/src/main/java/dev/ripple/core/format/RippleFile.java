package dev.ripple.core.format;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.LittleEndian;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.core.tensor.TensorSource;
import dev.ripple.io.FileShrankException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * An opened {@code .ripple} file. Opening checks the header, footer, directory, metadata and
 * permutations (all small) and every declared length and offset against the file size before
 * anything is allocated or mapped; {@link #verify()} additionally checks every section checksum
 * and the whole-file checksum. Errors are {@link RippleFormatException}s naming the file, the
 * section and the problem.
 *
 * <pre>{@code
 * try (RippleFile f = RippleFile.open(Path.of("model.ripple"))) {
 *     for (FfnLayerSection layer : f.layers()) {
 *         System.out.println(layer.spec() + " at " + layer.bundles().offset());
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe once opened; {@link #close()} unmaps the file, after which segments handed out
 * are no longer valid.
 */
public final class RippleFile implements TensorSource, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final long size;
    private final int versionMajor;
    private final int versionMinor;
    private final List<SectionEntry> sections;
    private final Map<String, SectionEntry> byName;
    private final JsonNode metadata;
    private final List<FfnLayerSection> layers;
    private final Arena arena;
    private final MemorySegment mapped;

    private RippleFile(
            Path path,
            long size,
            int major,
            int minor,
            List<SectionEntry> sections,
            JsonNode metadata,
            List<FfnLayerSection> layers,
            Arena arena,
            MemorySegment mapped) {
        this.path = path;
        this.size = size;
        this.versionMajor = major;
        this.versionMinor = minor;
        this.sections = List.copyOf(sections);
        Map<String, SectionEntry> m = new LinkedHashMap<>();
        for (SectionEntry e : sections) {
            m.put(e.name(), e);
        }
        this.byName = Collections.unmodifiableMap(m);
        this.metadata = metadata;
        this.layers = List.copyOf(layers);
        this.arena = arena;
        this.mapped = mapped;
    }

    /** Opens and validates {@code path}; see the class comment for what is checked. */
    public static RippleFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) { // opens, and then a read fails with "Is a directory" naming no file
            throw new FileSystemException(path.toString(), null, "is a directory, not a .ripple file");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Structure s = readStructure(path, ch);
            Arena arena = Arena.ofShared();
            try {
                MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, s.size, arena);
                return new RippleFile(path, s.size, s.major, s.minor, s.sections, s.metadata, s.layers, arena, mapped);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    /** The validated layout of a file, read with plain channel reads. */
    private record Structure(
            long size,
            int major,
            int minor,
            List<SectionEntry> sections,
            JsonNode metadata,
            List<FfnLayerSection> layers) {}

    private static Structure readStructure(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        int minimum = RippleFormat.HEADER_BYTES + RippleFormat.FOOTER_BYTES;
        if (size < RippleFormat.MAGIC.length) {
            throw new RippleFormatException(
                    path,
                    "header",
                    size == 0 ? Problem.TRUNCATED : Problem.BAD_MAGIC,
                    "file is " + size + " bytes, shorter than the 8-byte magic");
        }
        ByteBuffer header = read(path, ch, "header", 0, (int) Math.min(RippleFormat.HEADER_BYTES, size));
        byte[] magic = new byte[RippleFormat.MAGIC.length];
        header.get(0, magic);
        if (!Arrays.equals(magic, RippleFormat.MAGIC)) {
            throw new RippleFormatException(
                    path,
                    "header",
                    Problem.BAD_MAGIC,
                    "expected magic " + hex(RippleFormat.MAGIC) + ", found " + hex(magic) + lookalike(header));
        }
        if (size < minimum) {
            throw new RippleFormatException(
                    path,
                    "file",
                    Problem.TRUNCATED,
                    "file is " + size + " bytes, smaller than header and footer (" + minimum + ")");
        }
        CRC32C hcrc = new CRC32C();
        hcrc.update(header.array(), 0, RippleFormat.HEADER_CHECKED_BYTES);
        int storedHeaderCrc = header.getInt(RippleFormat.HEADER_CHECKED_BYTES);
        int major = Short.toUnsignedInt(header.getShort(8));
        int minor = Short.toUnsignedInt(header.getShort(10));
        int flags = header.getInt(12);
        int bom = header.getInt(16);
        requireChecksum(path, "header", storedHeaderCrc, (int) hcrc.getValue());
        if (major != RippleFormat.VERSION_MAJOR) {
            throw new RippleFormatException(
                    path,
                    "header",
                    Problem.UNSUPPORTED_VERSION,
                    "format version " + major + "."
                            + minor + " is " + (major > RippleFormat.VERSION_MAJOR ? "newer" : "older")
                            + " than this reader ("
                            + RippleFormat.VERSION_MAJOR + ".x)");
        }
        if (flags != 0) {
            throw new RippleFormatException(
                    path,
                    "header",
                    Problem.UNSUPPORTED_VERSION,
                    "required feature flags " + hex(flags) + " are unknown to this reader");
        }
        if (bom != RippleFormat.BYTE_ORDER_MARK) {
            throw new RippleFormatException(
                    path,
                    "header",
                    Problem.INCONSISTENT,
                    "byte-order mark " + hex(bom) + " is not " + hex(RippleFormat.BYTE_ORDER_MARK));
        }

        long footerAt = size - RippleFormat.FOOTER_BYTES;
        ByteBuffer footer = read(path, ch, "footer", footerAt, RippleFormat.FOOTER_BYTES);
        byte[] footerMagic = new byte[RippleFormat.FOOTER_MAGIC.length];
        footer.get(20, footerMagic);
        if (!Arrays.equals(footerMagic, RippleFormat.FOOTER_MAGIC)) {
            throw new RippleFormatException(
                    path,
                    "footer",
                    Problem.TRUNCATED,
                    "no footer magic at offset " + (footerAt + 20) + " (found " + hex(footerMagic)
                            + "): the file is cut short or its end is damaged");
        }
        long dirOffset = footer.getLong(0);
        long dirLength = footer.getLong(8);
        int dirCrc = footer.getInt(16);
        if (dirOffset < RippleFormat.HEADER_BYTES
                || dirLength < 4
                || dirLength > RippleFormat.MAX_DIRECTORY_BYTES
                || dirOffset > footerAt
                || dirOffset + dirLength != footerAt) {
            throw new RippleFormatException(
                    path,
                    "footer",
                    Problem.INCONSISTENT,
                    "directory at offset " + dirOffset + " with " + dirLength
                            + " bytes does not end where the footer starts (" + footerAt + ")");
        }
        ByteBuffer dir = read(path, ch, "directory", dirOffset, (int) dirLength);
        requireChecksum(path, "directory", dirCrc, crc(dir.array()));
        List<SectionEntry> sections = parseDirectory(path, dir, dirOffset);

        SectionEntry metaEntry = sections.stream()
                .filter(e -> e.kind() == SectionKind.METADATA)
                .findFirst()
                .orElseThrow(() ->
                        new RippleFormatException(path, "directory", Problem.INCONSISTENT, "no metadata section"));
        if (metaEntry.length() > RippleFormat.MAX_METADATA_BYTES) {
            throw new RippleFormatException(
                    path,
                    metaEntry.describe(),
                    Problem.INCONSISTENT,
                    "metadata larger than " + RippleFormat.MAX_METADATA_BYTES + " bytes");
        }
        ByteBuffer metaBytes = readChecked(path, ch, metaEntry);
        JsonNode metadata;
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(metaBytes)
                    .toString();
            metadata = JSON.readTree(text);
        } catch (CharacterCodingException | JacksonException e) {
            throw new RippleFormatException(
                    path,
                    metaEntry.describe(),
                    Problem.INCONSISTENT,
                    "metadata is not valid UTF-8 JSON: " + firstLine(e.getMessage()),
                    e);
        }
        if (metadata == null || !metadata.isObject()) {
            throw new RippleFormatException(
                    path, metaEntry.describe(), Problem.INCONSISTENT, "metadata is not a JSON object");
        }
        Map<String, SectionEntry> byName = new LinkedHashMap<>();
        for (SectionEntry e : sections) {
            if (byName.put(e.name(), e) != null) {
                throw new RippleFormatException(
                        path, "directory", Problem.INCONSISTENT, "section name '" + e.name() + "' appears twice");
            }
            checkShape(path, e);
        }
        List<FfnLayerSection> layers = parseLayers(path, ch, metadata, byName);
        return new Structure(size, major, minor, sections, metadata, layers);
    }

    private static List<SectionEntry> parseDirectory(Path path, ByteBuffer dir, long dirOffset)
            throws RippleFormatException {
        int minEntry = 2 + 1 + 1 + 4 + 8 + 8 + 2;
        try {
            int count = dir.getInt();
            if (count < 0 || (long) count * minEntry > dir.remaining()) {
                throw new RippleFormatException(
                        path,
                        "directory",
                        Problem.INCONSISTENT,
                        "declares " + Integer.toUnsignedString(count) + " sections, more than its " + dir.capacity()
                                + " bytes can hold");
            }
            List<SectionEntry> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int kindCode = Short.toUnsignedInt(dir.getShort());
                int dtypeCode = Byte.toUnsignedInt(dir.get());
                int rank = Byte.toUnsignedInt(dir.get());
                int crc = dir.getInt();
                long offset = dir.getLong();
                long length = dir.getLong();
                if (rank > RippleFormat.MAX_RANK) {
                    throw new RippleFormatException(
                            path,
                            "directory",
                            Problem.INCONSISTENT,
                            "entry " + i + " has rank " + rank + " (at most " + RippleFormat.MAX_RANK + ")");
                }
                long[] shape = new long[rank];
                for (int r = 0; r < rank; r++) {
                    shape[r] = dir.getLong();
                }
                int nameLength = Short.toUnsignedInt(dir.getShort());
                if (nameLength > RippleFormat.MAX_NAME_BYTES || nameLength > dir.remaining()) {
                    throw new RippleFormatException(
                            path,
                            "directory",
                            Problem.INCONSISTENT,
                            "entry " + i + " has a name of " + nameLength + " bytes");
                }
                byte[] nameBytes = new byte[nameLength];
                dir.get(nameBytes);
                String name = new String(nameBytes, StandardCharsets.UTF_8);
                DType dtype;
                try {
                    dtype = DType.ofCode(dtypeCode);
                } catch (IllegalArgumentException e) {
                    throw new RippleFormatException(
                            path,
                            "section " + name,
                            Problem.UNSUPPORTED_VERSION,
                            "dtype code " + dtypeCode + " is unknown to this reader");
                }
                if (offset < RippleFormat.HEADER_BYTES
                        || length < 0
                        || offset > dirOffset
                        || length > dirOffset - offset) {
                    throw new RippleFormatException(
                            path,
                            "section " + name,
                            Problem.INCONSISTENT,
                            "offset " + offset + " and length " + length + " lie outside the data area ["
                                    + RippleFormat.HEADER_BYTES + ", " + dirOffset + ")");
                }
                out.add(new SectionEntry(name, SectionKind.ofCode(kindCode), dtype, shape, offset, length, crc));
            }
            if (dir.hasRemaining()) {
                throw new RippleFormatException(
                        path, "directory", Problem.INCONSISTENT, dir.remaining() + " bytes left after the last entry");
            }
            List<SectionEntry> sorted = new ArrayList<>(out);
            sorted.sort(Comparator.comparingLong(SectionEntry::offset));
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).offset() < sorted.get(i - 1).end()) {
                    throw new RippleFormatException(
                            path,
                            "section " + sorted.get(i).name(),
                            Problem.INCONSISTENT,
                            "overlaps section " + sorted.get(i - 1).describe());
                }
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new RippleFormatException(
                    path, "directory", Problem.INCONSISTENT, "entries run past the end of the directory");
        }
    }

    private static void checkShape(Path path, SectionEntry e) throws RippleFormatException {
        if (e.kind() == SectionKind.TENSOR && !e.dtype().holdsWeights()) {
            throw new RippleFormatException(
                    path,
                    "section " + e.describe(),
                    Problem.INCONSISTENT,
                    "a tensor section holds " + e.dtype().label() + "; tensors hold f32, f16, bf16, q8_0 or q4_0");
        }
        if (e.dtype() == DType.BYTES && e.shape().length == 0) {
            return; // metadata and blobs: any length
        }
        long n = e.elementCount();
        long[] shape = e.shape();
        long bytes;
        try {
            int block = e.dtype().blockSize();
            if (n < 0 || (shape.length > 0 && shape[shape.length - 1] % block != 0)) {
                throw new ArithmeticException();
            }
            bytes = e.dtype().bytes(n);
        } catch (ArithmeticException | IllegalArgumentException overflow) {
            bytes = -1;
        }
        if (bytes != e.length()) {
            throw new RippleFormatException(
                    path,
                    "section " + e.describe(),
                    Problem.INCONSISTENT,
                    "shape " + Arrays.toString(e.shape()) + " of " + e.dtype().label() + " does not fill its "
                            + e.length() + " bytes");
        }
    }

    private static List<FfnLayerSection> parseLayers(
            Path path, FileChannel ch, JsonNode metadata, Map<String, SectionEntry> byName) throws IOException {
        JsonNode list = metadata.path("layers");
        if (!list.isArray()) {
            throw new RippleFormatException(
                    path, "metadata", Problem.INCONSISTENT, "'layers' is missing or not an array");
        }
        List<FfnLayerSection> layers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode l = list.get(i);
            String where = "metadata layer " + i;
            FfnLayerSpec spec;
            try {
                int index = requiredInt(l, "index");
                if (index != i) {
                    throw new IllegalArgumentException("index is " + index + ", expected " + i);
                }
                spec = new FfnLayerSpec(
                        index,
                        requiredInt(l, "dModel"),
                        requiredInt(l, "dFfn"),
                        Activation.ofLabel(requiredText(l, "activation")),
                        l.path("gated").asBoolean(false),
                        DType.ofLabel(requiredText(l, "dtype")),
                        l.path("upActivated").asBoolean(false),
                        (float) l.path("reluThreshold").asDouble(0));
            } catch (IllegalArgumentException e) {
                throw new RippleFormatException(path, where, Problem.INCONSISTENT, e.getMessage());
            }
            SectionEntry bundles =
                    requireSection(path, byName, where, l.path("bundles").asText(""), SectionKind.FFN_BUNDLES);
            SectionEntry perm =
                    requireSection(path, byName, where, l.path("permutation").asText(""), SectionKind.PERMUTATION);
            String downBias = l.path("downBias").asText("");
            SectionEntry bias = requireSection(path, byName, where, downBias, SectionKind.TENSOR);
            long[] expected = RippleFormat.bundlesShape(spec);
            DType expectedType = RippleFormat.bundlesType(spec);
            if (bundles.dtype() != expectedType || !Arrays.equals(bundles.shape(), expected)) {
                throw new RippleFormatException(
                        path,
                        "section " + bundles.describe(),
                        Problem.INCONSISTENT,
                        "holds "
                                + bundles.dtype().label() + Arrays.toString(bundles.shape()) + " but layer " + i
                                + " needs "
                                + expectedType.label() + Arrays.toString(expected));
            }
            if (bundles.offset() % RippleFormat.PAGE != 0) {
                throw new RippleFormatException(
                        path,
                        "section " + bundles.describe(),
                        Problem.INCONSISTENT,
                        "bundles must start on a " + RippleFormat.PAGE + "-byte boundary");
            }
            if (perm.dtype() != DType.I32 || !Arrays.equals(perm.shape(), new long[] {spec.dFfn()})) {
                throw new RippleFormatException(
                        path,
                        "section " + perm.describe(),
                        Problem.INCONSISTENT,
                        "permutation must be i32[" + spec.dFfn() + "]");
            }
            if (!Arrays.equals(bias.shape(), new long[] {spec.dModel()})
                    || !bias.dtype().isFloat()) { // stored f32
                throw new RippleFormatException(
                        path,
                        "section " + bias.describe(),
                        Problem.INCONSISTENT,
                        "down bias must be a float vector of " + spec.dModel());
            }
            requireVectorIfPresent(path, byName, RippleFormat.fillMeanTensor(i), spec.dFfn());
            requireVectorIfPresent(path, byName, RippleFormat.fillConstantTensor(i), spec.dModel());
            ByteBuffer permBytes = readChecked(path, ch, perm);
            int[] slotToNeuron = new int[spec.dFfn()];
            permBytes.asIntBuffer().get(slotToNeuron);
            int bad = Permutations.firstInvalid(slotToNeuron, spec.dFfn());
            if (bad >= 0) {
                throw new RippleFormatException(
                        path,
                        "section " + perm.describe(),
                        Problem.INCONSISTENT,
                        "slot " + bad + " breaks the permutation of 0.." + (spec.dFfn() - 1));
            }
            layers.add(new FfnLayerSection(spec, bundles, slotToNeuron, downBias));
        }
        return layers;
    }

    /**
     * Refuses the optional per-layer tensor {@code name} (mean fill-in) unless it is absent or a
     * vector of {@code length}: the runtime reads it into the layer's executor when a model opens,
     * so a misfit is refused here with the layer table rather than there.
     */
    private static void requireVectorIfPresent(Path path, Map<String, SectionEntry> byName, String name, int length)
            throws RippleFormatException {
        SectionEntry e = byName.get(name);
        if (e != null && e.kind() == SectionKind.TENSOR && !Arrays.equals(e.shape(), new long[] {length})) {
            throw new RippleFormatException(
                    path,
                    "section " + e.describe(),
                    Problem.INCONSISTENT,
                    "shape " + Arrays.toString(e.shape()) + " is not the vector of " + length + " its layer needs");
        }
    }

    private static int requiredInt(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not an int");
        }
        return v.intValue();
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a string");
        }
        return v.textValue();
    }

    private static SectionEntry requireSection(
            Path path, Map<String, SectionEntry> byName, String where, String name, SectionKind kind)
            throws RippleFormatException {
        SectionEntry e = byName.get(name);
        if (e == null || e.kind() != kind) {
            throw new RippleFormatException(
                    path,
                    where,
                    Problem.INCONSISTENT,
                    "refers to " + kind.name().toLowerCase() + " section '" + name
                            + "', which the directory does not hold");
        }
        return e;
    }

    private static ByteBuffer readChecked(Path path, FileChannel ch, SectionEntry e) throws IOException {
        ByteBuffer b = read(path, ch, "section " + e.name(), e.offset(), (int) e.length());
        requireChecksum(path, "section " + e.describe(), e.crc32c(), crc(b.array()));
        return b;
    }

    private static ByteBuffer read(Path path, FileChannel ch, String what, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int n = ch.read(b, offset + b.position());
            if (n < 0) {
                throw new RippleFormatException(
                        path,
                        what,
                        Problem.TRUNCATED,
                        "file ends at " + (offset + b.position()) + ", expected " + length + " bytes from " + offset);
            }
        }
        return b.flip();
    }

    /** Refuses {@code part} unless the CRC32C computed over it is the one the file stores for it. */
    private static void requireChecksum(Path path, String part, int stored, int computed) throws RippleFormatException {
        if (computed != stored) {
            throw new RippleFormatException(
                    path, part, Problem.CHECKSUM_MISMATCH, "stored " + hex(stored) + ", computed " + hex(computed));
        }
    }

    private static int crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        return (int) c.getValue();
    }

    static String hex(int v) {
        return String.format("0x%08x", v);
    }

    /**
     * What a file that is not a {@code .ripple} file looks like, when its first bytes say: the model
     * formats a user may hand a command that wants a {@code .ripple} file (or the wrong kind of
     * model), so that the refusal says what was given rather than only two hex strings.
     */
    static String lookalike(ByteBuffer header) {
        FileKind kind = FileKind.of(header);
        return switch (kind) {
            case GGUF ->
                " (it is a GGUF file: import it into a .ripple file with PlacementPipeline.importModel or"
                        + " 'ripple place --model', or give it to 'ripple generate --model')";
            case SAFETENSORS ->
                " (it looks like a safetensors file: import its checkpoint directory with"
                        + " PlacementPipeline.importModel or 'ripple place --model')";
            case TRACE ->
                " (" + kind.description() + ": read it with TraceFiles.read, or give it to"
                        + " 'ripple place --trace' or '--eval')";
            case ONNX, TEXT -> " (" + kind.description() + ")";
            case RIPPLE, UNKNOWN -> "";
        };
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Checks every section's CRC32C, the directory and the whole-file checksum in the footer, which
     * also covers padding, so one flipped byte anywhere is reported. The first failing section is
     * named; a mismatch found only by the whole-file checksum lies in padding or the footer.
     *
     * @throws java.io.UncheckedIOException caused by a {@link FileShrankException} when the file
     *     was truncated since it was opened (its mapped pages past the new end are gone)
     */
    public void verify() throws RippleFormatException {
        try {
            verifyMapped();
        } catch (InternalError fault) {
            throw uncheckedFault(fault);
        }
    }

    private void verifyMapped() throws RippleFormatException {
        List<SectionEntry> ordered = new ArrayList<>(sections);
        ordered.sort(Comparator.comparingLong(SectionEntry::offset));
        for (SectionEntry e : ordered) {
            requireChecksum(path, "section " + e.describe(), e.crc32c(), crc(mapped.asSlice(e.offset(), e.length())));
        }
        long checked = size - 4;
        int computed = crc(mapped.asSlice(0, checked));
        int stored = mapped.get(LittleEndian.I32, checked);
        if (computed != stored) {
            throw new RippleFormatException(
                    path,
                    "file",
                    Problem.CHECKSUM_MISMATCH,
                    "whole-file checksum stored " + hex(stored) + ", computed " + hex(computed)
                            + "; every section checks out, so the damage is in padding or the footer");
        }
    }

    /**
     * The CRC32C of mapped bytes, copied a MiB at a time into a heap array first: the checksum
     * intrinsic over a mapped buffer is not guarded against a page that vanished (a file truncated
     * while open) and kills the JVM with SIGBUS, where a copy faults as an {@link InternalError}
     * that {@link #verify} explains. The copy costs little beside reading the whole file.
     */
    private static int crc(MemorySegment segment) {
        CRC32C c = new CRC32C();
        byte[] chunk = new byte[(int) Math.min(1 << 20, segment.byteSize())];
        for (long at = 0; at < segment.byteSize(); at += chunk.length) {
            int n = (int) Math.min(chunk.length, segment.byteSize() - at);
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
            c.update(chunk, 0, n);
        }
        return (int) c.getValue();
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** {@code "1.0"}. */
    public String version() {
        return versionMajor + "." + versionMinor;
    }

    /** All sections in directory order. */
    public List<SectionEntry> sections() {
        return sections;
    }

    public Optional<SectionEntry> section(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The whole metadata document (architecture, provenance, layers). */
    public JsonNode metadata() {
        return metadata.deepCopy();
    }

    public JsonNode architecture() {
        return metadata.path("architecture").deepCopy();
    }

    public JsonNode provenance() {
        return metadata.path("provenance").deepCopy();
    }

    public List<FfnLayerSection> layers() {
        return layers;
    }

    /** Resident tensors in directory order (including each layer's down bias). */
    public List<SectionEntry> tensors() {
        return sections.stream().filter(e -> e.kind() == SectionKind.TENSOR).toList();
    }

    /** A resident tensor by name, backed by the mapped file in its stored type. */
    @Override
    public Optional<Tensor> tensor(String name) {
        SectionEntry e = byName.get(name);
        if (e == null || e.kind() != SectionKind.TENSOR) {
            return Optional.empty();
        }
        return Optional.of(new Tensor(name, e.dtype(), e.shape(), mapped.asSlice(e.offset(), e.length())));
    }

    @Override
    public String description() {
        return path.toString();
    }

    /** A fault in the mapping explained, when the file is shorter now than when it was opened. */
    @Override
    public Optional<IOException> explainFault(InternalError fault) {
        return FileShrankException.explain(path, size, fault).map(IOException.class::cast);
    }

    /** Names of the blobs (without the {@code blob.} prefix). */
    public List<String> blobNames() {
        return sections.stream()
                .filter(e -> e.kind() == SectionKind.BLOB)
                .map(e -> e.name().substring("blob.".length()))
                .toList();
    }

    /**
     * A blob's bytes, checked against its CRC32C.
     *
     * @throws java.io.UncheckedIOException caused by a {@link FileShrankException} when the file
     *     was truncated since it was opened
     */
    public Optional<byte[]> blob(String name) throws RippleFormatException {
        try {
            return mappedBlob(name);
        } catch (InternalError fault) {
            throw uncheckedFault(fault);
        }
    }

    private Optional<byte[]> mappedBlob(String name) throws RippleFormatException {
        SectionEntry e = byName.get("blob." + name);
        if (e == null || e.kind() != SectionKind.BLOB) {
            return Optional.empty();
        }
        byte[] bytes = mapped.asSlice(e.offset(), e.length()).toArray(ValueLayout.JAVA_BYTE);
        requireChecksum(path, "section " + e.describe(), e.crc32c(), crc(bytes));
        return Optional.of(bytes);
    }

    /** The whole file as a read-only mapped segment (valid until {@link #close()}). */
    public MemorySegment mapped() {
        return mapped;
    }

    @Override
    public void close() {
        arena.close();
    }
}
