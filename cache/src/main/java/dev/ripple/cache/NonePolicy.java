package dev.ripple.cache;

import java.util.Arrays;

/** No cache: admits nothing, so every lookup misses. The baseline of the naive strategy. */
final class NonePolicy extends AbstractPolicy {
    @Override
    public String name() {
        return "none";
    }

    @Override
    public void recordAccess(int layer, int[] slots, int count) {}

    @Override
    public void selectAdmissions(
            int layer, int[] needed, int neededCount, int[] readOf, int[] offered, int offeredCount, boolean[] admit) {
        Arrays.fill(admit, 0, offeredCount, false);
    }

    @Override
    public long evictFor(int layer, int slot) {
        return NO_KEY;
    }

    @Override
    public void onAdmitted(int layer, int slot) {
        throw new IllegalStateException("none admits nothing");
    }

    @Override
    public void invalidate(int layer, int slot) {}

    @Override
    public int residentCount() {
        return 0;
    }
}
