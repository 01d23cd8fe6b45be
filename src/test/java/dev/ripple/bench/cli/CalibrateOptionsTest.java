package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ripple calibrate --seconds-per-point} is held to one rule whether the device or the readers
 * are measured: a time that is not positive, not finite, or below a nanosecond is a one-line error
 * naming the option, given before anything is measured or written.
 */
class CalibrateOptionsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "--reader direct"})
    void aTimePerPointThatIsNotPositiveIsRefusedBeforeAnyMeasuring(String mode) throws IOException {
        for (String[] refused : new String[][] {
            {"0", "must be positive"},
            {"-1", "must be positive"},
            {"NaN", "must be positive"},
            {"Infinity", "must be finite"},
            {"1e-12", "must be at least a nanosecond, got 1.0E-12"}
        }) {
            String seconds = refused[0];
            StringWriter err = new StringWriter();
            String[] args = Stream.concat(
                            Stream.of("calibrate", "--dir", dir.toString(), "--quiet", "--seconds-per-point", seconds),
                            Stream.of(mode.split(" ")).filter(a -> !a.isEmpty()))
                    .toArray(String[]::new);
            int exit = RippleCommand.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
            assertEquals(1, exit, err.toString());
            assertEquals(
                    "ripple: --seconds-per-point " + refused[1], err.toString().strip());
            try (Stream<Path> written = Files.list(dir)) {
                assertEquals(0, written.count(), "nothing is written before the option is checked");
            }
        }
    }

    /** {@code --file-mib} out of range is named before a test file is made, whether the device or the readers are measured. */
    @ParameterizedTest
    @ValueSource(strings = {"", "--reader direct"})
    void aTestFileSizeOutOfRangeIsRefusedNamingTheOption(String mode) throws IOException {
        for (String mib : new String[] {"0", "-3", "9223372036854775807"}) {
            StringWriter err = new StringWriter();
            String[] args = Stream.concat(
                            Stream.of("calibrate", "--dir", dir.toString(), "--quiet", "--file-mib", mib),
                            Stream.of(mode.split(" ")).filter(a -> !a.isEmpty()))
                    .toArray(String[]::new);
            int exit = RippleCommand.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
            assertEquals(1, exit, err.toString());
            assertEquals(
                    "ripple: --file-mib must be in 1..1048576, got " + mib,
                    err.toString().strip());
            try (Stream<Path> written = Files.list(dir)) {
                assertEquals(0, written.count(), "nothing is written before the option is checked");
            }
        }
    }
}
