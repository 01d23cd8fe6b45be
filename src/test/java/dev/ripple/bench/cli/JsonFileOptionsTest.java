package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code --json FILE}: the report's tree is written once with the run first, its own fields after
 * in their order and their values as the report rendered them; without --json nothing is rendered.
 */
class JsonFileOptionsTest {
    @TempDir
    Path dir;

    @Command(name = "report")
    static final class ReportCommand {
        @Mixin
        JsonFileOptions json;
    }

    private static JsonFileOptions parsed(String... args) {
        ReportCommand c = new ReportCommand();
        new CommandLine(c).parseArgs(args);
        return c.json;
    }

    private static ObjectNode report() {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("kind", "test");
        r.put("share", new BigDecimal("0.10")); // as rendered: a parse back would make it the double 0.1
        r.putArray("ids").add(3).add(1).add(2);
        r.putObject("device").put("name", "nvme").put("emulated", false);
        return r;
    }

    @Test
    void theRunComesFirstAndTheReportFollowsAsRendered() throws Exception {
        Path file = dir.resolve("r.json");
        JsonFileOptions json = parsed("--json", file.toString());
        AtomicInteger renderings = new AtomicInteger();
        assertTrue(json.write(() -> {
            renderings.incrementAndGet();
            return report();
        }));
        assertEquals(1, renderings.get());
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonNode written = new ObjectMapper().readTree(text);
        List<String> names = new ArrayList<>();
        written.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("run", "kind", "share", "ids", "device"), names);
        assertEquals(
                "ripple --json " + file, written.path("run").path("command").asText());
        assertTrue(text.startsWith("{\n  \"run\" : {\n"), text); // indented, as every report was
        assertTrue(text.contains("\"share\" : 0.10,"), text);
        assertTrue(
                text.endsWith("\"ids\" : [ 3, 1, 2 ],\n  \"device\" : {\n    \"name\" : \"nvme\",\n"
                        + "    \"emulated\" : false\n  }\n}"),
                text);
    }

    @Test
    void withoutJsonNothingIsRenderedOrWritten() throws Exception {
        JsonFileOptions json = parsed();
        assertFalse(json.write(() -> {
            throw new AssertionError("rendered without --json");
        }));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aReportOfItsOwnRunIsRefusedRatherThanHidden() {
        JsonFileOptions json = parsed("--json", dir.resolve("r.json").toString());
        ObjectNode r = report();
        r.put("run", "mine");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> json.write(() -> r));
        assertTrue(e.getMessage().contains("\"mine\""), e.getMessage());
        assertFalse(Files.exists(dir.resolve("r.json")));
    }
}
