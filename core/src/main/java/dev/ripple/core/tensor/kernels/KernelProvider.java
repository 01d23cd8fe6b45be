package dev.ripple.core.tensor.kernels;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses the kernels once per JVM: the Vector API ones when the {@code jdk.incubator.vector}
 * module is present (run with {@code --add-modules jdk.incubator.vector}) and not disabled with
 * {@code -Dripple.kernels=scalar}; the scalar ones otherwise. Says why in the log, once: at
 * {@code INFO} (shown by a default {@code java.util.logging} set-up) when the scalar kernels run
 * because the module is missing or failed, which slows every step and is easy to miss in an app's
 * launch script; at {@code FINE} when the Vector API ones run or the scalar ones were asked for.
 */
public final class KernelProvider {
    private static final Logger LOG = Logger.getLogger(KernelProvider.class.getName());

    private KernelProvider() {}

    /** The kernels this JVM uses. */
    public static Kernels best() {
        return Holder.BEST;
    }

    /** The reference kernels, always available. */
    public static Kernels scalar() {
        return Holder.SCALAR;
    }

    /** Why {@link #best()} is what it is. */
    public static String reason() {
        return Holder.REASON;
    }

    private static final class Holder {
        static final Kernels SCALAR = new ScalarKernels();
        static final String REASON;
        static final Kernels BEST;

        static {
            String forced = System.getProperty("ripple.kernels", "auto");
            Kernels chosen = SCALAR;
            String why;
            boolean asked = "scalar".equalsIgnoreCase(forced);
            if (asked) {
                why = "scalar kernels forced by -Dripple.kernels=scalar";
            } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                why = "scalar kernels: the Vector API module is not loaded (add --add-modules jdk.incubator.vector)";
            } else {
                try {
                    chosen = new VectorKernels();
                    why = "Vector API kernels (" + chosen.name() + ")";
                } catch (LinkageError e) {
                    why = "scalar kernels: the Vector API failed to initialise (" + e + ")";
                }
            }
            BEST = chosen;
            REASON = why;
            LOG.log(chosen == SCALAR && !asked ? Level.INFO : Level.FINE, why);
        }
    }
}
