package dev.ripple.placement.importer;

/** Small array helpers shared by the importers. */
final class Matrices {
    private Matrices() {}

    /** Transposes a row-major [rows × cols] matrix into [cols × rows]. */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            int src = r * cols;
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[src + c];
            }
        }
        return t;
    }
}
