package dev.ripple.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.io.reader.ReaderKind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Where io_uring is unavailable (a container's seccomp profile, an old kernel) the IO_URING rows of
 * {@link ReaderBenchmark} run the direct reader: the trial says so, naming the reason, instead of
 * printing the direct reader's figures under io_uring's name without a word.
 */
class ReaderBenchmarkNoteTest {
    @Test
    void aRowThatFellBackSaysWhatItMeasuresAndWhy() {
        assertEquals(
                Optional.of("ReaderBenchmark: the reader=IO_URING rows measure the DIRECT reader"
                        + " (io_uring unavailable: io_uring_setup failed: EPERM)"),
                ReaderBenchmark.fallbackNote(
                        ReaderKind.IO_URING, Optional.of("io_uring unavailable: io_uring_setup failed: EPERM")));
    }

    @Test
    void aRowOfTheReaderItNamesSaysNothing() {
        for (ReaderKind k : new ReaderKind[] {ReaderKind.MMAP, ReaderKind.POSITIONAL, ReaderKind.DIRECT}) {
            assertEquals(Optional.empty(), ReaderBenchmark.fallbackNote(k, k.fallbackReason()), k.toString());
        }
    }
}
