package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple policies}' header names what ran: until 2026-12-07 it said "linking over s3fifo"
 * and "lfu seeded with calibration frequencies" over a table of {@code --policies lru} alone.
 */
class PoliciesHeaderTest {
    @TempDir
    Path dir;

    @Test
    void theHeaderNamesLinkingAndLfuOnlyWhenTheyRan() {
        Path w = dir.resolve("workload");
        DecoderSteps.synthTinyWorkload(w, 200, 20);
        String lruAlone = policies(w, "lru");
        assertFalse(lruAlone.contains("linking over"), lruAlone);
        assertFalse(lruAlone.contains("lfu seeded"), lruAlone);
        String all = policies(w, "lru,lfu,linking");
        assertTrue(all.contains("; linking over s3fifo\n"), all);
        assertTrue(all.contains("; lfu seeded with calibration frequencies)"), all);
    }

    private String policies(Path workload, String policies) {
        return RippleRun.succeeds(
                        "policies",
                        "--workload",
                        workload.toString(),
                        "--work",
                        dir.toString(),
                        "--device",
                        "ufs-4.0",
                        "--tokens",
                        "4",
                        "--repeats",
                        "1",
                        "--policies",
                        policies,
                        "--quiet")
                .out();
    }
}
