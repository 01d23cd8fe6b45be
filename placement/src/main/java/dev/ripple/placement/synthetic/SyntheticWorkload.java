package dev.ripple.placement.synthetic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.PlacedLayer;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.json.JsonFileProblem;
import dev.ripple.placement.algorithm.Permutations;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import dev.ripple.placement.trace.TraceInfo;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Synthetic decoder workloads at the papers' scale: an FFN-only {@code .ripple} file in a real
 * model's shape (OPT-6.7B: 4,096 × 16,384 per layer, f16 bundles of 16 KiB plus the 2-byte up
 * bias) with generated weights, and activation traces with the structure ReLU LLMs are reported to
 * have: a few percent of neurons active per token, clusters of neurons that fire together,
 * power-law popularity, hot neurons, and persistence from one token to the next. I/O strategies,
 * placements and cache policies can then be compared where the papers compare them, which the
 * small GELU encoders of this project (39-47% active) cannot show. <b>Every figure measured on a
 * workload must say "synthetic workload".</b> The parameters, what they model and the papers they
 * come from are in docs/SYNTHETIC.md ("Workloads at the papers' scale").
 *
 * <p>The generative model, per layer (independent structure per layer):
 * <ul>
 *   <li><b>Clusters.</b> Neurons are split into clusters of {@code clusterSize}; a share
 *   {@code overlap} of neurons also belongs to a second, random cluster, so no order can make every
 *   cluster contiguous. Neuron ids are shuffled: the original order carries no structure (OPT's
 *   neuron order is arbitrary).</li>
 *   <li><b>Power-law popularity.</b> Cluster c (in a random rank order) is on at a token with
 *   stationary probability {@code π_c ∝ rank^-clusterSkew}, scaled (and capped at 1) so that the
 *   expected activity is {@code activeFraction}.</li>
 *   <li><b>Persistence.</b> Each cluster's on/off state is a two-state Markov chain with
 *   stationary probability {@code π_c} and lag-one correlation {@code persistence}: consecutive
 *   tokens share much of their active set, which is what the sliding-window cache of LLM in a
 *   flash exploits.</li>
 *   <li><b>Partial firing.</b> A member of an active cluster fires with probability
 *   {@code memberProbability}, independently per token: co-activation is strong, never total, so
 *   placed runs are a few bundles long, as Ripple measured on OPT.</li>
 *   <li><b>Hot neurons</b> ({@code hotFraction} of them) fire with {@code hotProbability} each
 *   token whatever the clusters do; <b>noise</b> fires any neuron independently, and carries
 *   {@code noiseShare} of the activity.</li>
 * </ul>
 * Deterministic for a given spec: a calibration and a held-out trace are two streams of the same
 * structure.
 *
 * <pre>{@code
 * SyntheticWorkload.Spec spec = SyntheticWorkload.Spec.opt67b(8);
 * SyntheticWorkload.write(spec, Path.of("opt-6.7b-workload"), layer -> { });
 * }</pre>
 */
public final class SyntheticWorkload {

    /** File names inside a workload directory. */
    public static final String SPEC_FILE = "workload.json";

    public static final String MODEL_FILE = "model.ripple";
    public static final String CALIBRATION_TRACE = "calibration.trace";
    public static final String HELD_OUT_TRACE = "heldout.trace";
    /** The label every figure from a workload carries. */
    public static final String LABEL = "synthetic workload";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SyntheticWorkload() {}

    /**
     * A workload's shape and structure. Each component has a wither ({@code withSeed(s)}, ...) from
     * {@link SyntheticWorkloadSpecBuilder.With}; {@link #withStructure} and {@link #withTokens} set
     * several together.
     *
     * @param name              the shape's name ("opt-6.7b")
     * @param layers            FFN layers generated
     * @param dModel            hidden size
     * @param dFfn              neurons per layer
     * @param dtype             bundle element type
     * @param activeFraction    expected share of neurons active per token
     * @param clusterSize       neurons per cluster (primary membership)
     * @param clusterSkew       exponent of the power law of cluster popularity
     * @param memberProbability probability a member of an active cluster fires
     * @param persistence       lag-one correlation of a cluster's on/off state between tokens
     * @param overlap           share of neurons also in a second cluster
     * @param hotFraction       share of neurons that are hot
     * @param hotProbability    firing probability of a hot neuron per token
     * @param noiseShare        share of the activity from independent noise
     * @param calibrationTokens tokens of the calibration trace (placement, LFU seed)
     * @param heldOutTokens     tokens of the held-out trace (what benchmarks replay)
     * @param seed              seed of structure, traces and weights
     */
    @RecordBuilder
    @JsonIgnoreProperties({"label", "note"}) // what toJson adds for readers of the file, not part of the spec
    public record Spec(
            String name,
            int layers,
            int dModel,
            int dFfn,
            DType dtype,
            double activeFraction,
            int clusterSize,
            double clusterSkew,
            double memberProbability,
            double persistence,
            double overlap,
            double hotFraction,
            double hotProbability,
            double noiseShare,
            int calibrationTokens,
            int heldOutTokens,
            long seed)
            implements SyntheticWorkloadSpecBuilder.With {

        public Spec {
            if (layers < 1 || dModel < 1 || dFfn < 2 || clusterSize < 1 || clusterSize > dFfn) {
                throw new IllegalArgumentException(
                        "workload needs layers >= 1, dModel >= 1, dFfn >= 2 and 1 <= clusterSize <= dFfn");
            }
            if (!(activeFraction > 0 && activeFraction < 1)) {
                throw new IllegalArgumentException("activeFraction must be in (0, 1), got " + activeFraction);
            }
            // Each message names the values given: `this` in a compact constructor is not yet assigned,
            // so printing it showed a spec of zeros and nulls.
            double[] shares = {memberProbability, persistence, overlap, hotFraction, hotProbability, noiseShare};
            String[] names = {
                "memberProbability", "persistence", "overlap", "hotFraction", "hotProbability", "noiseShare"
            };
            for (int i = 0; i < shares.length; i++) {
                if (!(shares[i] >= 0 && shares[i] <= 1)) {
                    throw new IllegalArgumentException(names[i] + " must be in [0, 1], got " + shares[i]);
                }
            }
            if (memberProbability == 0 || !(clusterSkew >= 0)) {
                throw new IllegalArgumentException("memberProbability must be > 0 and clusterSkew >= 0, got "
                        + memberProbability + " and " + clusterSkew);
            }
            if (calibrationTokens < 1 || heldOutTokens < 1) {
                throw new IllegalArgumentException("calibrationTokens and heldOutTokens must be positive, got "
                        + calibrationTokens + " and " + heldOutTokens);
            }
            if (hotFraction * hotProbability + noiseShare * activeFraction >= activeFraction) {
                throw new IllegalArgumentException("hot neurons and noise alone exceed the activity " + activeFraction
                        + ": hotFraction " + hotFraction + " x hotProbability " + hotProbability + " + noiseShare "
                        + noiseShare + " x activeFraction");
            }
        }

        /**
         * OPT-6.7B's FFN (4,096 × 16,384, ReLU, f16) with {@code layers} layers and the default
         * structure: 5% active, clusters of 32 with a power law of exponent 0.8, members firing with
         * probability 0.85, persistence 0.7, 20% overlap, 1% hot neurons firing half the time, 10%
         * of the activity as noise; 4,000 calibration and 400 held-out tokens. Chosen so that the
         * mean read lengths match Ripple's on OPT-6.7B (docs/SYNTHETIC.md).
         */
        public static Spec opt67b(int layers) {
            return new Spec(
                    "opt-6.7b",
                    layers,
                    4096,
                    16384,
                    DType.F16,
                    0.05,
                    32,
                    0.8,
                    0.85,
                    0.7,
                    0.2,
                    0.01,
                    0.5,
                    0.1,
                    4000,
                    400,
                    42);
        }

        /** A small workload of the same structure, for tests. */
        public static Spec tiny(int layers) {
            return new Spec(
                    "tiny", layers, 64, 1024, DType.F16, 0.05, 16, 0.8, 0.85, 0.7, 0.2, 0.01, 0.5, 0.1, 600, 100, 42);
        }

        /** The cluster structure: size, popularity skew, member probability, persistence and overlap. */
        public Spec withStructure(int size, double skew, double member, double persist, double over) {
            return with(b -> b.clusterSize(size)
                    .clusterSkew(skew)
                    .memberProbability(member)
                    .persistence(persist)
                    .overlap(over));
        }

        /** The lengths of the calibration and held-out traces. */
        public Spec withTokens(int calibration, int heldOut) {
            return with(b -> b.calibrationTokens(calibration).heldOutTokens(heldOut));
        }

        /** The spec of a preset shape by name ({@code opt-6.7b}, {@code tiny}) with {@code layers} layers. */
        public static Spec preset(String name, int layers) {
            return switch (name) {
                case "opt-6.7b" -> opt67b(layers);
                case "tiny" -> tiny(layers);
                default ->
                    throw new IllegalArgumentException("no workload preset '" + name + "' (known: opt-6.7b, tiny)");
            };
        }

        /** The FFN layer shape of layer {@code l}. */
        public FfnLayerSpec layer(int l) {
            return new FfnLayerSpec(l, dModel, dFfn, Activation.RELU, false, dtype);
        }

        /** Bytes of all bundles of all layers. */
        public long ffnBytes() {
            return layers * layer(0).sectionBytes();
        }
    }

    /** The structure of one layer: clusters, their popularity, hot neurons and noise. */
    private record LayerStructure(int[][] members, double[] popularity, int[] hot, double noise) {}

    private static LayerStructure structure(Spec spec, int layer) {
        SplittableRandom rnd = new SplittableRandom(mix(spec.seed(), 1, layer));
        int n = spec.dFfn();
        PlantedClusters planted = PlantedClusters.deal(rnd, n, spec.clusterSize(), spec.overlap());
        int[][] members = planted.members();
        int clusters = planted.clusters();
        int hotCount = (int) Math.round(n * spec.hotFraction());
        int[] hot = new int[hotCount];
        for (int h = 0; h < hotCount; h++) {
            hot[h] = rnd.nextInt(n);
        }
        // popularity: a power law over a random ranking, scaled so the clusters carry their share
        int[] rank = Permutations.random(clusters, rnd::nextInt);
        double[] weight = new double[clusters];
        for (int c = 0; c < clusters; c++) {
            weight[c] = Math.pow(rank[c] + 1, -spec.clusterSkew());
        }
        double target = spec.activeFraction() * n * (1 - spec.noiseShare()) - hotCount * spec.hotProbability();
        double[] popularity = scaleToActivity(weight, members, spec.memberProbability(), target);
        double noise = spec.activeFraction() * spec.noiseShare();
        return new LayerStructure(members, popularity, hot, noise);
    }

    /** π_c = min(1, s·w_c) with s found by bisection so that Σ π_c·|c|·p equals {@code target}. */
    private static double[] scaleToActivity(double[] weight, int[][] members, double p, double target) {
        double most = 0;
        for (int[] m : members) {
            most += m.length * p;
        }
        if (target >= most) {
            throw new IllegalArgumentException("clusters cannot reach the activity asked for: at most " + most
                    + " active neurons from clusters, " + target + " needed");
        }
        double lo = 0;
        double hi = 1;
        while (expected(weight, members, p, hi) < target) {
            hi *= 2;
        }
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (expected(weight, members, p, mid) < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double[] pi = new double[weight.length];
        for (int c = 0; c < weight.length; c++) {
            pi[c] = Math.min(1, hi * weight[c]);
        }
        return pi;
    }

    private static double expected(double[] weight, int[][] members, double p, double scale) {
        double sum = 0;
        for (int c = 0; c < weight.length; c++) {
            sum += Math.min(1, scale * weight[c]) * members[c].length * p;
        }
        return sum;
    }

    /** Generates {@code tokens} tokens of every layer; {@code stream} 0 is calibration, 1 held-out. */
    public static ActivationTrace trace(Spec spec, int stream, int tokens) {
        int[] neurons = new int[spec.layers()];
        Arrays.fill(neurons, spec.dFfn());
        String part = stream == 0 ? "calibration" : "held-out";
        ActivationTrace.Builder trace = ActivationTrace.builder(
                new TraceInfo(
                        LABEL + " " + spec.name() + " (generated)",
                        LABEL + ", " + part + " stream, seed " + spec.seed(),
                        "act > 0",
                        tokens),
                neurons);
        for (int l = 0; l < spec.layers(); l++) {
            LayerStructure s = structure(spec, l);
            SplittableRandom rnd = new SplittableRandom(mix(spec.seed(), 2 + stream, l));
            generateLayer(spec, s, rnd, trace, l, tokens);
        }
        return trace.build();
    }

    private static void generateLayer(
            Spec spec, LayerStructure s, SplittableRandom rnd, ActivationTrace.Builder trace, int layer, int tokens) {
        int n = spec.dFfn();
        int clusters = s.members().length;
        boolean[] on = new boolean[clusters];
        for (int c = 0; c < clusters; c++) {
            on[c] = rnd.nextDouble() < s.popularity()[c]; // start in the stationary distribution
        }
        double rho = spec.persistence();
        FiringSet firing = new FiringSet(n);
        for (int t = 0; t < tokens; t++) {
            for (int c = 0; c < clusters; c++) {
                double pi = s.popularity()[c];
                double pOn = on[c] ? pi + rho * (1 - pi) : pi * (1 - rho);
                on[c] = rnd.nextDouble() < pOn;
                if (on[c]) {
                    firing.fireEach(s.members()[c], spec.memberProbability(), rnd);
                }
            }
            firing.fireEach(s.hot(), spec.hotProbability(), rnd);
            firing.fireNoise(s.noise(), rnd);
            trace.add(layer, firing.take());
        }
    }

    private static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Layer {@code l}'s generated weights: every value uniform in ±0.05 from a stream seeded by the
     * spec's seed, the layer and the neuron, so each neuron's bundle is the same in every placement's
     * file. The weights mean nothing; they give the executor real bytes to compute on.
     */
    public static BundleSource weights(Spec spec, int l) {
        FfnLayerSpec layer = spec.layer(l);
        return new BundleSource() {
            @Override
            public FfnLayerSpec spec() {
                return layer;
            }

            @Override
            public void bundleOf(int neuron, float[] dst, int at) {
                SplittableRandom r = new SplittableRandom(mix(spec.seed(), 100 + l, neuron));
                int n = layer.bundleElements();
                for (int i = 0; i < n; i += 2) {
                    long bits = r.nextLong();
                    dst[at + i] = ((int) bits) * (0.05f / Integer.MAX_VALUE);
                    if (i + 1 < n) {
                        dst[at + i + 1] = ((int) (bits >>> 32)) * (0.05f / Integer.MAX_VALUE);
                    }
                }
            }

            @Override
            public float[] downBias() {
                return new float[layer.dModel()];
            }
        };
    }

    /** The architecture block of a workload's files: FFN only, labelled synthetic. */
    public static ObjectNode architecture(Spec spec) {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("type", "synthetic-ffn");
        a.put("hiddenSize", spec.dModel());
        a.put("intermediateSize", spec.dFfn());
        a.put("numLayers", spec.layers());
        a.put("shape", spec.name());
        a.set("ripple_synthetic", toJson(spec));
        return a;
    }

    /**
     * Writes one file of the workload with each layer's neurons in the given order (null: the
     * original order), atomically. {@code algorithm} names the placement in the provenance.
     */
    public static long writeModel(Spec spec, Path file, int[][] orders, String algorithm, IntConsumer layerDone)
            throws IOException {
        ObjectNode prov = JsonNodeFactory.instance.objectNode();
        prov.put("sourceModel", LABEL + " " + spec.name() + " (generated weights)");
        prov.put("corpus", LABEL + " calibration stream");
        prov.putObject("placement").put("algorithm", algorithm);
        RippleContents c = new RippleContents().architecture(architecture(spec)).provenance(prov);
        for (int l = 0; l < spec.layers(); l++) {
            BundleSource w = weights(spec, l);
            c.addLayer(orders == null ? PlacedLayer.identity(w) : new PlacedLayer(w, orders[l]));
        }
        return RippleFileWriter.write(file, c, (layer, error) -> layerDone.accept(layer));
    }

    /** The spec as JSON, with the label and a note of what it is. */
    public static ObjectNode toJson(Spec spec) {
        ObjectNode o = JSON.valueToTree(spec);
        o.put("label", LABEL);
        o.put("note", "generated activity and weights in a real model's shape; not measured on a trained model");
        return o;
    }

    /**
     * Reads the spec of a workload directory and checks it against the directory's model file
     * ({@value #MODEL_FILE}, its header and layer table only): the placed files are generated from
     * the spec, so a spec edited or copied from another workload would otherwise be placed and
     * replayed in a shape the model and traces do not have (a wider {@code dModel} writes gigabytes
     * before anything fails).
     *
     * @throws IOException naming the file, when the spec is missing or does not parse, the model file
     *     does not open, or the two disagree
     */
    public static Spec read(Path dir) throws IOException {
        Path file = dir.resolve(SPEC_FILE);
        if (!Files.exists(file)) {
            throw new IOException(dir + ": not a synthetic workload (no " + SPEC_FILE
                    + "; write one with 'ripple synth --workload')");
        }
        String text = Files.readString(file);
        Spec spec;
        try {
            try (JsonParser p = SPEC_READER.createParser(text)) {
                if (p.nextToken() != JsonToken.START_OBJECT) { // said plainly, not as a failed creator call
                    throw new IOException(file + ": not a workload spec (not a JSON object)");
                }
            }
            spec = SPEC_READER.readValue(text);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not a valid workload spec: " + JsonFileProblem.describe(e), e);
        }
        requireModelFits(spec, file, dir.resolve(MODEL_FILE));
        return spec;
    }

    /** A workload read whole: its spec and both traces, each trace checked against the spec. */
    public record Contents(Spec spec, ActivationTrace calibration, ActivationTrace heldOut) {}

    /**
     * {@link #read} and both traces, refused when a trace's layers or neurons are not the spec's (a
     * trace of another workload): else a layer count past the spec's failed as a bare index error
     * and another width as "not a permutation", neither naming a file.
     */
    public static Contents load(Path dir) throws IOException {
        Spec spec = read(dir);
        return new Contents(spec, trace(spec, dir, CALIBRATION_TRACE), trace(spec, dir, HELD_OUT_TRACE));
    }

    private static ActivationTrace trace(Spec spec, Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        ActivationTrace trace = TraceFiles.read(file);
        boolean fits = trace.layers() == spec.layers();
        for (int l = 0; fits && l < trace.layers(); l++) {
            fits = trace.neurons(l) == spec.dFfn();
        }
        if (!fits) {
            throw new IOException(file + ": " + trace.layers() + " layers of "
                    + (trace.layers() == 0 ? 0 : trace.neurons(0))
                    + " neurons, where " + dir.resolve(SPEC_FILE) + " says " + spec.layers() + " of " + spec.dFfn()
                    + ": not this workload's trace");
        }
        return trace;
    }

    private static void requireModelFits(Spec spec, Path specFile, Path modelFile) throws IOException {
        try (RippleFile model = RippleFile.open(modelFile)) {
            boolean fits = model.layers().size() == spec.layers();
            for (int l = 0; fits && l < spec.layers(); l++) {
                FfnLayerSpec layer = model.layers().get(l).spec();
                fits = layer.dModel() == spec.dModel() && layer.dFfn() == spec.dFfn();
            }
            if (!fits) {
                FfnLayerSpec first = model.layers().isEmpty()
                        ? null
                        : model.layers().getFirst().spec();
                throw new IOException(specFile + ": " + spec.layers() + " layers of " + spec.dModel() + " x "
                        + spec.dFfn() + ", where " + modelFile + " holds "
                        + model.layers().size() + " layers"
                        + (first == null ? "" : " of " + first.dModel() + " x " + first.dFfn())
                        + ": the spec is not this workload's");
            }
        }
    }

    /**
     * Reads a spec straight from the file (not through a tree, which loses line and column): every
     * field required, the label and note {@link #toJson} adds skipped, any other field refused.
     */
    private static final ObjectReader SPEC_READER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .readerFor(Spec.class);

    /** True if {@code dir} holds a workload. */
    public static boolean isWorkload(Path dir) {
        return Files.isRegularFile(dir.resolve(SPEC_FILE));
    }

    /**
     * Writes a workload directory: the spec ({@value #SPEC_FILE}), the calibration and held-out
     * traces, and the model file in its original order ({@value #MODEL_FILE}); placed files of an
     * earlier workload in the directory ({@code placed-*.ripple}) are deleted.
     */
    public static void write(Spec spec, Path dir, IntConsumer layerDone) throws IOException {
        Files.createDirectories(dir);
        try (var old = Files.newDirectoryStream(dir, "placed-*.ripple")) { // placements of an earlier workload
            for (Path p : old) {
                Files.delete(p);
            }
        }
        TraceFiles.write(dir.resolve(CALIBRATION_TRACE), trace(spec, 0, spec.calibrationTokens()));
        TraceFiles.write(dir.resolve(HELD_OUT_TRACE), trace(spec, 1, spec.heldOutTokens()));
        writeModel(spec, dir.resolve(MODEL_FILE), null, "identity", layerDone);
        byte[] json = JSON.writeValueAsBytes(toJson(spec));
        AtomicFile.write(dir.resolve(SPEC_FILE), json);
    }
}
