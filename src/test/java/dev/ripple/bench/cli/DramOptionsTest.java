package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --dram SIZE}: a unit in any case (K to T, binary), a decimal with a unit, a bare whole number
 * of MiB; a bare number that is not whole is refused (it most likely meant bytes), and a size above
 * 1 PiB is too large rather than "not a size".
 */
class DramOptionsTest {
    @ParameterizedTest
    @CsvSource({
        "512, 536870912",
        "512MiB, 536870912",
        "1.5g, 1610612736",
        "2 GiB, 2147483648",
        "64k, 65536",
        "2TiB, 2199023255552",
        "1024TiB, 1125899906842624"
    })
    void aSizeIsReadInBytes(String text, long bytes) {
        assertEquals(bytes, DramOptions.parseBytes(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e9", "0.5", "1.5"})
    void aBareNumberThatIsNotWholeIsRefusedSayingTheUnits(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DramOptions.parseBytes(text));
        assertEquals(
                "--dram '" + text
                        + "' is not a size: a number without a unit is whole MiB; give a unit (512MiB, 1.5GiB,"
                        + " 1TiB)",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000000TiB", "1025TiB", "99999999999999999999"})
    void aSizeAbove1PiBIsTooLarge(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DramOptions.parseBytes(text));
        assertEquals("--dram '" + text + "' is too large (at most 1024TiB)", e.getMessage());
    }

    /** A positive size under one byte used to round to 0, which means "no budget": the option was ignored. */
    @ParameterizedTest
    @ValueSource(strings = {"0.0001k", "0.0000001MiB"})
    void aSizeUnderOneByteIsRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DramOptions.parseBytes(text));
        assertEquals("--dram '" + text + "' is less than one byte", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "NaNg", "InfinityMiB", "MiB"})
    void aWordIsNotASize(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DramOptions.parseBytes(text));
        assertEquals(
                "--dram '" + text + "' is not a size (e.g. 512MiB, 2GiB, 1TiB, or whole MiB as a number)",
                e.getMessage());
    }
}
