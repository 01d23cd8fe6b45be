package dev.ripple.placement.predictor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * The thin Q the factorizer uses is the full Q's leading columns bit for bit, so the predictor
 * factors it fits did not change when it stopped forming the full square Q.
 */
class ThinQrTest {

    @Test
    void thinQIsTheFullQsLeadingColumnsExactly() {
        SplittableRandom rnd = new SplittableRandom(20261206);
        for (int[] shape : new int[][] {{300, 20}, {50, 50}, {64, 1}, {129, 17}}) {
            double[][] m = new double[shape[0]][shape[1]];
            for (double[] row : m) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rnd.nextGaussian();
                }
            }
            m[3] = new double[shape[1]]; // a zero row, as a degenerate basis can have
            RealMatrix full = new QRDecomposition(new Array2DRowRealMatrix(m, true)).getQ();
            RealMatrix thin = new LowRankFactorizer.ThinQr(new Array2DRowRealMatrix(m, true)).thinQ();
            assertEquals(shape[0], thin.getRowDimension());
            assertEquals(shape[1], thin.getColumnDimension());
            for (int i = 0; i < shape[0]; i++) {
                assertArrayEquals(
                        full.getSubMatrix(i, i, 0, shape[1] - 1).getRow(0),
                        thin.getRow(i),
                        0.0,
                        "row " + i + " of a " + shape[0] + " x " + shape[1] + " basis");
            }
        }
    }
}
