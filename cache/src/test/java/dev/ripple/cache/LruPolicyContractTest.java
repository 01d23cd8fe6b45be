package dev.ripple.cache;

class LruPolicyContractTest extends CachePolicyContractTest {
    @Override
    String policyName() {
        return "lru";
    }
}
