package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** fio's command line and the parsing of its JSON report (no fio needed). */
class FioRunTest {

    @Test
    void commandsDriveTheQueueDepthTheWayEachEngineDoes() {
        List<String> uring = FioRun.command(
                "io_uring", Path.of("/data/f.bin"), 4096, 32, Duration.ofMillis(300), Duration.ofSeconds(3));
        assertTrue(
                uring.containsAll(List.of(
                        "--ioengine=io_uring",
                        "--iodepth=32",
                        "--numjobs=1",
                        "--direct=1",
                        "--bs=4096",
                        "--runtime=3.000",
                        "--ramp_time=0.300",
                        "--readonly",
                        "--filename=/data/f.bin")),
                uring.toString());
        assertTrue(!uring.contains("--fixedbufs") && !uring.contains("--registerfiles"), uring.toString());
        List<String> fixed =
                FioRun.command("io_uring-fixed", Path.of("/data/f.bin"), 4096, 8, Duration.ZERO, Duration.ofSeconds(1));
        assertTrue(
                fixed.containsAll(
                        List.of("--ioengine=io_uring", "--iodepth=8", "--numjobs=1", "--fixedbufs", "--registerfiles")),
                fixed.toString());
        List<String> psync =
                FioRun.command("psync", Path.of("/data/f.bin"), 4096, 8, Duration.ZERO, Duration.ofSeconds(1));
        assertTrue(
                psync.containsAll(List.of("--ioengine=psync", "--iodepth=1", "--numjobs=8", "--group_reporting")),
                psync.toString());
        assertThrows(
                IllegalArgumentException.class,
                () -> FioRun.command("libaio", Path.of("f"), 4096, 1, Duration.ZERO, Duration.ofSeconds(1)));
    }

    @Test
    void iopsAndCpuPerReadComeFromTheFirstJob() throws IOException {
        // the shape of fio 3.33's report, trimmed: 2 s, 117,398 reads, 3.5% user + 35.6% system
        String json = "note: both iodepth >= 1 and synchronous I/O engine are selected\n"
                + "{\"fio version\":\"fio-3.33\",\"jobs\":[{\"jobname\":\"t\",\"job_runtime\":2000,\"usr_cpu\":3.5,\"sys_cpu\":35.6,"
                + "\"read\":{\"iops\":58669.665167,\"total_ios\":117398}}]}";
        FioRun r = FioRun.parse("io_uring", 4096, 8, json, "fio ...");
        assertEquals(58669.665167, r.iops(), 1e-9);
        assertEquals(117398, r.reads());
        assertEquals(0.391 * 2.0 * 1e6 / 117398, r.cpuMicrosPerRead(), 1e-9);
        assertThrows(IOException.class, () -> FioRun.parse("io_uring", 4096, 8, "fio: file not found", "fio"));
        assertThrows(
                IOException.class,
                () -> FioRun.parse("io_uring", 4096, 8, "{\"jobs\":[{\"read\":{\"iops\":0}}]}", "fio"));
    }
}
