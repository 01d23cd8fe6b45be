import dev.ripple.io.device.ReaderCalibrator;
import dev.ripple.io.device.ReaderPoint;
import dev.ripple.io.reader.UringReader;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The io_uring reader's two ways of submitting, interleaved in one JVM on one file (docs/IO.md):
 * each read on its own (the default) against a whole pass in one io_uring_enter
 * (-Dripple.iouring.batchSubmit=true), driven as `ripple calibrate --reader io_uring` drives a
 * reader, 4 KiB random reads, one round = one point of each in turn (order alternated per round).
 *
 * <pre>
 * ./ripple calibrate --help >/dev/null      # builds the jar if sources changed
 * java --enable-native-access=ALL-UNNAMED -cp 'benchmarks/target/ripple-benchmarks.jar:benchmarks/target/lib/*' \
 *      benchmarks/scripts/UringSubmitAB.java FILE QUEUE_DEPTH ROUNDS SECONDS
 * </pre>
 *
 * FILE: an existing file of random bytes on the disk to measure, a few GiB (e.g. written with
 * {@code head -c 2G /dev/urandom > FILE}).
 */
public class UringSubmitAB {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int q = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Duration time = Duration.ofSeconds(Long.parseLong(args[3]));
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 2; k++) {
                boolean batch = (k + round) % 2 == 1;
                System.setProperty(UringReader.BATCH_SUBMIT_PROPERTY, Boolean.toString(batch));
                try (UringReader r = UringReader.open(file, q)) {
                    long calls = r.systemCalls();
                    ReaderPoint p =
                            ReaderCalibrator.measurePoint(r, 4096, Duration.ofMillis(300), time, 1000L * round + k);
                    String v = String.format(
                            "%.0f IOPS, %.2f us CPU/read, %.2f io_uring_enter per read (warm-up calls included)",
                            p.iops(), p.cpuMicrosPerRead(), (r.systemCalls() - calls) / (double) p.reads());
                    String name = batch ? "batch" : "each";
                    System.out.printf("round %d, queue depth %d, %s: %s%n", round + 1, q, name, v);
                }
            }
        }
    }
}
