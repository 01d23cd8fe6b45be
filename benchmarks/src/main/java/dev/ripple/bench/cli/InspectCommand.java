package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.SectionEntry;
import dev.ripple.core.format.SectionKind;
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
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    private void printTable(RippleFile f, PrintWriter out) {
        out.printf("%s: .ripple %s, %s%n", f.path(), f.version(), PlacementText.bytes(f.size()));
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
                    s.activation().label(),
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
                PlacementText.bytes(ffnBytes), f.layers().size());
        out.printf("resident tensors: %s in %d tensors (kept in DRAM)%n", PlacementText.bytes(resident), tensors);
        out.printf("blobs:            %s %s%n", PlacementText.bytes(blobs), f.blobNames());
        out.printf("sections:         %d%n", f.sections().size());
        if (verify) {
            out.printf(
                    "checksums:        OK (%d sections and the whole file, CRC32C)%n",
                    f.sections().size());
        }
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
                s.append(e.getKey()).append(" [").append(v.size()).append(']');
            } else {
                s.append(e.getKey()).append(' ').append(v.asText());
            }
        }
        return s.toString();
    }
}
