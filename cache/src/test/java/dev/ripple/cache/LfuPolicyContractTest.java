package dev.ripple.cache;

class LfuPolicyContractTest extends CachePolicyContractTest {
    @Override
    String policyName() {
        return "lfu";
    }
}
