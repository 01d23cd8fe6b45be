package dev.ripple.placement.stats;

/** Receives one co-activation pair {@code i < j} with its joint count {@code f(i,j) > 0}. */
@FunctionalInterface
public interface PairVisitor {
    void visit(int i, int j, int joint);
}
