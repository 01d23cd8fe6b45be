package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.device.UfsPresets;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Reports note a queue depth beyond the profile's deepest (the reader that ran: io's ReaderRanTest). */
class DepthNoteTest {

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
