package dev.ripple.cache;

class LinkingOverWindowPolicyContractTest extends CachePolicyContractTest {
    @Override
    String policyName() {
        return "linking";
    }

    @Override
    CacheSettings settings() {
        return new CacheSettings.Linking(new CacheSettings.Window(4), 4, 0.1, 42L);
    }

    @Override
    int readGap() {
        return 1;
    }
}
