package dev.ripple.cache;

class NonePolicyContractTest extends CachePolicyContractTest {
    @Override
    String policyName() {
        return "none";
    }
}
