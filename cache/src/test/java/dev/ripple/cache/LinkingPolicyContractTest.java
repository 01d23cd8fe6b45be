package dev.ripple.cache;

class LinkingPolicyContractTest extends CachePolicyContractTest {
    @Override
    String policyName() {
        return "linking";
    }
}
