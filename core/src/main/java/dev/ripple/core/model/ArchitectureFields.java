package dev.ripple.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.RippleFile;
import java.util.function.Function;

/**
 * Reads the required fields of a model's architecture metadata in a {@code .ripple} file; every
 * failure names the architecture and the field.
 *
 * @param architecture what the metadata describes ({@code "bert architecture"}), first in every message
 */
public record ArchitectureFields(String architecture) {

    /** A required string; {@code where} is the field's path prefix in messages ({@code "embeddings."}). */
    public String text(JsonNode n, String field, String where) {
        JsonNode v = n.path(field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(architecture + ": '" + where + field + "' is missing");
        }
        return v.asText();
    }

    /** An optional string: null when absent or not a string. */
    public static String nullable(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : null;
    }

    public int integer(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException(architecture + ": '" + field + "' is missing or not an integer");
        }
        return v.asInt();
    }

    public double number(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (!v.isNumber()) {
            throw new IllegalArgumentException(architecture + ": '" + field + "' is missing or not a number");
        }
        return v.asDouble();
    }

    /**
     * The model configuration {@code fromJson} reads from {@code file}'s architecture metadata; a
     * refusal names the file, as the metadata's reader alone cannot.
     */
    public static <C> C config(RippleFile file, Function<JsonNode, C> fromJson) {
        try {
            return fromJson.apply(file.architecture());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses {@code file} unless it holds {@code layers} FFN layers, each {@code hidden} wide: the
     * forward pass hands layer i the residual stream, and a missing layer or one of another width
     * would fail deep inside a token (or read past the stream) rather than name the mismatch.
     *
     * @throws IllegalArgumentException naming the file and the first layer that does not fit
     */
    public static void requireFfnLayers(RippleFile file, int layers, int hidden) {
        if (file.layers().size() != layers) {
            throw new IllegalArgumentException(file.path() + ": the architecture has " + layers
                    + " layers but the file holds " + file.layers().size() + " FFN layers");
        }
        for (FfnLayerSection l : file.layers()) {
            if (l.spec().dModel() != hidden) {
                throw new IllegalArgumentException(
                        file.path() + ": FFN layer " + l.spec().index() + " is "
                                + l.spec().dModel() + " wide but the architecture's hidden size is " + hidden);
            }
        }
    }
}
