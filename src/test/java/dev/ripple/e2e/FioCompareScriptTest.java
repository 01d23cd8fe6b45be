package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code benchmarks/scripts/fio-compare.sh DIR [options]}: an option the user gives replaces the
 * script's value for it rather than reaching {@code ripple} twice (picocli refuses that). Run on a
 * copy beside a stand-in {@code ripple} that prints its arguments, with a stand-in fio on the PATH.
 */
class FioCompareScriptTest {
    @TempDir
    Path root;

    @Test
    void theUsersOptionsReplaceTheScriptsDefaults() throws Exception {
        Path script = Path.of(System.getProperty("ripple.root", ".."), "benchmarks", "scripts", "fio-compare.sh");
        Files.createDirectories(root.resolve("benchmarks/scripts"));
        Files.copy(script, root.resolve("benchmarks/scripts/fio-compare.sh"));
        executable(root.resolve("ripple"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        executable(Files.createDirectories(root.resolve("bin")).resolve("fio"), "#!/bin/sh\necho fio-test\n");
        Path dir = root.resolve("d");

        List<String> args = run(dir.toString(), "--file-mib", "256", "--rounds=1");
        assertEquals(
                List.of(
                        "calibrate",
                        "--dir",
                        dir.toString(),
                        "--reader",
                        "direct,io_uring",
                        "--fio",
                        "io_uring,io_uring-fixed,psync",
                        "--sizes",
                        "4096",
                        "--queue-depths",
                        "1,8,32",
                        "--seconds-per-point",
                        "3",
                        "--out",
                        dir.resolve("fio-compare.json").toString(),
                        "--json",
                        "--file-mib",
                        "256",
                        "--rounds=1"),
                args);
        List<String> withFile = run(dir.toString(), "--file", "x.bin", "--json");
        assertEquals(1, withFile.stream().filter("--json"::equals).count(), withFile.toString());
        assertEquals(-1, withFile.indexOf("--file-mib"), "a given --file is read whole: " + withFile);
    }

    /** An option where DIR goes was taken for DIR: "fio-compare.sh --rounds 1" measured in "--rounds". */
    @Test
    void anOptionFirstIsRefusedWithTheUsage() throws Exception {
        Path script = Path.of(System.getProperty("ripple.root", ".."), "benchmarks", "scripts", "fio-compare.sh");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toAbsolutePath().toString(), "--rounds", "1");
        pb.directory(root.toFile());
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains("usage: benchmarks/scripts/fio-compare.sh [DIR]"), err);
        assertFalse(Files.exists(root.resolve("--rounds")), "no directory made of the option");
    }

    private List<String> run(String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().add("bash");
        pb.command().add(root.resolve("benchmarks/scripts/fio-compare.sh").toString());
        pb.command().addAll(List.of(args));
        pb.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
