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

    int cutsAfter(int[] out) {
        int len = b - a + 1;
        switch (kind) {
            case REVERSE -> {
                out[0] = a;
                out[1] = b + 1;
                return 2;
            }
            case FORWARD -> {
                out[0] = a;
                out[1] = c - len + 1;
                out[2] = c + 1;
                return 3;
            }
            default -> {
                out[0] = c + 1;
                out[1] = c + len + 1;
                out[2] = b + 1;
                return 3;
            }
        }
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

    /** The old slot whose content ends up in new slot {@code q}. */
    int oldSlot(int q) {
        int len = b - a + 1;
        switch (kind) {
            case REVERSE -> {
                return q >= a && q <= b ? a + b - q : q;
            }
            case FORWARD -> {
                if (q < a || q > c) {
                    return q;
                }
                if (q <= c - len) {
                    return q + len;
                }
                return reversed ? a + (c - q) : a + (q - (c - len + 1));
            }
            default -> {
                if (q <= c || q > b) {
                    return q;
                }
                if (q <= c + len) {
                    return reversed ? b - (q - c - 1) : a + (q - c - 1);
                }
                return q - len;
            }
        }
    }

    /** Applies the move to {@code order} and keeps {@code slotOf} its inverse. */
    void apply(int[] order, int[] slotOf, int[] scratch) {
        int lo = lo();
        int hi = hi();
        System.arraycopy(order, lo, scratch, 0, hi - lo + 1);
        for (int q = lo; q <= hi; q++) {
            int v = scratch[oldSlot(q) - lo];
            order[q] = v;
            slotOf[v] = q;
        }
    }
}
