// Streaming rate of one thread's Vector API dot products over rows of 768 f32 read from memory
// (about 600 MB, beyond any cache), with rows 64-byte aligned, rows of 3,076 bytes (as OPT-125m's
// FFN bundles place their rows: 15 in 16 off a cache line) and rows padded to 3,136 bytes.
// Run: java --add-modules jdk.incubator.vector -Xmx2g benchmarks/scripts/RowAlignment.java
// (docs/PERFORMANCE.md §17 quotes a run.)
import java.lang.foreign.*;
import java.nio.ByteOrder;
import jdk.incubator.vector.*;

public class RowAlignment {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static float dot(MemorySegment seg, long off, float[] x, int n) {
        int len = S.length();
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        for (int k = 0; k < n; k += 4 * len) {
            long at = off + 4L * k;
            a0 = FloatVector.fromMemorySegment(S, seg, at, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, x, k), a0);
            a1 = FloatVector.fromMemorySegment(S, seg, at + 4L * len, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, x, k + len), a1);
            a2 = FloatVector.fromMemorySegment(S, seg, at + 8L * len, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, x, k + 2 * len), a2);
            a3 = FloatVector.fromMemorySegment(S, seg, at + 12L * len, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(S, x, k + 3 * len), a3);
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }
    public static void main(String[] a) {
        int n = 768; // OPT-125m row
        long rows = 200_000; // ~600 MB
        long stride = 4L * n + 4; // bundle-like: misaligned by 4 bytes per row when shift=4
        MemorySegment seg = Arena.global().allocate(rows * (4L * n + 64) + 4096, 4096);
        for (long i = 0; i < seg.byteSize(); i += 4096) seg.set(ValueLayout.JAVA_BYTE, i, (byte) 1);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i * 1e-3f;
        String[] names = {"aligned rows (stride 3072, 64B aligned)", "rows of 3076 bytes (15/16 misaligned)", "rows of 3136 bytes (64B padded)"};
        long[] strides = {4L * n, 4L * n + 4, 4L * n + 64};
        float sink = 0;
        for (int round = 0; round < 6; round++) {
            for (int v = 0; v < 3; v++) {
                long t0 = System.nanoTime();
                for (long r = 0; r < rows; r++) sink += dot(seg, r * strides[v], x, n);
                long ns = System.nanoTime() - t0;
                double gbs = rows * 4.0 * n / ns;
                if (round >= 2) System.out.printf("round %d %-45s %.2f GB/s%n", round, names[v], gbs);
            }
        }
        System.out.println(sink);
    }
}
