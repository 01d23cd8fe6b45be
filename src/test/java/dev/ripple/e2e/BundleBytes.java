package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/** What {@code bench --dtypes} must show of the bytes each bundle type reads, encoder or decoder. */
final class BundleBytes {
    private BundleBytes() {}

    /**
     * The needed bundles' bytes per token fall with the type's width (f32, q8_0, q4_0, in that order,
     * at one cache budget in bytes: a narrower type's bundles are smaller and more of them are cached),
     * and each type reads at least them. The bytes read, gaps included, need not fall: where a measured
     * profile plans the reads, a gap of the same bytes spans more of a narrower type's bundles (a CI run
     * read 6.3 KiB per token in q8_0 against 4.1 in f32).
     */
    static void narrowerReadsLess(JsonNode types) {
        double[] needed = new double[types.size()];
        for (int i = 0; i < needed.length; i++) {
            JsonNode t = types.get(i);
            needed[i] = t.path("decodeNeededBytesPerToken").asDouble(Double.NaN);
            double read = t.path("decodeBytesPerToken").asDouble();
            assertTrue(needed[i] > 0 && read >= needed[i], "bytes read include the needed bundles': " + t);
        }
        for (int i = 1; i < needed.length; i++) {
            assertTrue(
                    needed[i] < needed[i - 1],
                    types.get(i).path("dtype").asText() + " reads fewer needed bytes per token than "
                            + types.get(i - 1).path("dtype").asText() + ": " + types);
        }
    }
}
