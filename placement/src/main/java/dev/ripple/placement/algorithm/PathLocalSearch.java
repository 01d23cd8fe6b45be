package dev.ripple.placement.algorithm;

import dev.ripple.placement.stats.Interrupts;
import dev.ripple.placement.stats.LayerStats;
import dev.ripple.placement.stats.NeighbourLists;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Improves a path by 2-opt (segment reversal) and or-opt (moving a segment of 1-3 neurons,
 * possibly reversed) toward a distance-weighted objective
 * {@code sum_d weights[d-1] * sum_k f(order[k], order[k+d])}.
 *
 * <p>Moves are only tried where they can pay: for each neuron {@code u}, each of its best
 * partners {@code v} is brought next to {@code u} by every move that does so; the best strictly
 * improving move for {@code u} is applied. Neurons are visited in id order, sweep after sweep,
 * until a sweep improves nothing or the sweep bound is reached, so the result is deterministic;
 * after the first sweep only neurons next to a change are looked at again ("don't look" bits).
 * The gain of a move is computed exactly from the pairs near its cuts (see {@link PathMove}):
 * O(D^2) look-ups instead of a full re-evaluation.
 */
final class PathLocalSearch {
    /** What a run did: sweeps made, moves applied, objective gained, and whether time ran out. */
    record Result(int sweeps, long moves, long gain, boolean timedOut) {}

    private final LayerStats stats;
    private final NeighbourLists candidates;
    private final int[] weights;
    private final int reach;
    private final int[] cuts = new int[3];
    /** The neurons a move brings to the slots around one of its cuts. */
    private final int[] window;

    private final PathMove trial = new PathMove();
    private final PathMove best = new PathMove();
    private int[] order;
    private int[] slotOf;
    private int n;
    /**
     * {@code cutWeight[c]}: the weight of the pairs within reach straddling cut {@code c} of the
     * current path, valid where {@code cutKnown[c]}. Every move tried for a neuron pays for the
     * pairs around its cuts before the move, and the same few cuts (next to the neuron and next
     * to each partner) recur across the dozen moves per partner and across sweeps, so they are
     * looked up once and forgotten only when a move changes a slot within reach of the cut.
     */
    private long[] cutWeight;

    private boolean[] cutKnown;

    PathLocalSearch(LayerStats stats, NeighbourLists candidates, int[] weights) {
        this.stats = stats;
        this.candidates = candidates;
        this.weights = weights.clone();
        this.reach = weights.length;
        this.window = new int[2 * reach];
    }

    /** Improves {@code order} in place. */
    Result run(int[] order, int maxSweeps, long deadlineNanos) {
        this.order = order;
        this.n = order.length;
        this.slotOf = Permutations.inverse(order);
        this.cutWeight = new long[n + 1];
        this.cutKnown = new boolean[n + 1];
        int[] scratch = new int[n];
        // "don't look" bits: a neuron is re-examined only after the path changed near it
        boolean[] look = new boolean[n];
        Arrays.fill(look, true);
        long moves = 0;
        long gain = 0;
        int sweeps = 0;
        boolean timedOut = false;
        while (sweeps < maxSweeps && !timedOut) {
            sweeps++;
            long sweepGain = 0;
            for (int u = 0; u < n; u++) {
                if ((u & 255) == 0) {
                    Interrupts.stopIfInterrupted("placement");
                    if (System.nanoTime() > deadlineNanos) {
                        timedOut = true;
                        break;
                    }
                }
                if (!look[u]) {
                    continue;
                }
                look[u] = false;
                long d = bestMoveFor(u);
                if (d > 0) {
                    applyBest(scratch);
                    wake(look);
                    moves++;
                    sweepGain += d;
                }
            }
            gain += sweepGain;
            if (sweepGain == 0) {
                break;
            }
        }
        return new Result(sweeps, moves, gain, timedOut);
    }

    /**
     * Iterated local search after {@link #run}: {@code kicks} times, swap two short adjacent
     * segments (up to {@code maxSegment} neurons each, the second optionally reversed) at a random
     * place, a local double-bridge that moves of at most 3 neurons cannot undo in one step; repair
     * around the change with the same moves; keep the result only if the objective rose, else
     * restore the path. The repair looks at most {@code 10 x maxSegment} neurons per kick, which
     * bounds a kick's cost (about 5 ms with 16 candidates and segments of 20). Seeded, so
     * deterministic. Returns the objective gained.
     */
    long perturb(int kicks, int maxSegment, long seed, long deadlineNanos) {
        if (order == null || n < 6) {
            return 0;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] saved = new int[n];
        int[] scratch = new int[n];
        int[] queue = new int[n];
        boolean[] queued = new boolean[n];
        int seg = Math.max(1, Math.min(maxSegment, n / 3));
        long total = 0;
        for (int k = 0; k < kicks; k++) {
            if ((k & 63) == 0) {
                Interrupts.stopIfInterrupted("placement");
                if (System.nanoTime() > deadlineNanos) {
                    break;
                }
            }
            int len1 = 1 + rnd.nextInt(seg);
            int len2 = 1 + rnd.nextInt(seg);
            int a = rnd.nextInt(n - len1 - len2 + 1);
            int b = a + len1 - 1;
            best.move(a, b, b + len2, rnd.nextBoolean());
            System.arraycopy(order, 0, saved, 0, n);
            long g = gain(best);
            applyBest(scratch);
            int size = enqueueNearCuts(queue, queued, 0);
            for (int pops = 0; size > 0 && pops < 10 * seg; pops++) {
                int u = queue[--size];
                queued[u] = false;
                long d = bestMoveFor(u);
                if (d > 0) {
                    applyBest(scratch);
                    g += d;
                    size = enqueueNearCuts(queue, queued, size);
                }
            }
            for (int q = 0; q < size; q++) {
                queued[queue[q]] = false;
            }
            if (g > 0) {
                total += g;
            } else {
                for (int s = 0; s < n; s++) {
                    if (order[s] != saved[s]) {
                        forgetCutsNear(s, s);
                        order[s] = saved[s];
                    }
                    slotOf[order[s]] = s;
                }
            }
        }
        return total;
    }

    /** Applies {@link #best} and forgets the cut weights it may change. */
    private void applyBest(int[] scratch) {
        best.apply(order, slotOf, scratch);
        forgetCutsNear(best.lo(), best.hi());
    }

    /** Forgets the weights of the cuts whose pairs reach a slot in {@code lo..hi}. */
    private void forgetCutsNear(int lo, int hi) {
        Arrays.fill(cutKnown, Math.max(0, lo - reach + 1), Math.min(n, hi + reach) + 1, false);
    }

    /** The weight of the pairs within reach straddling cut {@code cut} (between slots cut-1 and cut). */
    private long cutWeight(int cut) {
        if (cutKnown[cut]) {
            return cutWeight[cut];
        }
        long w = crossWeight(Math.max(0, cut - reach), cut);
        cutWeight[cut] = w;
        cutKnown[cut] = true;
        return w;
    }

    /**
     * The weight of the pairs within reach of the current path with one end in slots
     * {@code from..cut-1} and the other at {@code cut} or after.
     */
    private long crossWeight(int from, int cut) {
        long w = 0;
        for (int s = from; s < cut; s++) {
            int x = order[s];
            int last = Math.min(n - 1, s + reach);
            for (int t = cut; t <= last; t++) {
                w += (long) weights[t - s - 1] * stats.joint(x, order[t]);
            }
        }
        return w;
    }

    private int enqueueNearCuts(int[] queue, boolean[] queued, int size) {
        int nc = best.cutsAfter(cuts);
        for (int c = 0; c < nc; c++) {
            for (int s = Math.max(0, cuts[c] - reach - 1); s <= Math.min(n - 1, cuts[c] + reach); s++) {
                int v = order[s];
                if (!queued[v]) {
                    queued[v] = true;
                    queue[size++] = v;
                }
            }
        }
        return size;
    }

    /** Marks the neurons next to the cuts of the move just applied for another look. */
    private void wake(boolean[] look) {
        int nc = best.cutsAfter(cuts);
        for (int c = 0; c < nc; c++) {
            for (int s = Math.max(0, cuts[c] - reach - 1); s <= Math.min(n - 1, cuts[c] + reach); s++) {
                look[order[s]] = true;
            }
        }
    }

    /** Finds the best move bringing a partner next to {@code u}; leaves it in {@link #best}. */
    private long bestMoveFor(int u) {
        long bestGain = 0;
        int p = slotOf[u];
        for (int k = 0; k < candidates.size(u); k++) {
            int q = slotOf[candidates.id(u, k)];
            if (Math.abs(p - q) <= 1) {
                continue;
            }
            bestGain = consider(q > p ? trial.reverse(p + 1, q) : trial.reverse(q, p - 1), bestGain);
            for (int len = 1; len <= 3; len++) {
                // v first in a segment inserted right after u: u, v, ...
                bestGain = tryMove(q, q + len - 1, p, false, p, bestGain);
                if (len > 1) {
                    bestGain = tryMove(q - len + 1, q, p, true, p, bestGain);
                }
                // v last in a segment inserted right before u: ..., v, u
                bestGain = tryMove(q - len + 1, q, p - 1, false, p, bestGain);
                if (len > 1) {
                    bestGain = tryMove(q, q + len - 1, p - 1, true, p, bestGain);
                }
            }
        }
        return bestGain;
    }

    private long tryMove(int a, int b, int c, boolean reversed, int p, long bestGain) {
        if (a < 0 || b >= n || (p >= a && p <= b) || !(c > b || c < a - 1)) {
            return bestGain;
        }
        return consider(trial.move(a, b, c, reversed), bestGain);
    }

    private long consider(PathMove m, long bestGain) {
        long d = gain(m);
        if (d > bestGain) {
            best.set(m);
            return d;
        }
        return bestGain;
    }

    /**
     * Exact objective change of {@code m}. The cuts split the path into blocks that keep their
     * internal distances, so a pair changes distance only if its ends lie in different blocks, and
     * such a pair straddles a cut both before and after the move. Hence the change is the weight of
     * the pairs within reach straddling a cut after the move minus that of those straddling a cut
     * before: O(D^2) look-ups per cut. A pair straddling several cuts is counted at the first
     * (cuts come in increasing slot order), so it is counted once.
     */
    long gain(PathMove m) {
        int nc = m.cutsBefore(cuts);
        long before = 0;
        int prev = 0;
        for (int c = 0; c < nc; c++) {
            int cut = cuts[c];
            int from = Math.max(0, cut - reach);
            // no earlier cut within reach: the pairs counted here are all the cut's (cached) weight
            before += prev <= from ? cutWeight(cut) : crossWeight(prev, cut);
            prev = cut;
        }
        PathMove back = m.inverse();
        nc = back.cutsBefore(cuts); // the cuts after m, in increasing order too
        long after = 0;
        prev = 0;
        for (int c = 0; c < nc; c++) {
            int cut = cuts[c];
            int from = Math.max(prev, cut - reach);
            int last = Math.min(n - 1, cut + reach - 1);
            // the neurons m brings to slots from..last
            for (int s = from; s <= last; s++) {
                window[s - from] = order[back.newSlot(s)];
            }
            for (int s = from; s < cut; s++) {
                int x = window[s - from];
                int end = Math.min(last, s + reach);
                for (int t = cut; t <= end; t++) {
                    after += (long) weights[t - s - 1] * stats.joint(x, window[t - from]);
                }
            }
            prev = cut;
        }
        return after - before;
    }
}
