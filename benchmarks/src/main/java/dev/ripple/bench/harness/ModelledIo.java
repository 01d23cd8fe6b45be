package dev.ripple.bench.harness;

import dev.ripple.core.model.TokenStats;
import dev.ripple.io.device.CostLine;
import dev.ripple.io.device.DeviceProfile;
import java.util.function.Consumer;

/**
 * What the device cost model says the reads of a replay cost, next to what the reader measured, so
 * a ranking of policies can be checked against a noise-free figure. A token-layer's request of k
 * reads and B bytes costs {@code k·a + B/b} on the cost line at queue depth {@code min(q, k)}: the
 * line's cost is the device time one read occupies with that many in flight, so the costs of a
 * request's reads add up to its time. Not thread-safe (one replay feeds it).
 */
public final class ModelledIo implements Consumer<TokenStats> {
    private final DeviceProfile profile;
    private final int queueDepth;
    private double micros;

    public ModelledIo(DeviceProfile profile, int queueDepth) {
        if (queueDepth < 1) {
            throw new IllegalArgumentException("queue depth must be positive, got " + queueDepth);
        }
        this.profile = profile;
        this.queueDepth = queueDepth;
    }

    /** Modelled µs of one request of {@code ops} reads totalling {@code bytes}. */
    public double requestMicros(int ops, long bytes) {
        if (ops == 0) {
            return 0;
        }
        CostLine line = profile.costModel().lineAt(Math.min(queueDepth, ops));
        return ops * line.fixedMicros() + bytes / line.bytesPerMicro();
    }

    @Override
    public void accept(TokenStats t) {
        micros += requestMicros(t.readOps(), t.bytesRead());
    }

    /** Modelled ms per token over {@code tokens} tokens. */
    public double msPerToken(int tokens) {
        return micros / 1000.0 / tokens;
    }
}
