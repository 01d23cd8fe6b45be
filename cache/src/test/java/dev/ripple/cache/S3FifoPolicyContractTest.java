package dev.ripple.cache;

class S3FifoPolicyContractTest extends CachePolicyContractTest {
    @Override
    String policyName() {
        return "s3fifo";
    }
}
