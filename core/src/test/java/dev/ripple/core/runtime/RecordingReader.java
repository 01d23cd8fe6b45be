package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.model.TokenStats;
import dev.ripple.io.Extent;
import dev.ripple.io.ReadStats;
import dev.ripple.io.reader.ExtentReader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Delegates to a real reader and keeps each request's extents, in the order the requests began: a
 * test sees which bytes a model read, and in which request (a read-ahead's or the FFN call's).
 */
final class RecordingReader extends FaultInjectionTest.DelegatingReader {
    final List<List<Extent>> requests = Collections.synchronizedList(new ArrayList<>());

    RecordingReader(ExtentReader real) {
        super(real);
    }

    @Override
    public ReadStats read(List<Extent> extents, List<MemorySegment> targets) throws IOException {
        requests.add(List.copyOf(extents));
        return real.read(extents, targets);
    }

    /**
     * The requests recorded so far, checked against the step that made them: its operations are
     * their extents, its bytes read their lengths.
     */
    List<List<Extent>> requestsOf(TokenStats step, String what) {
        List<List<Extent>> made = List.copyOf(requests);
        assertEquals(made.stream().mapToInt(List::size).sum(), step.readOps(), what);
        assertEquals(
                made.stream().flatMap(List::stream).mapToLong(Extent::length).sum(), step.bytesRead(), what);
        return made;
    }

    @Override
    public String describe() {
        return "recording " + real.describe();
    }
}
