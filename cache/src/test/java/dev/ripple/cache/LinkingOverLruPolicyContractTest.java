package dev.ripple.cache;

class LinkingOverLruPolicyContractTest extends CachePolicyContractTest {
    @Override String policyName() { return "linking"; }
    @Override PolicyOptions options() { return PolicyOptions.defaults().withLinking("lru", 4, 0.1); }
    @Override int readGap() { return 1; }
}
