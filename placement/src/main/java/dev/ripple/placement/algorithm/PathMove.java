package dev.ripple.placement.algorithm;

/**
 * One local-search move on a path of slots, described by where each slot's content goes, so the
 * change of any distance-weighted objective can be computed from the few pairs near its cuts.
 *
 * <ul>
 *   <li>{@code reverse(a, b)}: 2-opt, slots {@code a..b} reversed;</li>
 *   <li>{@code move(a, b, c, reversed)}: or-opt, segment {@code a..b} taken out and put after the
 *       content of slot {@code c} ({@code c > b} or {@code c < a - 1}), optionally reversed.</li>
 * </ul>
 * Every slot outside {@code lo()..hi()} keeps its content; inside, contiguous blocks keep their
 * internal distances, so only pairs straddling a cut can change distance.
 */
final class PathMove {
    private static final int REVERSE = 0;
    private static final int FORWARD = 1; // segment moves right (c > b)
    private static final int BACKWARD = 2; // segment moves left (c < a - 1)

    int kind;
    int a;
    int b;
    int c;
    boolean reversed;
    /** Where {@link #inverse} is built. */
    private PathMove undo;

    PathMove set(PathMove o) {
        kind = o.kind;
        a = o.a;
        b = o.b;
        c = o.c;
        reversed = o.reversed;
        return this;
    }

    PathMove reverse(int a, int b) {
        this.kind = REVERSE;
        this.a = a;
        this.b = b;
        return this;
    }

    PathMove move(int a, int b, int c, boolean reversed) {
        this.kind = c > b ? FORWARD : BACKWARD;
        this.a = a;
        this.b = b;
        this.c = c;
        this.reversed = reversed;
        return this;
    }

    int lo() {
        return kind == BACKWARD ? c + 1 : a;
    }

    int hi() {
        return kind == FORWARD ? c : b;
    }

    /** The three (or two) cut positions before the move; cut k lies between slots k-1 and k. */
    int cutsBefore(int[] out) {
        switch (kind) {
            case REVERSE -> {
                out[0] = a;
                out[1] = b + 1;
                return 2;
            }
            case FORWARD -> {
                out[0] = a;
                out[1] = b + 1;
                out[2] = c + 1;
                return 3;
            }
            default -> {
                out[0] = c + 1;
                out[1] = a;
                out[2] = b + 1;
                return 3;
            }
        }
    }

    /** The cut positions after the move: those of its inverse before it. */
    int cutsAfter(int[] out) {
        return inverse().cutsBefore(out);
    }

    /** The slot the content of old slot {@code p} ends up in. */
    int newSlot(int p) {
        int len = b - a + 1;
        switch (kind) {
            case REVERSE -> {
                return p >= a && p <= b ? a + b - p : p;
            }
            case FORWARD -> {
                if (p < a || p > c) {
                    return p;
                }
                if (p > b) {
                    return p - len;
                }
                return reversed ? c - (p - a) : c - len + 1 + (p - a);
            }
            default -> {
                if (p <= c || p > b) {
                    return p;
                }
                if (p < a) {
                    return p + len;
                }
                return reversed ? c + 1 + (b - p) : c + 1 + (p - a);
            }
        }
    }

    /**
     * The move that puts every content back: a reversal undoes itself; a segment moved right now
     * ends at {@code c} and moves left to after slot {@code a - 1}; one moved left now starts at
     * {@code c + 1} and moves right to after slot {@code b}. One instance, reused: valid until the
     * next call.
     */
    PathMove inverse() {
        if (undo == null) {
            undo = new PathMove();
        }
        int len = b - a + 1;
        return switch (kind) {
            case REVERSE -> undo.reverse(a, b);
            case FORWARD -> undo.move(c - len + 1, c, a - 1, reversed);
            default -> undo.move(c + 1, c + len, b, reversed);
        };
    }

    /** Applies the move to {@code order} and keeps {@code slotOf} its inverse. */
    void apply(int[] order, int[] slotOf, int[] scratch) {
        int lo = lo();
        int hi = hi();
        System.arraycopy(order, lo, scratch, 0, hi - lo + 1);
        PathMove back = inverse();
        for (int q = lo; q <= hi; q++) {
            int v = scratch[back.newSlot(q) - lo];
            order[q] = v;
            slotOf[v] = q;
        }
    }
}
