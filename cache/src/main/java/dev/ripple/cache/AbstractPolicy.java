package dev.ripple.cache;

import java.util.Arrays;

/** Shared plumbing: one-time init, the bundle size of each layer, admit-everything selection. */
abstract class AbstractPolicy implements CachePolicy {
    protected long budgetBytes;
    protected int[] bundleBytes;
    private boolean initialised;

    @Override
    public void init(long budget, int[] bundleBytesPerLayer) {
        if (initialised) {
            throw new IllegalStateException(
                    "policy " + name() + " already belongs to a cache; create one policy per cache");
        }
        initialised = true;
        this.budgetBytes = budget;
        this.bundleBytes = bundleBytesPerLayer.clone();
        onInit();
    }

    protected void onInit() {}

    @Override
    public void selectAdmissions(
            int layer, int[] needed, int neededCount, int[] readOf, int[] offered, int offeredCount, boolean[] admit) {
        Arrays.fill(admit, 0, offeredCount, true);
    }

    @Override
    public String toString() {
        return name();
    }
}
