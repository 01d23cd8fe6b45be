package dev.ripple.placement.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@link PlacementPipeline#placeModel} did: every requested placement (with its held-out
 * evaluation when a held-out trace was given), the file written with the first, and the trained
 * predictor stored in it.
 *
 * @param placed              the placements, in the order the algorithms were asked for
 * @param written             the file, its size, bundle type, predictor and fill-in
 * @param trained             the trained predictor and its figures, or null when none was asked for
 * @param residentConversions how a GGUF file's resident tensors were converted (missing node otherwise)
 */
public record PlacedModel(Placements placed, WrittenModel written, TrainedFit trained, JsonNode residentConversions) {}
