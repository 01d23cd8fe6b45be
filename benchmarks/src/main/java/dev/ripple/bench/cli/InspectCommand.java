package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.SectionEntry;
import dev.ripple.core.format.SectionKind;
import dev.ripple.io.Sizes;
import dev.ripple.io.json.NonFiniteAsNull;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ripple inspect FILE [--verify] [--json]}: what a .ripple file holds and where. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description =
                "Describe a .ripple model file: layers, dims, activation, dtype, bundle bytes, sections, provenance.")
final class InspectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON =
            NonFiniteAsNull.mapper().enable(SerializationFeature.INDENT_OUTPUT); // unmeasured: null, not "NaN"

    /** How many values of a long array the table shows (a per-layer threshold of a 6-layer model fits). */
    static final int SHOWN = 8;

    @Parameters(
            index = "0",
            converter = PathArguments.InputFile.class,
            paramLabel = "FILE",
            description = "the .ripple file")
    Path file;

    @Option(names = "--verify", description = "check every section checksum and the whole-file checksum")
    boolean verify;

    @Option(names = "--json", description = "print a JSON document instead of the table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (RippleFile f = RippleFile.open(file)) {
            if (verify) {
                f.verify();
            }
            if (json) {
                out.println(JSON.writeValueAsString(toJson(f)));
            } else {
                printTable(f, out);
            }
        }
        return 0;
    }

    private ObjectNode toJson(RippleFile f) {
        ObjectNode root = JSON.createObjectNode();
        root.put("file", f.path().toString());
        root.put("sizeBytes", f.size());
        root.put("formatVersion", f.version());
        if (verify) {
            root.put("verified", true);
        }
        root.set("architecture", f.architecture());
        root.set("provenance", f.provenance());
        ArrayNode layers = root.putArray("layers");
        for (FfnLayerSection l : f.layers()) {
            ObjectNode n = layers.addObject();
            n.put("index", l.spec().index());
            n.put("dModel", l.spec().dModel());
            n.put("dFfn", l.spec().dFfn());
            n.put("activation", l.spec().activation().label());
            if (l.spec().upActivated()) {
                n.put("upActivated", true);
            }
            if (l.spec().reluThreshold() != 0f) {
                n.put("reluThreshold", l.spec().reluThreshold());
            }
            n.put("gated", l.spec().gated());
            n.put("dtype", l.spec().dtype().label());
            n.put("bundleBytes", l.spec().bundleBytes());
            n.put("sectionOffset", l.bundles().offset());
            n.put("sectionBytes", l.bundles().length());
        }
        ArrayNode sections = root.putArray("sections");
        for (SectionEntry e : f.sections()) {
            ObjectNode n = sections.addObject();
            n.put("name", e.name());
            n.put("kind", e.kind().name().toLowerCase());
            n.put("dtype", e.dtype().label());
            ArrayNode shape = n.putArray("shape");
            Arrays.stream(e.shape()).forEach(shape::add);
            n.put("offset", e.offset());
            n.put("bytes", e.length());
            n.put("crc32c", String.format("%08x", e.crc32c()));
        }
        return root;
    }

    /**
     * The activation as the table shows it: its label, {@code +up} when it applies to the up
     * projection too (dReLU), and a FATReLU's threshold ({@code relu>0.01}); the label alone hid both.
     */
    static String activation(FfnLayerSpec s) {
        return s.activation().label()
                + (s.upActivated() ? "+up" : "")
                + (s.reluThreshold() != 0f ? ">" + s.reluThreshold() : "");
    }

    private void printTable(RippleFile f, PrintWriter out) {
        out.printf("%s: .ripple %s, %s%n", f.path(), f.version(), Sizes.bytes(f.size()));
        out.printf("architecture: %s%n", flat(f.architecture(), 3));
        out.printf("provenance:   %s%n", flat(f.provenance(), 4));
        out.println();
        out.printf(
                "%-5s %7s %7s %-10s %-5s %-5s %10s %12s %12s%n",
                "layer", "dModel", "dFfn", "activation", "gated", "dtype", "bundle B", "section B", "offset");
        long ffnBytes = 0;
        for (FfnLayerSection l : f.layers()) {
            var s = l.spec();
            out.printf(
                    "%-5d %7d %7d %-10s %-5s %-5s %10d %12d %12d%n",
                    s.index(),
                    s.dModel(),
                    s.dFfn(),
                    activation(s),
                    s.gated() ? "yes" : "no",
                    s.dtype().label(),
                    s.bundleBytes(),
                    l.bundles().length(),
                    l.bundles().offset());
            ffnBytes += l.bundles().length();
        }
        out.println();
        long resident = 0;
        int tensors = 0;
        long blobs = 0;
        for (SectionEntry e : f.sections()) {
            if (e.kind() == SectionKind.TENSOR) {
                resident += e.length();
                tensors++;
            } else if (e.kind() == SectionKind.BLOB) {
                blobs += e.length();
            }
        }
        out.printf(
                "FFN bundles:      %s in %d layers (read from flash per token)%n",
                Sizes.bytes(ffnBytes), f.layers().size());
        out.printf("resident tensors: %s in %d tensors (kept in DRAM)%n", Sizes.bytes(resident), tensors);
        out.printf("blobs:            %s %s%n", Sizes.bytes(blobs), f.blobNames());
        out.printf("sections:         %d%n", f.sections().size());
        if (verify) {
            out.printf(
                    "checksums:        OK (%d sections and the whole file, CRC32C)%n",
                    f.sections().size());
        }
    }

    /**
     * An array as a reader wants it on one line: its values when they are a few scalars ({@code
     * thresholds [0.1, 0.2, 0.3]}, {@code architectures [LlamaForCausalLM]}), the first {@value
     * #SHOWN} and the count when there are more ({@code [first 8 of 48: 1.0, 1.02, …]}), and only the
     * count of objects or arrays, which would not fit on a line ({@code layers [6 objects]}; --json
     * holds them).
     */
    static String array(JsonNode array) {
        int n = array.size();
        if (n == 0) {
            return "[]";
        }
        boolean scalars = true;
        boolean objects = true;
        for (JsonNode v : array) {
            scalars &= v.isValueNode();
            objects &= v.isObject();
        }
        if (!scalars) {
            return "[" + n + (objects ? " objects]" : " entries]");
        }
        StringBuilder s = new StringBuilder("[");
        if (n > SHOWN) {
            s.append("first ").append(SHOWN).append(" of ").append(n).append(": ");
        }
        for (int i = 0; i < Math.min(n, SHOWN); i++) {
            s.append(i == 0 ? "" : ", ").append(array.get(i).asText());
        }
        return s.append(n > SHOWN ? ", …]" : "]").toString();
    }

    /** A compact one-line rendering of a JSON object's scalar fields, nested objects to some depth. */
    static String flat(JsonNode node, int depth) {
        if (node == null || node.isMissingNode() || node.isEmpty()) {
            return "(none)";
        }
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!s.isEmpty()) {
                s.append(", ");
            }
            JsonNode v = e.getValue();
            if (v.isObject()) {
                s.append(e.getKey())
                        .append(" {")
                        .append(depth > 0 ? flat(v, depth - 1) : "…")
                        .append('}');
            } else if (v.isArray()) {
                s.append(e.getKey()).append(' ').append(array(v));
            } else {
                s.append(e.getKey()).append(' ').append(v.asText());
            }
        }
        return s.toString();
    }
}
