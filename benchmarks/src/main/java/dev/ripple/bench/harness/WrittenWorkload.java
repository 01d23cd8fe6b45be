package dev.ripple.bench.harness;

import dev.ripple.placement.synthetic.SyntheticWorkload;
import dev.ripple.placement.synthetic.WorkloadShape;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A synthetic workload at the papers' scale written to a directory (an FFN-only model file and
 * activation traces, labelled {@value SyntheticWorkload#LABEL} wherever a figure comes from it), and
 * its first layer's activity measured against the papers' figures.
 *
 * @param spec   what was written
 * @param dir    where
 * @param layer0 layer 0's activity
 */
public record WrittenWorkload(SyntheticWorkload.Spec spec, Path dir, WorkloadShape layer0) {

    /** Writes {@code spec} into {@code dir} (a phase per layer), then measures its layer 0 (a phase). */
    public static WrittenWorkload write(SyntheticWorkload.Spec spec, Path dir, Progress progress) throws IOException {
        try (Progress.Step step = progress.start("write the synthetic workload", spec.layers())) {
            SyntheticWorkload.write(spec, dir, l -> step.stepTo(l + 1));
        }
        WorkloadShape shape;
        try (Progress.Step _ = progress.start("measure layer 0 against the papers' figures", -1)) {
            shape = WorkloadShape.of(spec.withLayers(1));
        }
        return new WrittenWorkload(spec, dir, shape);
    }
}
