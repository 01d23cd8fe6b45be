package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.StorageError;
import dev.ripple.io.Sizes;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.placement.synthetic.GeneratedWeights;
import java.io.PrintWriter;
import java.util.List;

/**
 * Bundle types side by side on a decoder ({@code ripple bench --dtypes}): one placement
 * (ripple+), one DRAM budget in bytes, one file per type, every generation compared step by step
 * with the model whose bundles are f32. The dense rows compute every neuron, so their logit error
 * and agreement are the type's alone; the sparse rows add the predictor's and give the I/O.
 *
 * @param cacheBytes bundle cache of every type, in bytes
 * @param rows       one per type, in the order asked
 */
public record DecoderDtypeComparison(long cacheBytes, List<Row> rows) {
    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    /**
     * @param dtype    the bundle type
     * @param ffnBytes bytes of all FFN bundles in the type's file
     * @param error    what storing the bundles in the type adds to the weights, mean over layers
     * @param dense    every neuron computed (no cache, every bundle read)
     * @param sparse   the run's predictor at the shared cache budget
     */
    public record Row(
            String dtype, long ffnBytes, StorageError error, DecoderBench.Result dense, DecoderBench.Result sparse) {}

    /**
     * The table; its title says {@link GeneratedWeights#LABEL} for a generated model, since it is read
     * apart from the report above it (quoted, pasted).
     */
    public void print(PrintWriter o, boolean generatedWeights) {
        o.printf(
                "%nBundle types%s (ripple+ placement, bundle cache %s for every type; logits against the f32 bundles' on the "
                        + "same tokens; dense = every neuron computed)%n",
                GeneratedWeights.suffix(generatedWeights), Sizes.bytes(cacheBytes));
        o.printf(
                "%s %10s %7s %10s %7s %9s %9s %9s %9s%n",
                DtypeColumns.header(),
                "dense err",
                "agree",
                "sparse err",
                "agree",
                "KiB/tok",
                "need KiB",
                "io ms/tok",
                "tok/s");
        for (Row r : rows) {
            DecoderBench.Phase d = r.sparse().decode();
            o.printf(
                    "%s %10.2g %6.0f%% %10.2g %6.0f%% %9.1f %9.1f %9.3f %9.2f%n",
                    DtypeColumns.cells(r.dtype(), r.ffnBytes(), r.error()),
                    r.dense().logitError(),
                    100 * r.dense().agreement(),
                    r.sparse().logitError(),
                    100 * r.sparse().agreement(),
                    d.bytesPerToken() / 1024,
                    d.neededBytesPerToken() / 1024,
                    d.ioMs().mean(),
                    d.tokensPerSecond());
        }
        o.println(DtypeColumns.ERROR_NOTE
                + "logit err = relative error of the logits; agree = greedy choice equal to the f32 model's; KiB, I/O and tok/s of the sparse decode; "
                + DtypeColumns.BYTES_NOTE + ")");
    }

    public ObjectNode toJson() {
        ObjectNode root = DtypeColumns.document(cacheBytes);
        for (Row r : rows) {
            ObjectNode n = DtypeColumns.row(root, r.dtype(), r.ffnBytes(), r.error());
            n.put("denseLogitError", r.dense().logitError());
            n.put("denseAgreement", r.dense().agreement());
            n.put("sparseLogitError", r.sparse().logitError());
            n.put("sparseAgreement", r.sparse().agreement());
            DecoderBench.Phase d = r.sparse().decode();
            n.put("decodeBytesPerToken", d.bytesPerToken());
            n.put("decodeNeededBytesPerToken", d.neededBytesPerToken());
            n.put("decodeReadsPerToken", d.readsPerToken());
            n.set("decodeIoMsPerToken", JSON.valueToTree(d.ioMs()));
            n.put("decodeTokensPerSecond", d.tokensPerSecond());
            n.put("decodeCacheHitRate", d.hitRate());
        }
        return root;
    }
}
