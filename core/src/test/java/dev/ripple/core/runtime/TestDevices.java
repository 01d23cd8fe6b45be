package dev.ripple.core.runtime;

import dev.ripple.io.device.CostLine;
import dev.ripple.io.device.CostModel;
import dev.ripple.io.device.DeviceProfile;
import java.util.List;

/** Device profiles for runtime tests: a cost model whose break-even gap the test chooses. */
final class TestDevices {
    private TestDevices() {}

    /**
     * A device whose cost model reads 1,000 bytes per microsecond after a fixed cost of
     * {@code breakEvenBytes / 1000} microseconds per read, at every queue depth: the planner merges
     * gaps below {@code breakEvenBytes} and skips longer ones.
     */
    static DeviceProfile breakingEvenAt(double breakEvenBytes) {
        CostModel model = new CostModel("test", List.of(new CostLine(1, breakEvenBytes / 1000, 1000)));
        return new DeviceProfile(
                DeviceProfile.FORMAT_VERSION,
                "test",
                "unit test",
                "2026-12-07T00:00:00Z",
                1000,
                1000,
                List.of(),
                model);
    }
}
