package dev.ripple.io.device;

import dev.ripple.io.nativeio.PageCache;

/**
 * How a measured point met the page cache, and what a run of points says of it. A report must
 * never call a warm point cold: the rule that a point whose eviction dropped nothing speaks for the
 * whole run lives here, once, for the reader calibration and the readers-against-fio comparison.
 *
 * <pre>{@code
 * PointPageCache run = null;
 * for (Outcome o : outcomes) {
 *     run = PointPageCache.ofRun(run, o.pageCache());
 * }
 * System.out.println("page cache " + run.describeRun());   // "evicted before each point", or the NOT
 * }</pre>
 *
 * @param kind   bypassed (an O_DIRECT reader), evicted before the point, or not evicted
 * @param reason why the eviction dropped nothing ({@link PageCache.Eviction#reason()}); null otherwise
 */
public record PointPageCache(Kind kind, String reason) {

    /** The three ways a point meets the page cache. */
    public enum Kind {
        BYPASSED,
        EVICTED,
        NOT_EVICTED
    }

    /** A point of an O_DIRECT reader (or of fio with {@code direct=1}). */
    public static final PointPageCache BYPASSED = new PointPageCache(Kind.BYPASSED, null);

    /** The point of a page-cache reader after {@code eviction}. */
    public static PointPageCache after(PageCache.Eviction eviction) {
        return eviction.evicted()
                ? new PointPageCache(Kind.EVICTED, null)
                : new PointPageCache(Kind.NOT_EVICTED, eviction.reason());
    }

    /**
     * The run so far ({@code run}, null before the first point) with one more point: the first point
     * whose eviction dropped nothing speaks for the run, so a run is "evicted" only when all were.
     */
    public static PointPageCache ofRun(PointPageCache run, PointPageCache point) {
        return run != null && run.kind == Kind.NOT_EVICTED ? run : point;
    }

    /** This point: "bypassed (O_DIRECT)", "evicted before the point" or "NOT evicted (reason)". */
    public String describe() {
        return kind == Kind.EVICTED ? "evicted before the point" : describeRun();
    }

    /** A run whose points all met the cache this way: "evicted before each point" for evicted ones. */
    public String describeRun() {
        return switch (kind) {
            case BYPASSED -> "bypassed (O_DIRECT)";
            case EVICTED -> "evicted before each point";
            case NOT_EVICTED -> "NOT evicted (" + reason + ")";
        };
    }
}
