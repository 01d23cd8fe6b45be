package dev.ripple.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class LabelsTest {
    enum Colour {
        DARK_RED,
        BLUE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Test
    void findsByExactLabelAndListsTheKnownOnesOtherwise() {
        assertEquals(Colour.DARK_RED, Labels.find(Colour.values(), Colour::label, "dark_red", "colour"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Labels.find(Colour.values(), Colour::label, "Blue", "colour"));
        assertEquals("unknown colour 'Blue' (known: dark_red, blue)", e.getMessage());
    }

    @Test
    void findsInAnyCaseWhenAsked() {
        assertEquals(Colour.BLUE, Labels.findIgnoringCase(Colour.values(), Colour::label, "BLUE", "colour"));
        assertThrows(
                IllegalArgumentException.class,
                () -> Labels.findIgnoringCase(Colour.values(), Colour::label, "green", "colour"));
    }
}
