package dev.ripple.core.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.testing.ChildJvm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An app launched without {@code --add-modules jdk.incubator.vector} runs the scalar kernels; the
 * README says the log tells it so. Before (2026-12-07, a new user's walkthrough) the reason was
 * logged at FINE, which a default logging set-up does not show, so the slower kernels ran unsaid.
 */
class KernelChoiceLogTest {
    private static final String MISSING = "scalar kernels: the Vector API module is not loaded";

    @Test
    void aJvmWithoutTheVectorModuleSaysOnceInTheDefaultLogThatTheScalarKernelsRun() throws Exception {
        String out = ChildJvm.run(Duration.ofMinutes(2), List.of(), ChooseKernels.class);
        assertTrue(out.contains(MISSING), out);
        assertTrue(out.contains("chose scalar"), out);
        assertTrue(out.indexOf(MISSING) == out.lastIndexOf(MISSING), "said once: " + out);
    }

    @Test
    void scalarKernelsAskedForAreNotReportedInTheDefaultLog() throws Exception {
        String out = ChildJvm.run(Duration.ofMinutes(2), List.of("-Dripple.kernels=scalar"), ChooseKernels.class);
        assertTrue(out.contains("chose scalar"), out);
        assertFalse(out.contains("scalar kernels"), out);
    }

    /** Chooses the kernels twice in a child JVM and prints which it got. */
    public static final class ChooseKernels {
        public static void main(String[] args) {
            KernelProvider.best();
            System.out.println("chose " + KernelProvider.best().name());
        }
    }
}
