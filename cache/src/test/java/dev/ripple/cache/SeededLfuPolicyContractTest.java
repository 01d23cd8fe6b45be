package dev.ripple.cache;

class SeededLfuPolicyContractTest extends CachePolicyContractTest {
    @Override
    String policyName() {
        return "lfu";
    }

    @Override
    CacheSettings settings() {
        double[][] f = new double[BUNDLES.length][120];
        for (int l = 0; l < f.length; l++) {
            for (int s = 0; s < 120; s++) {
                f[l][s] = (s * 37 + l * 11) % 17;
            }
        }
        return new CacheSettings.Lfu(f);
    }
}
