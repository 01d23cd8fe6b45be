package dev.ripple.io.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.io.nativeio.PageCache;
import org.junit.jupiter.api.Test;

/** A run is "evicted" only when every point was; the first point that was not speaks for the run. */
class PointPageCacheTest {
    private static final PointPageCache EVICTED = PointPageCache.after(new PageCache.Eviction(true, null));
    private static final PointPageCache TMPFS = PointPageCache.after(new PageCache.Eviction(false, "file on tmpfs"));
    private static final PointPageCache DISABLED = PointPageCache.after(new PageCache.Eviction(false, "disabled"));

    @Test
    void theFirstPointNotEvictedSpeaksForTheRun() {
        PointPageCache run = null;
        for (PointPageCache p : new PointPageCache[] {EVICTED, TMPFS, EVICTED, DISABLED, EVICTED}) {
            run = PointPageCache.ofRun(run, p);
        }
        assertEquals(TMPFS, run);
        assertEquals("NOT evicted (file on tmpfs)", run.describeRun());
    }

    @Test
    void aRunOfEvictedPointsIsEvictedBeforeEachPoint() {
        PointPageCache run = PointPageCache.ofRun(PointPageCache.ofRun(null, EVICTED), EVICTED);
        assertEquals("evicted before each point", run.describeRun());
        assertEquals("evicted before the point", EVICTED.describe());
        assertEquals(
                "bypassed (O_DIRECT)",
                PointPageCache.ofRun(null, PointPageCache.BYPASSED).describeRun());
    }
}
