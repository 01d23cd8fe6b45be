package dev.ripple.placement.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The placements of one calibration trace by several algorithms, in the order they were asked for.
 *
 * @param byAlgorithm each algorithm's placement, keyed by its name
 */
public record Placements(Map<String, Placement> byAlgorithm) {

    public Placements {
        byAlgorithm = Collections.unmodifiableMap(new LinkedHashMap<>(byAlgorithm));
    }

    /** The placement of {@code algorithm}, or an exception naming the ones there are. */
    public Placement get(String algorithm) {
        Placement p = byAlgorithm.get(algorithm);
        if (p == null) {
            throw new NoSuchElementException(
                    "no placement by '" + algorithm + "' (placed: " + byAlgorithm.keySet() + ")");
        }
        return p;
    }

    /** The first algorithm asked for. */
    public Placement first() {
        return byAlgorithm.values().iterator().next();
    }

    public List<Placement> all() {
        return List.copyOf(byAlgorithm.values());
    }
}
