package dev.ripple.cache;

class LinkingOverLruPolicyContractTest extends CachePolicyContractTest {
    @Override
    String policyName() {
        return "linking";
    }

    @Override
    CacheSettings settings() {
        return new CacheSettings.Linking(new CacheSettings.Lru(), 4, 0.1, 42L);
    }

    @Override
    int readGap() {
        return 1;
    }
}
