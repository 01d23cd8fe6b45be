package dev.ripple.cache;

class LinkingOverWindowPolicyContractTest extends CachePolicyContractTest {
    @Override String policyName() { return "linking"; }
    @Override PolicyOptions options() { return PolicyOptions.defaults().withLinking("window", 4, 0.1); }
    @Override int readGap() { return 1; }
}
