package dev.ripple.placement.algorithm;

import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.trace.ActivationTrace;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The placement algorithms by name, for the command line and reports.
 *
 * <pre>{@code
 * for (String name : PlacementAlgorithms.names()) {
 *     int[][] orders = PlacementAlgorithms.placeAll(calibration, PlacementAlgorithms.byName(name),
 *             new CoActivationCounter());
 * }
 * }</pre>
 */
public final class PlacementAlgorithms {
    private static final Map<String, Supplier<PlacementAlgorithm>> BY_NAME = Map.of(
            "identity", IdentityPlacement::new,
            "frequency", FrequencyPlacement::new,
            "ripple", GreedyPathPlacement::new,
            "ripple+", RefinedPathPlacement::new);

    private PlacementAlgorithms() {}

    /** Registered names, baseline first. */
    public static List<String> names() {
        return List.of("identity", "frequency", "ripple", "ripple+");
    }

    /**
     * A new instance of every registered algorithm, in the order of {@link #names()}: the baseline
     * first, so a request that writes its first algorithm ({@code PlacementRequest}) would write the
     * identity order from this list; put the one to write first.
     */
    public static List<PlacementAlgorithm> all() {
        return names().stream().map(PlacementAlgorithms::byName).toList();
    }

    /** A new instance with default settings, by name in any case; throws naming the known algorithms otherwise. */
    public static PlacementAlgorithm byName(String name) {
        Supplier<PlacementAlgorithm> s = name == null ? null : BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown placement algorithm '" + name + "'; known: " + names());
        }
        return s.get();
    }

    /** Orders for every layer of {@code calibration}, layer by layer ({@code [layer][slot]}). */
    public static int[][] placeAll(
            ActivationTrace calibration, PlacementAlgorithm algorithm, CoActivationCounter counter) {
        int[][] orders = new int[calibration.layers()][];
        for (int l = 0; l < orders.length; l++) {
            orders[l] = algorithm.order(counter.count(calibration, l));
        }
        return orders;
    }
}
