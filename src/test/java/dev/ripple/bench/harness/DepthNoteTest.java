package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.device.UfsPresets;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.io.reader.ReaderRan;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Reports name the reader that ran, and note a queue depth beyond the profile's deepest. */
class ReaderRanTest {

    @Test
    void aFallbackNamesTheReaderThatRanAndTheOneAskedFor() {
        ReaderRan fell = new ReaderRan(ReaderKind.IO_URING, ReaderKind.DIRECT, "io_uring unavailable: disabled");
        assertEquals("direct", fell.name());
        assertEquals("direct (io_uring asked for; io_uring unavailable: disabled)", fell.describe());
        ObjectNode doc = fell.putJson(JsonNodeFactory.instance.objectNode());
        assertEquals("direct", doc.path("reader").asText());
        assertEquals("io_uring", doc.path("readerAsked").asText());
        ObjectNode plain = ReaderRan.of(ReaderKind.POSITIONAL).putJson(JsonNodeFactory.instance.objectNode());
        assertEquals("pread", plain.path("reader").asText());
        assertTrue(plain.path("readerAsked").isMissingNode());
        assertThrows(IllegalArgumentException.class, () -> new ReaderRan(ReaderKind.IO_URING, ReaderKind.DIRECT, null));
        assertEquals(
                ReaderKind.IO_URING.effective().cliName(),
                ReaderRan.of(ReaderKind.IO_URING).name());
    }

    @Test
    void aDepthBeyondTheProfilesDeepestIsNotedAndOneWithinItIsNot() {
        var ufs = UfsPresets.ufs40();
        int deepest = ufs.costModel().deepestQueueDepth();
        assertTrue(DepthNote.of(ufs, deepest).isEmpty());
        DepthNote n = DepthNote.of(ufs, deepest * 2).orElseThrow();
        assertTrue(
                n.text().startsWith("queue depth " + 2 * deepest + " is beyond the deepest " + ufs.name()), n.text());
        StringWriter out = new StringWriter();
        DepthNote.print(new PrintWriter(out, true), ufs, deepest * 2);
        assertTrue(out.toString().startsWith("NOTE: queue depth"), out.toString());
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        DepthNote.putJson(doc, ufs, deepest * 2);
        assertEquals(deepest, doc.path("queueDepthNote").path("deepestMeasured").asInt());
    }
}
