package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Reports name the reader that ran, and the one asked for only when another ran. */
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
}
