package dev.ripple.core.format;

/**
 * What a section of a {@code .ripple} file holds. Codes are stored in the directory; a reader
 * keeps sections of kinds it does not know (newer minor versions may add some) and still checks
 * their checksums.
 */
public enum SectionKind {
    /** UTF-8 JSON: architecture config, provenance and the FFN layer table. */
    METADATA(1),
    /** A resident tensor (embeddings, attention, norms, biases) kept in DRAM at run time. */
    TENSOR(2),
    /** One FFN layer's neuron bundles in placement order, aligned to 4 KiB. */
    FFN_BUNDLES(3),
    /** One FFN layer's slot → neuron permutation (i32). */
    PERMUTATION(4),
    /** An opaque named blob such as the tokenizer json. */
    BLOB(5),
    /** A section of a kind this reader does not know. */
    UNKNOWN(-1);

    private final int code;

    SectionKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static SectionKind ofCode(int code) {
        for (SectionKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return UNKNOWN;
    }
}
