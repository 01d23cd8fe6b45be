package dev.ripple.core.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PredictorKindTest {
    @Test
    void parsesItsLabelsAndNamesTheKnownOnesOtherwise() {
        for (PredictorKind k : PredictorKind.values()) {
            assertEquals(k, PredictorKind.parse(k.label()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PredictorKind.parse("trace"));
        assertTrue(e.getMessage().contains("'trace'") && e.getMessage().contains("dense, lowrank"), e.getMessage());
    }
}
