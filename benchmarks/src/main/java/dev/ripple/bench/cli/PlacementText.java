package dev.ripple.bench.cli;

import dev.ripple.placement.eval.CollapseFigure;
import dev.ripple.placement.eval.LayerEvaluation;
import dev.ripple.placement.eval.PlacementEvaluation;
import dev.ripple.placement.pipeline.Placements;
import dev.ripple.placement.profile.OnnxProfiler;
import dev.ripple.placement.profile.ProfileResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the commands print the placement pipeline's records ({@code ripple profile}, {@code place}
 * and {@code demo} print the same tables), so that a command only renders and none calls another's
 * helpers.
 */
final class PlacementText {
    private PlacementText() {}

    static void profile(PrintWriter o, ProfileResult r, Path out) {
        profile(o, r, out, "");
    }

    /** As {@link #profile(PrintWriter, ProfileResult, Path)}, {@code tag} (e.g. " (generated weights)") on its title. */
    static void profile(PrintWriter o, ProfileResult r, Path out, String tag) {
        o.printf(
                "profiled %d tokens of %d passages under '%s' -> %s%s%n",
                r.tokens(), r.passages(), r.trace().info().rule(), out, tag);
        ProfileResult.Cut cut = r.cut();
        if (cut.passages() > 0) {
            o.printf(
                    "%d of %d passages were longer than %d tokens and were cut to them: %,d tokens not profiled"
                            + " (a line is one passage; break long lines into shorter ones, or profile longer"
                            + " passages with 'ripple profile --max-length')%n",
                    cut.passages(), r.passages(), cut.length(), cut.tokensLeft());
        }
        o.printf("%-5s %14s %18s%n", "layer", "active share", "FFN rel. error");
        for (int l = 0; l < r.meanActiveFraction().length; l++) {
            o.printf("%-5d %13.1f%% %18.3f%n", l, 100 * r.meanActiveFraction()[l], r.meanRelativeError()[l]);
        }
        if (r.inputMoments().isEmpty()) {
            o.println("FFN inputs not recorded (not exposed by the model, or wider than "
                    + OnnxProfiler.MAX_MOMENT_WIDTH + "): the predictor will be fitted to the weights alone");
        } else if (!r.trace().aheadMoments().isEmpty()) {
            o.println("layer inputs recorded with the FFN inputs: place fits the read-ahead's predictor to them too");
        }
    }

    /** Each placement's held-out evaluation by algorithm, for {@link #comparison}. */
    private static Map<String, PlacementEvaluation> evaluations(Placements placed) {
        Map<String, PlacementEvaluation> all = new LinkedHashMap<>();
        placed.all().forEach(p -> all.put(p.algorithm(), p.heldOut()));
        return all;
    }

    static void layers(PrintWriter o, PlacementEvaluation e) {
        layers(o, e, "");
    }

    /** As {@link #layers(PrintWriter, PlacementEvaluation)}, {@code tag} on the table's title. */
    static void layers(PrintWriter o, PlacementEvaluation e, String tag) {
        o.printf(
                "held-out, per layer%s:%n%-6s %10s %10s %10s %10s%n",
                tag, "layer", "active/tok", "reads/tok", "reads g=8", "extra g=8");
        for (LayerEvaluation l : e.layers()) {
            CollapseFigure g8 = l.collapsed().get(l.collapsed().size() - 1);
            o.printf(
                    "%-6d %10.1f %10.1f %10.1f %9.0f%%%n",
                    l.layer(),
                    l.activePerToken(),
                    l.readsPerToken(),
                    g8.readsPerToken(),
                    100 * g8.extraBytesFraction());
        }
    }

    static void comparison(PrintWriter o, Placements placed) {
        comparison(o, placed, "");
    }

    /** As {@link #comparison(PrintWriter, Placements)}, {@code tag} on the table's title. */
    static void comparison(PrintWriter o, Placements placed, String tag) {
        o.printf(
                "held-out, all layers (mean per token and layer)%s:%n%-10s %10s %10s",
                tag, "algorithm", "active", "reads");
        Map<String, PlacementEvaluation> all = evaluations(placed);
        PlacementEvaluation any = all.values().iterator().next();
        for (CollapseFigure c : any.overall().collapsed()) {
            if (c.gap() > 0) {
                o.printf(" %14s", "reads g=" + c.gap() + " (+B)");
            }
        }
        o.println();
        all.forEach((name, e) -> {
            o.printf(
                    "%-10s %10.1f %10.1f",
                    name, e.overall().activePerToken(), e.overall().readsPerToken());
            for (CollapseFigure c : e.overall().collapsed()) {
                if (c.gap() > 0) {
                    o.printf(" %7.1f (%+4.0f%%)", c.readsPerToken(), 100 * c.extraBytesFraction());
                }
            }
            o.println();
        });
    }
}
