package dev.ripple.core.format;

import dev.ripple.core.tensor.DType;

/**
 * Constants of the {@code .ripple} layout; docs/FORMAT.md is the byte-by-byte specification and
 * must change together with this class.
 */
public final class RippleFormat {
    private RippleFormat() {}

    /** First 8 bytes: 0x89 'R' 'P' 'L' CR LF 0x1A LF. The high byte and line ends catch text-mode copies. */
    static final byte[] MAGIC = {(byte) 0x89, 'R', 'P', 'L', '\r', '\n', 0x1A, '\n'};
    /** Last 8 bytes of the footer before the file checksum. */
    static final byte[] FOOTER_MAGIC = {'R', 'P', 'L', 'F', 'O', 'O', 'T', '1'};

    public static final int VERSION_MAJOR = 1;
    /**
     * The newest minor version this reader knows. 1.1 adds block-quantized bundles and tensors
     * (Q8_0, Q4_0); a writer stamps the lowest minor that describes its file
     * ({@link #minorVersionFor}), so f32/f16 files stay readable by 1.0 readers.
     */
    public static final int VERSION_MINOR = 1;
    /** Written as a little-endian u32; reads back as this value only on a little-endian file. */
    static final int BYTE_ORDER_MARK = 0x0A0B0C0D;

    static final int HEADER_BYTES = 64;
    /** Bytes 0..19 of the header are covered by the header checksum stored at 20. */
    static final int HEADER_CHECKED_BYTES = 20;

    static final int FOOTER_BYTES = 32;

    /** FFN bundle sections start on this boundary so direct I/O can read them in place. */
    public static final int PAGE = 4096;
    /** Every other section starts on this boundary (cache line, SIMD friendly). */
    static final int SMALL_ALIGN = 64;

    /** Upper bounds checked before anything is allocated from a declared length. */
    static final long MAX_DIRECTORY_BYTES = 64L << 20;

    static final long MAX_METADATA_BYTES = 64L << 20;
    static final int MAX_NAME_BYTES = 1024;
    static final int MAX_RANK = 8;

    public static final String METADATA_SECTION = "metadata";

    /**
     * The directory type of a layer's bundles section: the bundle dtype for float layers (each
     * element one value), raw bytes for quantized ones (blocks and f32 biases side by side).
     */
    public static DType bundlesType(FfnLayerSpec spec) {
        return spec.dtype().isQuantized() ? DType.BYTES : spec.dtype();
    }

    /** The directory shape of a layer's bundles section: [dFfn, elements per bundle], or [dFfn, bytes per bundle] for quantized layers. */
    public static long[] bundlesShape(FfnLayerSpec spec) {
        return new long[] {spec.dFfn(), spec.dtype().isQuantized() ? spec.bundleBytes() : spec.bundleElements()};
    }

    /** Section name of layer {@code index}'s bundles. */
    public static String bundlesSection(int index) {
        return "ffn." + index + ".bundles";
    }

    /** Section name of layer {@code index}'s slot → neuron permutation. */
    public static String permutationSection(int index) {
        return "ffn." + index + ".permutation";
    }

    /** Name of the resident tensor holding layer {@code index}'s down-projection bias. */
    public static String downBiasTensor(int index) {
        return "ffn." + index + ".down_bias";
    }

    /** Resident tensor: layer {@code index}'s mean fill-in means m_i, in original neuron order [dFfn]. */
    public static String fillMeanTensor(int index) {
        return "ffn." + index + ".fill.mean";
    }

    /** Resident tensor: layer {@code index}'s fill-in constant Σ m_i·d_i [dModel]. */
    public static String fillConstantTensor(int index) {
        return "ffn." + index + ".fill.constant";
    }

    /** Resident tensor of layer {@code index}'s low-rank predictor: part a [dModel, r], b [r, dFfn], bias [dFfn], residual [dFfn]. */
    public static String lowRankTensor(int index, String part) {
        return "ffn." + index + ".lowrank." + part;
    }

    /**
     * Resident tensor of layer {@code index}'s read-ahead predictor: the parts of {@link
     * #lowRankTensor}, but fitted to predict the layer's FFN neurons from the layer's input, before
     * attention has run ({@code LowRankFactorizer.factorAhead}, DESIGN.md). Optional: a file without
     * them reads ahead with the low-rank predictor, as files written before them do.
     */
    public static String aheadTensor(int index, String part) {
        return "ffn." + index + ".ahead." + part;
    }

    /**
     * Resident tensor of layer {@code index}'s trained predictor ({@code TrainedPredictor}): part
     * w1 [dModel, hidden], b1 [hidden], w2 [hidden, dFfn], b2 [dFfn], threshold [1], and dip [dFfn]
     * when the network has a dip bound; all f32. Optional, like the low-rank tensors: a reader that
     * does not know them keeps them as ordinary resident tensors.
     */
    public static String trainedTensor(int index, String part) {
        return "ffn." + index + ".trained." + part;
    }

    /** Rounds {@code offset} up to a multiple of {@code alignment} (a power of two). */
    static long align(long offset, int alignment) {
        return (offset + alignment - 1) & -(long) alignment;
    }

    /** The lowest minor version whose readers understand every section of {@code c}. */
    static int minorVersionFor(RippleContents c) {
        boolean quantized = c.tensors().stream().anyMatch(t -> t.dtype().isQuantized())
                || c.layers().stream().anyMatch(l -> l.weights().spec().dtype().isQuantized());
        return quantized ? 1 : 0;
    }
}
