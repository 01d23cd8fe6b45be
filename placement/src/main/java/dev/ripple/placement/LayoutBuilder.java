package dev.ripple.placement;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.TrainedPredictor;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.PlacedLayer;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.predictor.AheadMoments;
import dev.ripple.placement.predictor.FittedPredictor;
import dev.ripple.placement.predictor.InputMoments;
import dev.ripple.placement.predictor.LowRankFactorizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Turns an imported model, a placement and what profiling learned into the contents of one
 * {@code .ripple} file: bundles in placement order, resident tensors, the activity rule and
 * provenance, mean fill-in (from the trace's inactive means) and the low-rank predictor, with the
 * read-ahead's predictor beside it when the trace paired the layer inputs with the FFN inputs.
 *
 * <pre>{@code
 * RippleContents c = new LayoutBuilder(model, orders)
 *         .rule(rule).corpus("europarl en, calibration").placement("ripple+", stats)
 *         .fillIn(trace.meanInactive()).lowRank(96, 1.5f).inputMoments(trace.inputMoments())
 *         .aheadMoments(trace.aheadMoments()).tokenizer(bytes)
 *         .build(progress);
 * }</pre>
 */
public final class LayoutBuilder {
    private final ImportedModel model;
    private final int[][] orders;
    private ActivityRule rule;
    private String corpus = "";
    private String algorithm = "identity";
    private ObjectNode statistics = JsonNodeFactory.instance.objectNode();
    private float[][] meanInactive;
    private int rank;
    private float margin = 1f;
    private List<InputMoments> moments = List.of();
    private List<AheadMoments> ahead = List.of();
    private FittedPredictor factors;
    private byte[] tokenizer;
    private TrainedPredictor trained;
    private ObjectNode trainedDescription;
    private DType residentType;

    public LayoutBuilder(ImportedModel model, int[][] orders) {
        if (orders.length != model.layers().size()) {
            throw new IllegalArgumentException(
                    orders.length + " orders for " + model.layers().size() + " layers");
        }
        this.model = model;
        this.orders = orders.clone();
    }

    public LayoutBuilder rule(ActivityRule r) {
        this.rule = r;
        return this;
    }

    public LayoutBuilder corpus(String c) {
        this.corpus = c;
        return this;
    }

    /** The algorithm's name and what it achieved (e.g. the held-out evaluation). */
    public LayoutBuilder placement(String name, ObjectNode stats) {
        this.algorithm = name;
        this.statistics = stats == null ? JsonNodeFactory.instance.objectNode() : stats.deepCopy();
        return this;
    }

    /** Per layer and neuron, the mean activation when inactive; null: no fill-in. */
    public LayoutBuilder fillIn(float[][] means) {
        this.meanInactive = means;
        return this;
    }

    /** Stores a rank-{@code r} low-rank predictor with the given margin; r = 0: none. */
    public LayoutBuilder lowRank(int r, float m) {
        this.rank = r;
        this.margin = m;
        return this;
    }

    /**
     * Per-layer FFN input moments from profiling: the low-rank predictor is then fitted to the
     * inputs the layers really see ({@link LowRankFactorizer#factor(FfnLayerWeights, int, long, InputMoments)});
     * empty: fitted to the weights alone.
     */
    public LayoutBuilder inputMoments(List<InputMoments> m) {
        if (!m.isEmpty() && m.size() != orders.length) {
            throw new IllegalArgumentException(
                    "input moments for " + m.size() + " layers, the model has " + orders.length);
        }
        this.moments = List.copyOf(m);
        return this;
    }

    /**
     * Per-layer joint moments of the layer inputs and the FFN inputs from profiling a decoder: the
     * read-ahead's predictor is then fitted to them ({@link LowRankFactorizer#factorAhead}) at the
     * low-rank predictor's rank and seed and stored beside it ({@link LowRankPredictor#aheadTensors});
     * empty, the default: none is, and the file is as it was before read-ahead predictors.
     */
    public LayoutBuilder aheadMoments(List<AheadMoments> m) {
        if (!m.isEmpty() && m.size() != orders.length) {
            throw new IllegalArgumentException(
                    "ahead moments for " + m.size() + " layers, the model has " + orders.length);
        }
        this.ahead = List.copyOf(m);
        return this;
    }

    /**
     * Factors fitted already ({@link #fitPredictor}): a predictor does not depend on the
     * placement, so files of several placements share one fit. Overrides {@link #lowRank}'s rank,
     * and the moments: the fit's read-ahead factors are stored when it has them.
     */
    public LayoutBuilder factors(FittedPredictor fitted, float m) {
        if (fitted.layers() != orders.length) {
            throw new IllegalArgumentException(fitted.layers() + " predictor layers for " + orders.length + " layers");
        }
        this.factors = fitted;
        this.rank = fitted.rank();
        this.margin = m;
        return this;
    }

    /**
     * Fits the low-rank predictor of every layer of {@code model} at rank {@code rank}, to the
     * profiled input moments when given (else to the weights alone), and the read-ahead's to the
     * ahead moments when given; one layer on the heap at a time.
     */
    public static FittedPredictor fitPredictor(
            ImportedModel model,
            int rank,
            List<InputMoments> moments,
            List<AheadMoments> ahead,
            IntConsumer layerDone) {
        List<LowRankPredictor.Factors> lowRank = new ArrayList<>();
        List<LowRankPredictor.Factors> fromLayerInputs = new ArrayList<>();
        for (int l = 0; l < model.layers().size(); l++) {
            LayerFit f = fit(model, l, rank, moments, ahead);
            lowRank.add(f.lowRank());
            if (f.ahead() != null) {
                fromLayerInputs.add(f.ahead());
            }
            layerDone.accept(l);
        }
        return new FittedPredictor(lowRank, fromLayerInputs);
    }

    /** One layer's factors: the low-rank predictor's, and the read-ahead's or null. */
    private record LayerFit(LowRankPredictor.Factors lowRank, LowRankPredictor.Factors ahead) {}

    /** Fits layer {@code l} at {@code rank} (at most its smaller dimension), with seed 42 + l. */
    private static LayerFit fit(
            ImportedModel model, int l, int rank, List<InputMoments> moments, List<AheadMoments> ahead) {
        FfnLayerWeights weights = model.weights(l);
        int r0 = Math.min(rank, Math.min(weights.spec().dModel(), weights.spec().dFfn()));
        long seed = 42 + l;
        return new LayerFit(
                moments.isEmpty()
                        ? LowRankFactorizer.factor(weights, r0, seed)
                        : LowRankFactorizer.factor(weights, r0, seed, moments.get(l)),
                ahead.isEmpty() ? null : LowRankFactorizer.factorAhead(weights, r0, seed, ahead.get(l)));
    }

    /**
     * Stores the model's resident matrices (embeddings, attention, LM head: every 2-D tensor whose
     * rows fit the type's blocks) as {@code type}, converted row by row as the file is written;
     * vectors (norms, biases) keep their type. Null, the default, keeps every tensor as imported.
     * With Q4_0 bundles and residents a 7B model's DRAM part shrinks to a quarter of f16's.
     */
    public LayoutBuilder residentType(DType type) {
        this.residentType = type;
        return this;
    }

    /** The resident tensor as it will be stored under {@link #residentType}. */
    private ResidentTensor resident(ResidentTensor t) {
        long[] shape = t.shape();
        boolean matrix = shape.length == 2 && shape[0] > 1 && shape[1] > 1 && shape[1] % residentType.blockSize() == 0;
        return matrix && t.dtype() != residentType ? t.as(residentType) : t;
    }

    /**
     * Stores a trained predictor's networks and thresholds as resident tensors
     * ({@link TrainedPredictor#tensors}) and {@code description} in the provenance under
     * {@link TrainedPredictor#PROVENANCE}; its {@code relu} is set from the networks, as reading
     * them back needs it.
     */
    public LayoutBuilder trained(TrainedPredictor p, ObjectNode description) {
        if (p.layers() != orders.length) {
            throw new IllegalArgumentException(
                    "trained predictor has " + p.layers() + " layers, the model " + orders.length);
        }
        for (int l = 0; l < orders.length; l++) {
            TrainedPredictor.Layer f = p.layer(l);
            var spec = model.layers().get(l).spec();
            if (f.dModel() != spec.dModel()
                    || f.dFfn() != spec.dFfn()
                    || f.relu() != p.layer(0).relu()) {
                throw new IllegalArgumentException("trained predictor layer " + l + " (" + f.dModel() + " → "
                        + f.dFfn() + ", relu " + f.relu() + ") does not fit the model's (" + spec.dModel() + " → "
                        + spec.dFfn() + ") or differs from layer 0 in its rectifier");
            }
        }
        this.trained = p;
        this.trainedDescription = description.deepCopy().put("relu", p.layer(0).relu());
        return this;
    }

    public LayoutBuilder tokenizer(byte[] json) {
        this.tokenizer = json;
        return this;
    }

    /** Builds the contents; {@code layerDone} is told each finished layer (factoring takes a while). */
    public RippleContents build(IntConsumer layerDone) {
        ObjectNode prov = JsonNodeFactory.instance.objectNode();
        prov.put("sourceModel", model.source());
        if (!model.checkpointStamp().isEmpty()) {
            prov.put(ImportedModel.STAMP_KEY, model.checkpointStamp());
        }
        prov.put("corpus", corpus);
        if (rule != null) {
            prov.set("activityRule", rule.toJson());
        }
        ObjectNode placement = prov.putObject("placement");
        placement.put("algorithm", algorithm);
        placement.set("statistics", statistics);
        prov.put("fillIn", meanInactive != null);
        if (rank > 0) {
            ObjectNode p = prov.putObject("predictor");
            p.put("kind", "lowrank");
            p.put("rank", rank);
            p.put("margin", margin);
            p.put("fit", moments.isEmpty() ? "weights" : "inputs");
            if (factors != null ? factors.hasAhead() : !ahead.isEmpty()) {
                p.put("ahead", "layer inputs"); // the read-ahead's factors, fitted to them
            }
        }
        if (trained != null) {
            prov.set(TrainedPredictor.PROVENANCE, trainedDescription);
        }
        if (residentType != null) {
            prov.put("residentType", residentType.label());
        }
        // the contents take a copy of the provenance: everything in it is set above this line
        RippleContents c =
                new RippleContents().architecture(model.architecture()).provenance(prov);
        model.tensors().forEach(t -> c.addTensor(residentType == null ? t : resident(t)));
        for (int l = 0; l < orders.length; l++) {
            BundleSource w = model.layers().get(l);
            c.addLayer(new PlacedLayer(w, orders[l]));
            if (meanInactive != null) {
                FillIn.fromMeans(w, meanInactive[l]).tensors(l).forEach(c::addTensor);
                w.release(); // a streamed layer gathers its down columns again when it is written
            }
            LayerFit f = factors != null
                    ? new LayerFit(
                            factors.lowRank().get(l),
                            factors.hasAhead() ? factors.ahead().get(l) : null)
                    : rank > 0 ? fit(model, l, rank, moments, ahead) : null;
            if (f != null) {
                LowRankPredictor.tensors(l, f.lowRank()).forEach(c::addTensor);
                if (f.ahead() != null) {
                    LowRankPredictor.aheadTensors(l, f.ahead()).forEach(c::addTensor);
                }
            }
            if (trained != null) {
                TrainedPredictor.tensors(l, trained.layer(l)).forEach(c::addTensor);
            }
            layerDone.accept(l);
        }
        model.blobs().forEach(c::addBlob);
        if (tokenizer != null) {
            c.addBlob("tokenizer.json", tokenizer);
        }
        return c;
    }
}
