package dev.ripple.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WindowPolicyTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 5})
    void holdsExactlyTheUnionOfTheLastKTokensWhenTheBudgetAllows(int k) {
        TestSupport.seeded(TestSupport.seed(), r -> {
            int[] sizes = {50, 50};
            CacheSimulator sim = new CacheSimulator(50L * 2 * 300, sizes, new CacheSettings.Window(k).newPolicy());
            @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: Java has no other way to make one
            Deque<int[]>[] history = new Deque[] {new ArrayDeque<int[]>(), new ArrayDeque<int[]>()};
            for (int t = 0; t < 200; t++) {
                for (int layer = 0; layer < 2; layer++) {
                    int[] set = TestSupport.randomSet(r, 300, 0.05);
                    sim.access(layer, set, set.length);
                    history[layer].addLast(set);
                    if (history[layer].size() > k) {
                        history[layer].removeFirst();
                    }
                    TreeSet<Integer> union = new TreeSet<>();
                    for (int[] s : history[layer]) {
                        for (int x : s) {
                            union.add(x);
                        }
                    }
                    assertArrayEquals(
                            union.stream().mapToInt(Integer::intValue).toArray(),
                            sim.residentSlots(layer),
                            "token " + t + " layer " + layer);
                }
            }
        });
    }

    @Test
    void budgetCapsTheWindow() {
        TestSupport.seeded(TestSupport.seed(), r -> {
            long budget = 40L * 20;
            CacheSimulator sim = new CacheSimulator(budget, new int[] {40}, CachePolicies.create("window"));
            Deque<int[]> history = new ArrayDeque<>();
            for (int t = 0; t < 200; t++) {
                int[] set = TestSupport.randomSet(r, 300, 0.05);
                sim.access(0, set, set.length);
                history.addLast(set);
                if (history.size() > 4) {
                    history.removeFirst();
                }
                TreeSet<Integer> union = new TreeSet<>();
                history.forEach(s -> {
                    for (int x : s) {
                        union.add(x);
                    }
                });
                assertTrue(sim.residentBytes() <= budget);
                for (int s : sim.residentSlots(0)) {
                    assertTrue(union.contains(s), "slot " + s + " left the window but is resident");
                }
            }
        });
    }
}
