package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.synthetic.SyntheticWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a workload's placed files are kept: beside it when it may be written, else in the run's work
 * directory under the workload's name and a checksum of its spec, so that a read-only workload can be
 * benched (it failed writing its placed files) and two workloads of one name do not share them.
 */
class WorkloadPlacedDirTest {
    @TempDir
    Path dir;

    @Test
    void aWorkloadThatMayNotBeWrittenKeepsItsPlacedFilesInTheWorkDirectory() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a").resolve("wl"));
        Path b = Files.createDirectories(dir.resolve("b").resolve("wl"));
        Files.writeString(a.resolve(SyntheticWorkload.SPEC_FILE), "{\"seed\":1}");
        Files.writeString(b.resolve(SyntheticWorkload.SPEC_FILE), "{\"seed\":2}");
        Path work = dir.resolve("work");

        assertEquals(a, WorkloadBench.placedDir(a, work, true), "a writable workload keeps them");
        Path forA = WorkloadBench.placedDir(a, work, false);
        Path forB = WorkloadBench.placedDir(b, work, false);
        assertTrue(forA.startsWith(work) && Files.isDirectory(forA), forA.toString());
        assertTrue(forA.getFileName().toString().startsWith("wl-"), forA.toString());
        assertNotEquals(forA, forB, "two workloads of one name, two places");
        assertEquals(forA, WorkloadBench.placedDir(a, work, false), "the same workload, the same place: reused");
    }
}
