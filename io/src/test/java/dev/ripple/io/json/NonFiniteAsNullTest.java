package dev.ripple.io.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Not-measured numbers are JSON null in every shape a report takes (Jackson's default: the string "NaN"). */
class NonFiniteAsNullTest {
    record Figures(double ratio, Double boxed, float f, double[] runs, List<Double> listed) {}

    private final ObjectMapper json = NonFiniteAsNull.mapper();

    @Test
    void nonFiniteNumbersAreNullAndFiniteOnesUnchanged() throws Exception {
        assertEquals(
                "{\"ratio\":null,\"boxed\":null,\"f\":null,\"runs\":[1.5,null,null],\"listed\":[null,2.0]}",
                json.writeValueAsString(new Figures(
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        Float.NaN,
                        new double[] {1.5, Double.NaN, Double.NEGATIVE_INFINITY},
                        java.util.Arrays.asList(Double.NaN, 2.0))));
        ObjectNode tree = json.createObjectNode().put("a", Double.NaN).put("b", 0.25);
        assertEquals("{\"a\":null,\"b\":0.25}", json.writeValueAsString(tree));
        assertEquals("[1.0,null]", json.writeValueAsString(new double[] {1, Double.NaN}));
    }
}
