package dev.ripple.placement.importer;

/**
 * An ONNX {@code AttributeProto} restricted to what the importers read: scalars, strings, a
 * tensor, and float/int lists. Graph-valued attributes (If, Loop bodies) are skipped.
 */
public record OnnxAttribute(String name, float f, long i, String s, OnnxTensor t, float[] floats, long[] ints) {}
