package dev.ripple.placement.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReadRunsTest {

    /** runs(t) = |S_t| - #{k : slots k and k+1 both active}, checked against a scan of the slots. */
    @Test
    void runsIdentityMatchesBruteForceScan() {
        for (long seed = 1; seed <= 300; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 1 + rnd.nextInt(200);
            boolean[] active = new boolean[n];
            double p = rnd.nextDouble();
            int[] slots = new int[n];
            int count = 0;
            for (int s = 0; s < n; s++) {
                active[s] = rnd.nextDouble() < p;
                if (active[s]) {
                    slots[count++] = s;
                }
            }
            int bruteRuns = 0;
            int adjacent = 0;
            for (int s = 0; s < n; s++) {
                if (active[s] && (s == 0 || !active[s - 1])) {
                    bruteRuns++;
                }
                if (s + 1 < n && active[s] && active[s + 1]) {
                    adjacent++;
                }
            }
            assertEquals(bruteRuns, ReadRuns.runs(slots, count), "seed " + seed);
            assertEquals(count - adjacent, bruteRuns, "identity, seed " + seed);
        }
    }

    @Test
    void collapseByHand() {
        // slots 0 1 _ 3 _ _ 6 _ _ _ 10: gaps 1, 2, 3
        int[] s = {0, 1, 3, 6, 10};
        assertEquals(4, ReadRuns.collapsedReads(s, 5, 0));
        assertEquals(0, ReadRuns.extraSlots(s, 5, 0));
        assertEquals(3, ReadRuns.collapsedReads(s, 5, 1));
        assertEquals(1, ReadRuns.extraSlots(s, 5, 1));
        assertEquals(2, ReadRuns.collapsedReads(s, 5, 2));
        assertEquals(3, ReadRuns.extraSlots(s, 5, 2));
        assertEquals(1, ReadRuns.collapsedReads(s, 5, 3));
        assertEquals(6, ReadRuns.extraSlots(s, 5, 3));
        assertEquals(0, ReadRuns.collapsedReads(s, 0, 3));
    }
}
