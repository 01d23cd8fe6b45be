package dev.ripple.cache;

class WindowPolicyContractTest extends CachePolicyContractTest {
    @Override
    String policyName() {
        return "window";
    }
}
