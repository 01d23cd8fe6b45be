package dev.ripple.placement.synthetic;

/**
 * Prints what a synthetic workload's traces look like next to the papers' figures: activity, the
 * mean read length under each placement (Ripple v3, OPT-6.7B: 1.06 original order, 1.34 frequency,
 * 3.12 co-activation path), the share of a token's active neurons already active in the previous
 * five tokens (what LLM in a flash's window saves), and the share of activations carried by the
 * hottest 10% of neurons. Prints figures; asserts nothing.
 *
 * <p>Run (after {@code ./mvnw -q -pl placement -am test-compile}):
 * <pre>
 * java -cp placement/target/classes:placement/target/test-classes:core/target/classes:$(cat cp.txt) \
 *     dev.ripple.placement.synthetic.WorkloadShapeHarness [layers] [clusterSize skew member persistence overlap]
 * </pre>
 */
public final class WorkloadShapeHarness {
    private WorkloadShapeHarness() {}

    public static void main(String[] args) {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        SyntheticWorkload.Spec spec = SyntheticWorkload.Spec.opt67b(layers);
        if (args.length > 5) {
            spec = spec.withStructure(
                    Integer.parseInt(args[1]),
                    Double.parseDouble(args[2]),
                    Double.parseDouble(args[3]),
                    Double.parseDouble(args[4]),
                    Double.parseDouble(args[5]));
        }
        if (args.length > 6) {
            spec = spec.withActiveFraction(Double.parseDouble(args[6]));
        }
        System.out.println(spec);
        System.out.println(WorkloadShape.of(spec).describe());
    }
}
