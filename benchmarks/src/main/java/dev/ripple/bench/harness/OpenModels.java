package dev.ripple.bench.harness;

import dev.ripple.core.runtime.RippleModel;
import java.io.IOException;
import java.util.List;

/** The models a harness run keeps open side by side, closed together whatever happened. */
final class OpenModels {
    private OpenModels() {}

    /** Closes every model; rethrows the last failure after trying them all. */
    static void closeAll(List<RippleModel> models) throws IOException {
        IOException failure = null;
        for (RippleModel m : models) {
            try {
                m.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
