package dev.ripple.bench.harness;

/** Where a long harness run reports its phases (the CLI draws progress bars; tests ignore them). */
public interface Progress {

    /** Ignores everything. */
    Progress NONE = (task, steps) -> new Step() {
        @Override
        public void stepTo(long done) {}

        @Override
        public void close() {}
    };

    /** A phase of {@code steps} steps (-1: unknown) begins. */
    Step start(String task, long steps);

    /** One running phase. */
    interface Step extends AutoCloseable {
        void stepTo(long done);

        /** What the step is working on now (a bar shows it beside the count); ignored by default. */
        default void message(String text) {}

        @Override
        void close();
    }
}
