package dev.ripple.placement.eval;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The performance harness as a slow test (prints figures, asserts nothing about time):
 * {@code ./mvnw -q -pl placement -am test -Dripple.slow=true -Dtest=PlacementPerfHarnessTest
 * -Dsurefire.failIfNoSpecifiedTests=false}; output in
 * placement/target/surefire-reports/*PlacementPerfHarnessTest-output.txt. Surefire runs with
 * -Xmx4g, so for the 2 GiB figure run {@link PlacementPerfHarness} directly with -Xmx2g.
 */
@Tag("slow")
class PlacementPerfHarnessTest {
    @Test
    void largeLayer() {
        PlacementPerfHarness.run(16_384, 100_000, 2);
    }
}
