package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.device.CostModel;
import dev.ripple.io.device.DeviceProfile;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * The queue depth a run asked for, when it is beyond the deepest its device profile measured: the
 * cost model then uses its deepest line unchanged ({@link CostModel#lineAt}), so read planning, the
 * modelled times and an emulated device's times are those of the shallower depth. A {@code --quick}
 * profile measures depths 1 and 4, and {@code --queue-depth 32} (or the default 8) would otherwise
 * be planned as depth 4 without a word. Said once per run, in the header and in the JSON, by
 * {@code bench}, {@code policies} and {@code generate} (whose {@code --device-profile} is often a
 * {@code calibrate --quick} one, planned at the default depth 8).
 *
 * @param asked   the run's queue depth
 * @param deepest the deepest depth the profile measured
 * @param profile the profile's name
 */
public record DepthNote(int asked, int deepest, String profile) {

    /** The note for {@code queueDepth} on {@code device}, or empty when the profile measured that deep. */
    public static Optional<DepthNote> of(DeviceProfile device, int queueDepth) {
        int deepest = device.costModel().deepestQueueDepth();
        return queueDepth > deepest ? Optional.of(new DepthNote(queueDepth, deepest, device.name())) : Optional.empty();
    }

    /** The header's line, when there is a note. */
    public static void print(PrintWriter o, DeviceProfile device, int queueDepth) {
        of(device, queueDepth).ifPresent(n -> o.println("NOTE: " + n.text()));
    }

    /** {@code queueDepthNote} in {@code doc}: the depths and the text, when there is a note. */
    public static void putJson(ObjectNode doc, DeviceProfile device, int queueDepth) {
        of(device, queueDepth)
                .ifPresent(n -> doc.putObject("queueDepthNote")
                        .put("asked", n.asked())
                        .put("deepestMeasured", n.deepest())
                        .put("text", n.text()));
    }

    /** "queue depth 32 is beyond the deepest the profile ... measured (4): ..." */
    public String text() {
        return "queue depth " + asked + " is beyond the deepest " + profile + " measured (" + deepest
                + "): read planning and modelled times use its queue-depth-" + deepest + " line "
                + "(calibrate deeper, or give --queue-depth " + deepest + ")";
    }
}
