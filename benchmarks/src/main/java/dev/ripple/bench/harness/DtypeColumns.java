package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.StorageError;
import dev.ripple.io.json.NonFiniteAsNull;

/**
 * What the encoder's and the decoder's bundle-type comparisons ({@link DtypeComparison},
 * {@link DecoderDtypeComparison}) both show first for a type: its name, the size of its FFN
 * bundles and the error storing the weights in it adds. What each then measures differs.
 */
final class DtypeColumns {
    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    /** How the error columns are read; a comparison's footnote goes on from here. */
    static final String ERROR_NOTE = "(err = relative RMS error of the stored weights against the source's; ";

    /**
     * What the two byte columns are: under a cost model a gap of the same bytes spans more of a narrower
     * type's bundles, so its reads can hold more bytes than a wider type's while its needed bytes are fewer.
     */
    static final String BYTES_NOTE = "KiB/tok = bytes read, gaps read through included; need KiB = the missed"
            + " bundles' own bytes (a narrower type may read through more of its smaller bundles)";

    private DtypeColumns() {}

    static String header() {
        return String.format("%-6s %10s %9s %9s", "type", "FFN MiB", "err u/g", "err down");
    }

    static String cells(String dtype, long ffnBytes, StorageError error) {
        return String.format("%-6s %10.1f %9.2g %9.2g", dtype, ffnBytes / 1048576.0, error.upGate(), error.down());
    }

    /** The document's head ({@code cacheBytes} and an empty {@code types} array to add the rows to). */
    static ObjectNode document(long cacheBytes) {
        ObjectNode root = JSON.createObjectNode();
        root.put("cacheBytes", cacheBytes);
        root.putArray("types");
        return root;
    }

    /** A row of {@code document}'s {@code types}, with the type's keys; the caller adds its measurements. */
    static ObjectNode row(ObjectNode document, String dtype, long ffnBytes, StorageError error) {
        ObjectNode n = ((ArrayNode) document.get("types")).addObject();
        n.put("dtype", dtype);
        n.put("ffnBytes", ffnBytes);
        n.set("storageError", JSON.valueToTree(error));
        return n;
    }
}
