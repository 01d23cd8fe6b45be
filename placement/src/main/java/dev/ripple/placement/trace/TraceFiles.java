package dev.ripple.placement.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.placement.predictor.AheadMoments;
import dev.ripple.placement.predictor.InputMoments;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reads and writes activation trace files ({@code .rtrace}; layout in docs/IMPORT.md §5).
 *
 * <pre>
 *   magic "\x89RTR\r\n\x1a\n" | u16 major | u16 minor | u32 flags (0)
 *   u32 infoLength | info JSON (UTF-8: model, corpus, rule, tokens)
 *   u32 layers | per layer: u32 neurons, u32 tokens
 *   u32 passages | per passage: u32 first token (increasing; 0 passages = no boundaries)
 *   (1.1) u32 hasMeans | if 1: per layer, neurons × f32 inactive means
 *   (1.2) u32 hasMoments | if 1: per layer, u32 d | u64 tokens | d × f64 mean | d(d+1)/2 × f64
 *         upper triangle of E[x·xᵀ], row by row
 *   (1.3) u32 hasAhead (1 only with moments) | if 1: per layer, the layer input's moments as the
 *         FFN input's above (u32 d | u64 tokens | mean | upper triangle), then d × d × f64
 *         E[x_f·x_lᵀ] row by row (row: FFN input coordinate); the FFN side is the moments above
 *   per layer, per token: u32 n | n bytes of RoaringBitmap portable serialisation
 *   footer: u64 bytes before the footer | "RTRFOOT1" | u32 CRC32C of all bytes before the CRC
 * </pre>
 * All integers little-endian. Writing goes to a temporary file that is forced and atomically
 * renamed; reading streams the file once, checks every declared count and length against the
 * bytes left before allocating, checks each bitmap's size and range, and verifies the checksum.
 *
 * <pre>{@code
 * TraceFiles.write(Path.of("minilm.rtrace"), trace);
 * ActivationTrace back = TraceFiles.read(Path.of("minilm.rtrace"));
 * }</pre>
 */
public final class TraceFiles {
    static final byte[] MAGIC = {(byte) 0x89, 'R', 'T', 'R', '\r', '\n', 0x1A, '\n'};
    static final byte[] FOOTER_MAGIC = {'R', 'T', 'R', 'F', 'O', 'O', 'T', '1'};
    public static final int VERSION_MAJOR = 1;
    /**
     * 1.1 adds the optional per-neuron inactive means after the passage starts; 1.2 the optional
     * FFN input moments after them; 1.3 the optional read-ahead moments after those
     * ({@link ActivationTrace#aheadMoments}). Older files are still read.
     */
    public static final int VERSION_MINOR = 3;
    /** The widest FFN input whose moments a trace file may hold. */
    static final int MAX_MOMENT_WIDTH = 4096;

    static final int MAX_INFO_BYTES = 1 << 20;
    static final int MAX_LAYERS = 1 << 16;
    static final int FOOTER_BYTES = 8 + 8 + 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TraceFiles() {}

    /** Writes {@code trace} to {@code destination} atomically; returns the file size. */
    public static long write(Path destination, ActivationTrace trace) throws IOException {
        return AtomicFile.write(destination, ch -> {
            Out out = new Out(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
            writeTo(out, trace);
            out.flush();
            return out.count;
        });
    }

    private static void writeTo(Out out, ActivationTrace t) throws IOException {
        out.bytes(MAGIC);
        out.u16(VERSION_MAJOR);
        out.u16(VERSION_MINOR);
        out.u32(0);
        ObjectNode info = JSON.createObjectNode();
        info.put("model", t.info().model());
        info.put("corpus", t.info().corpus());
        info.put("rule", t.info().rule());
        info.put("tokens", t.info().tokens());
        if (!t.info().checkpoint().isEmpty()) {
            info.put("checkpoint", t.info().checkpoint());
        }
        if (!t.info().checkpointStamp().isEmpty()) {
            info.put("checkpointStamp", t.info().checkpointStamp());
        }
        if (!t.info().ffn().isEmpty()) {
            info.put("ffn", t.info().ffn());
        }
        byte[] json = JSON.writeValueAsBytes(info);
        out.u32(json.length);
        out.bytes(json);
        out.u32(t.layers());
        for (int l = 0; l < t.layers(); l++) {
            out.u32(t.neurons(l));
            out.u32(t.tokens(l));
        }
        int[] starts = t.passageStarts();
        out.u32(starts.length);
        for (int s : starts) {
            out.u32(s);
        }
        float[][] means = t.meanInactive();
        out.u32(means == null ? 0 : 1);
        if (means != null) {
            for (float[] layer : means) {
                for (float m : layer) {
                    out.u32(Float.floatToRawIntBits(m));
                }
            }
        }
        List<InputMoments> moments = t.inputMoments();
        out.u32(moments.isEmpty() ? 0 : 1);
        for (InputMoments m : moments) {
            writeMoments(out, m);
        }
        List<AheadMoments> ahead = t.aheadMoments();
        out.u32(ahead.isEmpty() ? 0 : 1);
        for (AheadMoments m : ahead) {
            writeMoments(out, m.layer());
            for (double v : m.cross()) {
                out.u64(Double.doubleToRawLongBits(v));
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(0);
        for (int l = 0; l < t.layers(); l++) {
            for (int k = 0; k < t.tokens(l); k++) {
                RoaringBitmap b = t.bitmap(l, k).clone();
                b.runOptimize();
                int n = b.serializedSizeInBytes();
                if (buf.capacity() < n) {
                    buf = ByteBuffer.allocate(Math.max(n, buf.capacity() * 2));
                }
                buf.clear();
                b.serialize(buf);
                out.u32(n);
                out.bytes(buf.array(), n);
            }
        }
        long before = out.count;
        out.u64(before);
        out.bytes(FOOTER_MAGIC);
        out.u32((int) out.crc.getValue());
    }

    /** One input's moments: u32 d | u64 tokens | d × f64 mean | the upper triangle of E[x·xᵀ]. */
    private static void writeMoments(Out out, InputMoments m) throws IOException {
        int d = m.dModel();
        out.u32(d);
        out.u64(m.count());
        for (double v : m.mean()) {
            out.u64(Double.doubleToRawLongBits(v));
        }
        double[] second = m.second();
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                out.u64(Double.doubleToRawLongBits(second[i * d + j]));
            }
        }
    }

    /** Reads a 0-or-1 flag that says whether an optional block follows. */
    private static boolean flag(Path file, In in, String block) throws IOException {
        int has = in.u32(block);
        if (has != 0 && has != 1) {
            throw new TraceFormatException(file, block, Problem.INCONSISTENT, "flag is " + has + ", not 0 or 1");
        }
        return has == 1;
    }

    private static List<InputMoments> readMoments(Path file, In in, int layers, long minBody) throws IOException {
        List<InputMoments> out = new ArrayList<>();
        boolean has = flag(file, in, "moments");
        for (int l = 0; has && l < layers; l++) {
            out.add(readMoments(file, in, "moments of layer " + l, false, minBody));
        }
        return out;
    }

    /**
     * One input's moments ({@link #writeMoments}), checked against the bytes left: then a d × d
     * cross moment when {@code crossFollows}, and at least the body's {@code minBody}.
     */
    private static InputMoments readMoments(Path file, In in, String where, boolean crossFollows, long minBody)
            throws IOException {
        int d = in.u32(where);
        in.requireLength(d, MAX_MOMENT_WIDTH, where);
        long values = d + (long) d * (d + 1) / 2;
        long cross = crossFollows ? 8L * d * d : 0;
        in.requireRemaining(8 + 8 * values + cross + minBody + FOOTER_BYTES, where);
        long count = in.u64(where);
        double[] mean = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = Double.longBitsToDouble(in.u64(where));
        }
        double[] second = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                double v = Double.longBitsToDouble(in.u64(where));
                second[i * d + j] = v;
                second[j * d + i] = v;
            }
        }
        try {
            return new InputMoments(d, count, mean, second);
        } catch (IllegalArgumentException e) {
            throw new TraceFormatException(file, where, Problem.INCONSISTENT, e.getMessage(), e);
        }
    }

    /** The 1.3 block: per layer, the layer input's moments and the cross moment; FFN sides from {@code ffn}. */
    private static List<AheadMoments> readAhead(Path file, In in, List<InputMoments> ffn, long minBody)
            throws IOException {
        List<AheadMoments> out = new ArrayList<>();
        if (!flag(file, in, "ahead moments")) {
            return out;
        }
        if (ffn.isEmpty()) {
            throw new TraceFormatException(
                    file,
                    "ahead moments",
                    Problem.INCONSISTENT,
                    "present, but the FFN input moments they pair with are not");
        }
        for (int l = 0; l < ffn.size(); l++) {
            String where = "ahead moments of layer " + l;
            InputMoments layer = readMoments(file, in, where, true, minBody);
            int d = layer.dModel();
            double[] cross = new double[d * d];
            for (int k = 0; k < cross.length; k++) {
                cross[k] = Double.longBitsToDouble(in.u64(where));
            }
            try {
                out.add(new AheadMoments(ffn.get(l), layer, cross));
            } catch (IllegalArgumentException e) {
                throw new TraceFormatException(file, where, Problem.INCONSISTENT, e.getMessage(), e);
            }
        }
        return out;
    }

    /** Reads and fully validates a trace file. */
    public static ActivationTrace read(Path file) throws IOException {
        if (Files.isDirectory(file)) { // opens, and then a read fails with "Is a directory" naming no file
            throw new FileSystemException(file.toString(), null, "is a directory, not a trace file");
        }
        long size = Files.size(file);
        if (size < MAGIC.length + 8 + 4 + 4 + FOOTER_BYTES) {
            throw new TraceFormatException(
                    file,
                    "file",
                    Problem.TRUNCATED,
                    "only " + size + " bytes; a trace file has at least " + (MAGIC.length + 16 + FOOTER_BYTES));
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            In in = new In(raw, file, size);
            byte[] magic = in.bytes(MAGIC.length, "header");
            if (!Arrays.equals(magic, MAGIC)) {
                throw new TraceFormatException(
                        file,
                        "header",
                        Problem.BAD_MAGIC,
                        "it starts with " + HexFormat.of().formatHex(magic)
                                + (magic[1] == 'R' && magic[2] == 'P' && magic[3] == 'L'
                                        ? ", as a .ripple model file does"
                                        : "")
                                + "; a trace (ripple profile --out) starts with "
                                + HexFormat.of().formatHex(MAGIC));
            }
            int major = in.u16("header");
            int minor = in.u16("header");
            int flags = in.u32("header");
            // a newer minor version may add blocks this reader would take for what follows in its own
            if (major != VERSION_MAJOR || minor > VERSION_MINOR || flags != 0) {
                throw new TraceFormatException(
                        file,
                        "header",
                        Problem.UNSUPPORTED_VERSION,
                        "version " + major + "." + minor + " flags " + flags + "; this reader supports " + VERSION_MAJOR
                                + ".0 to " + VERSION_MAJOR + "." + VERSION_MINOR
                                + " without flags (a newer Ripple wrote it)");
            }
            int infoLength = in.u32("info");
            in.requireLength(infoLength, MAX_INFO_BYTES, "info");
            TraceInfo info = parseInfo(file, in.bytes(infoLength, "info"));
            int layers = in.u32("layers");
            in.requireLength(layers, MAX_LAYERS, "layers");
            in.requireRemaining((long) layers * 8, "layers");
            int[] neurons = new int[layers];
            int[] tokens = new int[layers];
            long minBody = 0;
            for (int l = 0; l < layers; l++) {
                neurons[l] = in.u32("layers");
                tokens[l] = in.u32("layers");
                if (neurons[l] <= 0 || tokens[l] < 0) {
                    throw new TraceFormatException(
                            file,
                            "layers",
                            Problem.INCONSISTENT,
                            "layer " + l + " declares "
                                    + Integer.toUnsignedString(neurons[l]) + " neurons and "
                                    + Integer.toUnsignedString(tokens[l])
                                    + " tokens");
                }
                minBody += 4L * tokens[l];
            }
            int passages = in.u32("passages");
            in.requireLength(passages, Integer.MAX_VALUE - 8, "passages");
            in.requireRemaining(4L * passages + minBody + FOOTER_BYTES, "passages");
            ActivationTrace.Builder trace = ActivationTrace.builder(info, neurons);
            int maxTokens = 0;
            for (int tk : tokens) {
                maxTokens = Math.max(maxTokens, tk);
            }
            for (int p = 0; p < passages; p++) {
                int start = in.u32("passages");
                try {
                    if (start >= maxTokens) {
                        throw new IllegalArgumentException("passage " + p + " starts at token " + start
                                + " but layers hold " + maxTokens + " tokens");
                    }
                    trace.addPassageStart(start);
                } catch (IllegalArgumentException e) {
                    throw new TraceFormatException(file, "passages", Problem.INCONSISTENT, e.getMessage(), e);
                }
            }
            if (minor >= 1) {
                int hasMeans = in.u32("means");
                if (hasMeans != 0 && hasMeans != 1) {
                    throw new TraceFormatException(
                            file, "means", Problem.INCONSISTENT, "flag is " + hasMeans + ", not 0 or 1");
                }
                if (hasMeans == 1) {
                    long total = 0;
                    for (int nl : neurons) {
                        total += nl;
                    }
                    in.requireRemaining(4 * total + minBody + FOOTER_BYTES, "means");
                    float[][] means = new float[layers][];
                    for (int l = 0; l < layers; l++) {
                        means[l] = new float[neurons[l]];
                        for (int i = 0; i < neurons[l]; i++) {
                            means[l][i] = Float.intBitsToFloat(in.u32("means"));
                        }
                    }
                    trace.meanInactive(means);
                }
            }
            if (minor >= 2) {
                List<InputMoments> moments = readMoments(file, in, layers, minBody);
                trace.inputMoments(moments);
                if (minor >= 3) {
                    trace.aheadMoments(readAhead(file, in, moments, minBody));
                }
            }
            byte[] buf = new byte[64];
            for (int l = 0; l < layers; l++) {
                for (int t = 0; t < tokens[l]; t++) {
                    String where = "layer " + l + " token " + t;
                    int n = in.u32(where);
                    in.requireLength(n, Integer.MAX_VALUE - 8, where);
                    in.requireRemaining((long) n + FOOTER_BYTES, where);
                    if (buf.length < n) {
                        buf = new byte[Math.max(n, buf.length * 2)];
                    }
                    in.readFully(buf, n, where);
                    trace.adopt(l, bitmap(file, where, buf, n, neurons[l]));
                }
            }
            long before = in.count;
            long declared = in.u64("footer");
            byte[] footerMagic = in.bytes(FOOTER_MAGIC.length, "footer");
            int computed = (int) in.crc.getValue();
            int stored = in.u32("footer");
            if (declared != before || !Arrays.equals(footerMagic, FOOTER_MAGIC) || in.count != size) {
                throw new TraceFormatException(
                        file,
                        "footer",
                        Problem.INCONSISTENT,
                        "footer declares " + declared + " bytes of content, found " + before + "; file size " + size
                                + ", read " + in.count);
            }
            if (computed != stored) {
                throw new TraceFormatException(
                        file,
                        "footer",
                        Problem.CHECKSUM_MISMATCH,
                        String.format("stored CRC32C %08x, computed %08x", stored, computed));
            }
            return trace.build();
        }
    }

    private static TraceInfo parseInfo(Path file, byte[] json) throws TraceFormatException {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject() || !n.path("tokens").canConvertToLong()) {
                throw new TraceFormatException(
                        file, "info", Problem.INCONSISTENT, "not a JSON object with model, corpus, rule, tokens");
            }
            return new TraceInfo(
                    n.path("model").asText(""),
                    n.path("corpus").asText(""),
                    n.path("rule").asText(""),
                    n.path("tokens").asLong(),
                    n.path("checkpoint").asText(""),
                    n.path("checkpointStamp").asText(""),
                    n.path("ffn").asText(""));
        } catch (IOException e) {
            throw new TraceFormatException(file, "info", Problem.INCONSISTENT, "bad JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one stored bitmap and checks it the way the rest of the code will use it. Roaring's
     * decoder trusts the container headers, so a damaged header can yield a bitmap that is not
     * empty but has no first element (a run container with zero runs), or whose cardinality
     * disagrees with its contents; listing the values once, inside the guard, catches all of these.
     */
    private static RoaringBitmap bitmap(Path file, String where, byte[] buf, int n, int neurons)
            throws TraceFormatException {
        RoaringBitmap b = new RoaringBitmap();
        int[] values;
        try {
            b.deserialize(ByteBuffer.wrap(buf, 0, n).slice().order(ByteOrder.LITTLE_ENDIAN));
            values = b.toArray();
        } catch (IOException | RuntimeException e) {
            throw new TraceFormatException(
                    file, where, Problem.INCONSISTENT, "bitmap of " + n + " bytes does not decode: " + e, e);
        }
        if (b.serializedSizeInBytes() != n) {
            throw new TraceFormatException(
                    file,
                    where,
                    Problem.INCONSISTENT,
                    "bitmap decodes to " + b.serializedSizeInBytes() + " bytes, " + n + " stored");
        }
        if (values.length != b.getLongCardinality() || (values.length == 0 && !b.isEmpty())) {
            throw new TraceFormatException(
                    file,
                    where,
                    Problem.INCONSISTENT,
                    "bitmap headers declare " + b.getLongCardinality() + " neurons but its containers hold "
                            + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= neurons) {
                throw new TraceFormatException(
                        file,
                        where,
                        Problem.INCONSISTENT,
                        "neuron " + Integer.toUnsignedString(values[i]) + " outside 0.." + (neurons - 1));
            }
            if (i > 0 && values[i] <= values[i - 1]) {
                throw new TraceFormatException(
                        file,
                        where,
                        Problem.INCONSISTENT,
                        "bitmap lists neuron " + values[i] + " after " + values[i - 1]
                                + ": its containers are not in order");
            }
        }
        return b;
    }

    /** Little-endian output that counts bytes and checksums them. */
    private static final class Out {
        final OutputStream out;
        final CRC32C crc = new CRC32C();
        final byte[] scratch = new byte[8];
        long count;

        Out(OutputStream out) {
            this.out = out;
        }

        void bytes(byte[] b) throws IOException {
            bytes(b, b.length);
        }

        void bytes(byte[] b, int n) throws IOException {
            out.write(b, 0, n);
            crc.update(b, 0, n);
            count += n;
        }

        void u16(int v) throws IOException {
            ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v);
            bytes(scratch, 2);
        }

        void u32(int v) throws IOException {
            ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
            bytes(scratch, 4);
        }

        void u64(long v) throws IOException {
            ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
            bytes(scratch, 8);
        }

        void flush() throws IOException {
            out.flush();
        }
    }

    /** Little-endian input that counts and checksums bytes and knows the file size. */
    private static final class In {
        final InputStream in;
        final Path file;
        final long size;
        final CRC32C crc = new CRC32C();
        final byte[] scratch = new byte[8];
        long count;

        In(InputStream in, Path file, long size) {
            this.in = in;
            this.file = file;
            this.size = size;
        }

        void readFully(byte[] b, int n, String where) throws IOException {
            try {
                int off = 0;
                while (off < n) {
                    int r = in.read(b, off, n - off);
                    if (r < 0) {
                        throw new EOFException();
                    }
                    off += r;
                }
            } catch (EOFException e) {
                throw new TraceFormatException(
                        file,
                        where,
                        Problem.TRUNCATED,
                        "file ends at byte " + count + " inside a " + n + "-byte field",
                        e);
            }
            crc.update(b, 0, n);
            count += n;
        }

        byte[] bytes(int n, String where) throws IOException {
            requireRemaining(n, where);
            byte[] b = new byte[n];
            readFully(b, n, where);
            return b;
        }

        int u16(String where) throws IOException {
            requireRemaining(2, where);
            readFully(scratch, 2, where);
            return ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
        }

        int u32(String where) throws IOException {
            requireRemaining(4, where);
            readFully(scratch, 4, where);
            return ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }

        long u64(String where) throws IOException {
            requireRemaining(8, where);
            readFully(scratch, 8, where);
            return ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }

        void requireRemaining(long n, String where) throws TraceFormatException {
            if (n > size - count) {
                throw new TraceFormatException(
                        file,
                        where,
                        Problem.TRUNCATED,
                        "needs " + n + " bytes at offset " + count + " but the file has " + (size - count) + " left");
            }
        }

        void requireLength(int n, int max, String where) throws TraceFormatException {
            if (n < 0 || n > max) {
                throw new TraceFormatException(
                        file,
                        where,
                        Problem.INCONSISTENT,
                        "declared count " + Integer.toUnsignedString(n) + " exceeds the limit " + max);
            }
        }
    }
}
