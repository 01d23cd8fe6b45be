package dev.ripple.cache;

class LinkingOverLfuPolicyContractTest extends CachePolicyContractTest {
    @Override
    String policyName() {
        return "linking";
    }

    @Override
    CacheSettings settings() {
        return new CacheSettings.Linking(new CacheSettings.Lfu(null), 4, 0.1, 42L);
    }

    @Override
    int readGap() {
        return 1;
    }
}
