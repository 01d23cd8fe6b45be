package dev.ripple.cache;

class LinkingOverLfuPolicyContractTest extends CachePolicyContractTest {
    @Override String policyName() { return "linking"; }
    @Override PolicyOptions options() { return PolicyOptions.defaults().withLinking("lfu", 4, 0.1); }
    @Override int readGap() { return 1; }
}
