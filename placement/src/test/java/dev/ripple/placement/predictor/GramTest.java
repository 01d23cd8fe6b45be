package dev.ripple.placement.predictor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * The factorizer's Cᵀ·C is Commons Math's {@code transpose().multiply()} bit for bit, so the
 * eigenvectors, and the predictor factors fitted from them, did not change when it stopped taking
 * Commons Math's generic product.
 */
class GramTest {

    @Test
    void gramIsCommonsMathsTransposeTimesItselfExactly() {
        SplittableRandom rnd = new SplittableRandom(20261208);
        for (int[] shape : new int[][] {{1536, 26}, {300, 74}, {5, 5}, {64, 1}}) {
            double[][] c = new double[shape[0]][shape[1]];
            for (double[] row : c) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rnd.nextGaussian() * Math.exp(4 * rnd.nextGaussian()); // wide magnitudes: rounding shows
                }
            }
            c[2] = new double[shape[1]]; // a zero row
            RealMatrix cm = new Array2DRowRealMatrix(c, true);
            RealMatrix expected = cm.transpose().multiply(cm);
            double[][] gram = LowRankFactorizer.gram(c, shape[1]);
            for (int a = 0; a < shape[1]; a++) {
                for (int b = 0; b < shape[1]; b++) {
                    assertEquals(
                            Double.doubleToRawLongBits(expected.getEntry(a, b)),
                            Double.doubleToRawLongBits(gram[a][b]),
                            "entry (" + a + ", " + b + ") of a " + shape[0] + " x " + shape[1] + " C");
                }
            }
        }
    }
}
