package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A null argument to {@link RippleModel#open} is named: it was a bare NullPointerException with no message. */
class NullOptionsTest {
    @Test
    void nullOptionsOrPathAreNamed() {
        Path file = Path.of("model.ripple");
        assertEquals(
                "options (RuntimeOptions.defaults() for the defaults)",
                assertThrows(NullPointerException.class, () -> RippleModel.open(file, null))
                        .getMessage());
        assertEquals(
                "options (RuntimeOptions.defaults() for the defaults)",
                assertThrows(NullPointerException.class, () -> RippleModel.open(file, null, null, null, null))
                        .getMessage());
        assertEquals(
                "path",
                assertThrows(NullPointerException.class, () -> RippleModel.open(null, RuntimeOptions.defaults()))
                        .getMessage());
    }
}
