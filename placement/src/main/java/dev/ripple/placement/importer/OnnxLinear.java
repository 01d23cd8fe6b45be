package dev.ripple.placement.importer;

/**
 * A matched {@code y = x·W (+ b)}: MatMul with a constant [in, out] weight, optionally followed
 * by Add of a constant [out] bias (either operand order).
 *
 * @param input  the dynamic input tensor x
 * @param weight the constant weight, ONNX layout [in, out]
 * @param bias   the constant bias [out], or null
 * @param output the tensor holding y (the Add's output when there is a bias)
 */
record OnnxLinear(String input, OnnxTensor weight, OnnxTensor bias, String output) {

    int in() {
        return (int) weight.dim(0);
    }

    int out() {
        return (int) weight.dim(1);
    }

    /** Matches the linear map producing {@code tensor}, or returns null. */
    static OnnxLinear producing(OnnxGraphIndex g, String tensor) {
        OnnxNode p = g.producer(tensor);
        if (p == null) {
            return null;
        }
        if (p.opType().equals("Add") && p.inputs().size() == 2) {
            for (int side = 0; side < 2; side++) {
                OnnxTensor b = g.constant(p.input(side));
                OnnxNode mm = g.producer(p.input(1 - side));
                if (b != null && mm != null && mm.opType().equals("MatMul")) {
                    OnnxLinear lin = matMul(g, mm, tensor);
                    if (lin != null && isVector(b, lin.out())) {
                        return new OnnxLinear(lin.input, lin.weight, b, tensor);
                    }
                }
            }
            return null;
        }
        return p.opType().equals("MatMul") ? matMul(g, p, tensor) : null;
    }

    private static OnnxLinear matMul(OnnxGraphIndex g, OnnxNode mm, String output) {
        OnnxTensor w = g.matrix(mm.input(1));
        if (w == null
                || g.isConstant(mm.input(0))
                || w.dim(0) <= 0
                || w.dim(1) <= 0
                || w.dim(0) > Integer.MAX_VALUE
                || w.dim(1) > Integer.MAX_VALUE) {
            return null;
        }
        return new OnnxLinear(mm.input(0), w, null, output);
    }

    /** True for a constant of n elements shaped [n] or [1, n]. */
    static boolean isVector(OnnxTensor t, long n) {
        long[] d = t.dims();
        return (d.length == 1 && d[0] == n) || (d.length == 2 && d[0] == 1 && d[1] == n);
    }
}
