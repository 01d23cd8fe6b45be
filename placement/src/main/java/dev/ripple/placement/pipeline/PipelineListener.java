package dev.ripple.placement.pipeline;

/**
 * Where the offline pipeline says how far a long step is: the CLI draws progress bars from it, a
 * service may log it, tests ignore it. Steps are named for a reader ("profile", "place ripple+",
 * "predictor and fill-in", "write model.ripple"); each is reported from {@code done = 0} up to
 * {@code done = total}, which ends it. A step that ends short of its total (the text ran out before
 * the token budget) ends with a last call whose total is what was done; a total of -1 means not
 * known (an import reports its layers so).
 */
@FunctionalInterface
public interface PipelineListener {

    /** Ignores progress. */
    PipelineListener NONE = (step, done, total) -> {};

    /**
     * @param step  the step's name
     * @param done  units done so far (tokens, layers)
     * @param total units of the whole step, or -1 when not known
     */
    void progress(String step, long done, long total);
}
