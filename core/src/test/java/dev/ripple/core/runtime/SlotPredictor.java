package dev.ripple.core.runtime;

import dev.ripple.core.activity.ActivationPredictor;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Predicts given slots: {@code ahead} for an input whose first value is 1, else {@code needed}.
 * A test sets both before each step (the read-ahead thread reads them after the submit).
 */
final class SlotPredictor implements ActivationPredictor {
    private final int[] slotToNeuron;
    int[] ahead;
    int[] needed;

    SlotPredictor(int[] slotToNeuron, int[] ahead, int[] needed) {
        this.slotToNeuron = slotToNeuron;
        this.ahead = ahead;
        this.needed = needed;
    }

    @Override
    public String name() {
        return "slots";
    }

    @Override
    public void predict(int layer, float[] x, MutableIntList out) {
        for (int slot : x[0] == 1f ? ahead : needed) {
            out.add(slotToNeuron[slot]);
        }
    }

    @Override
    public boolean predictsAhead() {
        return true;
    }

    /** 1 to 12 distinct ascending slots of a layer of {@code n}; slot 0 and the last slot each in a third of the sets. */
    static int[] randomSlots(Random rnd, int n) {
        SortedSet<Integer> slots = new TreeSet<>();
        for (int i = 1 + rnd.nextInt(12); i > 0; i--) {
            slots.add(rnd.nextInt(n));
        }
        if (rnd.nextInt(3) == 0) {
            slots.add(0);
        }
        if (rnd.nextInt(3) == 0) {
            slots.add(n - 1);
        }
        return slots.stream().mapToInt(Integer::intValue).toArray();
    }
}
