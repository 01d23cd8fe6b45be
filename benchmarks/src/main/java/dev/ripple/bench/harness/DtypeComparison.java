package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.StorageError;
import dev.ripple.io.Sizes;
import dev.ripple.io.json.NonFiniteAsNull;
import java.io.PrintWriter;
import java.util.List;

/**
 * Bundle types side by side on an encoder ({@code ripple bench --dtypes}): one placement
 * (ripple+), one predictor and one DRAM budget in bytes, one file per type. Per token a narrower
 * type reads fewer bytes for the same neurons and its cache holds more of them; what it costs is
 * the error of the dense column (every neuron computed, so only the type's rounding differs from
 * ONNX Runtime).
 *
 * @param cacheBytes bundle cache of every type, in bytes
 * @param rows       one per type, in the order asked
 */
public record DtypeComparison(long cacheBytes, List<Row> rows) {
    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    /**
     * @param dtype    the bundle type
     * @param ffnBytes bytes of all FFN bundles in the type's file
     * @param error    what storing the bundles in the type adds to the weights, mean over layers
     * @param dense    the Java encoder computing every neuron, against ONNX Runtime
     * @param sparse   the Java encoder with the run's predictor, at the shared cache budget
     * @param decode   decode-like replay of the true active sets at the shared cache budget (I/O only)
     * @param start    how this type's passes met the page cache: decided per file, since a narrower
     *                 type's file can fit in DRAM under an emulated device where the header's f32 file
     *                 does not
     */
    public record Row(
            String dtype,
            long ffnBytes,
            StorageError error,
            FidelityRun dense,
            FidelityRun sparse,
            IoReplay decode,
            PassStart start) {}

    public void print(PrintWriter o) {
        o.printf(
                "%nBundle types (ripple+ placement, bundle cache %s for every type; dense = every neuron computed; decode = "
                        + "true sets replayed token by token, types interleaved)%n",
                Sizes.bytes(cacheBytes));
        o.printf(
                "%s %9s %9s %9s %9s %9s %9s %9s %9s %9s%n",
                DtypeColumns.header(),
                "dense cos",
                "dense p5",
                "cos",
                "cos p5",
                "KiB/tok",
                "need KiB",
                "io ms/tok",
                "hits",
                "start");
        for (Row r : rows) {
            o.printf(
                    "%s %9.6f %9.6f %9.6f %9.6f %9.1f %9.1f %9.3f %8.1f%% %9s%n",
                    DtypeColumns.cells(r.dtype(), r.ffnBytes(), r.error()),
                    r.dense().cosine().mean(),
                    r.dense().cosine().p5(),
                    r.sparse().cosine().mean(),
                    r.sparse().cosine().p5(),
                    r.decode().bytesPerToken() / 1024,
                    r.decode().neededPerToken() / 1024,
                    r.decode().ioMsPerToken().mean(),
                    100 * r.decode().cacheHitRate(),
                    r.start().label());
        }
        o.println(DtypeColumns.ERROR_NOTE
                + "cos = cosine against ONNX Runtime; " + DtypeColumns.BYTES_NOTE
                + "; start = each type's file evicted, kept or bypassed, "
                + "as the header explains)");
    }

    public ObjectNode toJson() {
        ObjectNode root = DtypeColumns.document(cacheBytes);
        for (Row r : rows) {
            ObjectNode n = DtypeColumns.row(root, r.dtype(), r.ffnBytes(), r.error());
            n.set("denseCosine", JSON.valueToTree(r.dense().cosine()));
            n.set("sparseCosine", JSON.valueToTree(r.sparse().cosine()));
            n.put("sparseBytesReadPerToken", r.sparse().bytesReadPerToken());
            n.put("decodeBytesPerToken", r.decode().bytesPerToken());
            n.put("decodeNeededBytesPerToken", r.decode().neededPerToken());
            n.put("decodeOpsPerToken", r.decode().opsPerToken());
            n.set("decodeIoMsPerToken", JSON.valueToTree(r.decode().ioMsPerToken()));
            n.put("decodeCacheHitRate", r.decode().cacheHitRate());
            n.put("passStart", r.start().label());
        }
        return root;
    }
}
