package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import org.junit.jupiter.api.Test;

/** {@code ripple inspect}'s activation column tells a FATReLU and a dReLU from a plain ReLU. */
class InspectActivationTest {
    @Test
    void thresholdAndUpProjectionAreShown() {
        assertEquals("relu", InspectCommand.activation(new FfnLayerSpec(0, 8, 16, Activation.RELU, false, DType.F16)));
        assertEquals(
                "relu>0.01",
                InspectCommand.activation(new FfnLayerSpec(0, 8, 16, Activation.RELU, true, DType.F16, false, 0.01f)));
        assertEquals(
                "relu+up",
                InspectCommand.activation(new FfnLayerSpec(0, 8, 16, Activation.RELU, true, DType.F16, true, 0f)));
        assertEquals("gelu", InspectCommand.activation(new FfnLayerSpec(0, 8, 16, Activation.GELU, false, DType.F16)));
    }
}
