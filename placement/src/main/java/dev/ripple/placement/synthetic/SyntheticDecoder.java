package dev.ripple.placement.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.placement.algorithm.Permutations;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * A generated Hugging Face-style decoder LLM: its shape, its architecture options and how its weights
 * are drawn. {@link SyntheticDecoderWriter} turns it into a checkpoint directory ({@code config.json}
 * + safetensors) with Hugging Face tensor names; every value is a function of {@link #seed()} and the
 * tensor's name. Models made from it carry <b>generated weights</b>, and every figure measured on
 * them must say so (docs/SYNTHETIC.md).
 *
 * <pre>{@code
 * SyntheticDecoder spec = SyntheticDecoder.llama(4, 512, 1376, 8, 2, 32000)   // Llama-shaped, GQA 8/2
 *         .withHiddenAct("fatrelu").withActiveFraction(0.1)                   // ProSparse-like: ~10% fire
 *         .withClusters(64)                                                   // planted co-activation
 *         .withSeed(7);
 * SyntheticDecoderWriter.write(spec, Path.of("gen-llama"), "BF16", 1);
 * }</pre>
 *
 * <p>Each component has a wither ({@code withSeed(s)}, ...) from {@link SyntheticDecoderBuilder.With};
 * {@link #withDims} changes the widths together.
 *
 * <h2>Weights</h2>
 * As Hugging Face initialises these models: linear and embedding weights {@code N(0, initStd²)}
 * ({@code initStd} 0.02 by default, the {@code init_std} / {@code initializer_range} of the configs);
 * norm weights {@code 1 + N(0, 0.05²)}; norm and linear biases {@code N(0, 0.02²)} (Hugging Face
 * starts them at exactly 1 and 0: the noise lets tests see a norm weight or a bias used wrongly).
 * Pre-LN (and post-LN) blocks keep the residual stream at a steady scale over layers.
 *
 * <h2>Planted sparsity ({@code activeFraction}, NaN = not planted)</h2>
 * The FFN input is a norm's output {@code x} whose squared length is close to
 * {@code d·(1 + 0.05² [+ 0.02² for LayerNorm's bias])} for every token, so a row {@code w ~ N(0, initStd²·I)}
 * drawn independently of {@code x} gives a pre-activation {@code w·x ~ N(0, σ²)} with
 * {@code σ = initStd·|x|} ({@link #ffnInputStd()}) whatever the token. Hence, with {@code Φ} the normal CDF:
 * <ul>
 *   <li>OPT: fc1 biases are {@code -sqrt(σ² + 0.02²)·Φ⁻¹(1 - f) + N(0, 0.02²)}: {@code P(fc1 > 0) = f};</li>
 *   <li>LLAMA {@code fatrelu}: the threshold {@code hidden_act_param = σ·Φ⁻¹(1 - f)}: {@code P(gate > t) = f};</li>
 *   <li>LLAMA {@code drelu}: a neuron fires when gate and up are both positive; its gate and up rows are
 *       drawn with correlation {@code ρ = sin(2π(f - 1/4))}, since for a bivariate normal
 *       {@code P(g > 0, u > 0) = 1/4 + asin(ρ)/(2π)}; so {@code 0 < f < 1/2};</li>
 *   <li>LLAMA {@code relu} (about half fire: there is no bias to move) and {@code silu} (dense) take no
 *       fraction.</li>
 * </ul>
 * The share is exact in expectation over the weights for any input; per token it varies (more with
 * clusters). {@code PlantedSparsityTest} measures it on the model's own hidden states.
 *
 * <h2>Planted co-activation ({@code clusters}, 0 = none)</h2>
 * Each layer's neurons are dealt into {@code clusters} groups of nearly equal size by a seeded shuffle
 * ({@link #clusterAssignment(int)}: members of a cluster are scattered over the neuron ids, so the
 * file order does not give them away). Neuron {@code i} of cluster {@code c} gets the row
 * {@code initStd·(sqrt(m)·u_c + sqrt(1 - m)·n_i)} with {@code u_c}, {@code n_i} standard normal vectors
 * and {@code m = clusterMixing} (0.5 by default): rows keep their {@code N(0, initStd²)} marginals (so
 * the planted share holds) and two neurons of a cluster have pre-activations correlated by {@code m},
 * so they tend to fire together. OPT clusters fc1 rows; LLAMA clusters gate rows and, with their own
 * directions, up rows.
 *
 * @param family            {@link Family#OPT} or {@link Family#LLAMA} (Llama, Mistral, Qwen2 layouts)
 * @param hiddenSize        model width d
 * @param intermediateSize  FFN width ({@code ffn_dim} for OPT)
 * @param numLayers         decoder layers
 * @param numHeads          attention heads
 * @param numKvHeads        key/value heads (LLAMA; fewer than {@code numHeads} is GQA; OPT: equal)
 * @param vocabSize         vocabulary size
 * @param maxPositions      {@code max_position_embeddings} (OPT stores {@code maxPositions + 2} learned rows)
 * @param hiddenAct         OPT {@code relu}; LLAMA {@code silu}, {@code relu}, {@code fatrelu}, {@code drelu}.
 *                          Set it before {@code activeFraction} (silu and relu refuse a fraction); a fatrelu
 *                          threshold given before is kept, else it is 0 until a fraction or
 *                          {@code hiddenActParam} sets it
 * @param hiddenActParam    fatrelu threshold t ({@code x > t ? x : 0}); computed from {@code activeFraction}
 *                          when that is set, 0 when neither is given; NaN for other activations
 * @param attentionBias     LLAMA: q, k, v biases (written as model_type {@code qwen2}; no o_proj bias); OPT: true
 * @param normEps           LLAMA {@code rms_norm_eps}; OPT: 1e-5 (hard-coded by OPT)
 * @param ropeTheta         LLAMA rotary base; ignored for OPT
 * @param ropeScaling       LLAMA Llama-3.1 frequency scaling, or null
 * @param tieWordEmbeddings LLAMA: no {@code lm_head.weight}, logits use the embedding; OPT: always true
 * @param doLayerNormBefore OPT: pre-LN (true) or post-LN as OPT-350m (false, no final norm); LLAMA: true
 * @param wordEmbedProjDim  OPT: embedding width; {@code project_in}/{@code project_out} when it differs
 *                          from {@code hiddenSize}; LLAMA: {@code hiddenSize}
 * @param seed              the model seed
 * @param initStd           standard deviation of linear and embedding weights
 * @param activeFraction    planted share of firing FFN neurons, or NaN
 * @param clusters          number of co-activation clusters per layer, 0 for none
 * @param clusterMixing     weight m of the shared cluster direction, in [0, 1)
 */
@RecordBuilder
public record SyntheticDecoder(
        Family family,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int vocabSize,
        int maxPositions,
        String hiddenAct,
        double hiddenActParam,
        boolean attentionBias,
        double normEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean tieWordEmbeddings,
        boolean doLayerNormBefore,
        int wordEmbedProjDim,
        long seed,
        double initStd,
        double activeFraction,
        int clusters,
        double clusterMixing)
        implements SyntheticDecoderBuilder.With {

    /** Standard deviation of the noise around 1 in norm weights. */
    static final double NORM_NOISE = 0.05;
    /** Standard deviation of norm and linear biases. */
    static final double BIAS_STD = 0.02;
    /** OPT's LayerNorm epsilon (not in its config; PyTorch's default). */
    static final double OPT_LAYER_NORM_EPS = 1e-5;

    private static final Set<String> LLAMA_ACTS = Set.of("silu", "relu", "fatrelu", "drelu");
    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    /**
     * The two layouts: OPT, and Llama (which covers Mistral and Qwen2; {@link #modelType()} says which).
     *
     * <pre>{@code SyntheticDecoder.tinyQwen2().family() == Family.LLAMA   // modelType() "qwen2"}</pre>
     */
    public enum Family {
        OPT,
        LLAMA
    }

    /**
     * Llama-3.1 RoPE scaling ({@code rope_scaling} with {@code rope_type: "llama3"}): wavelengths above
     * {@code originalMaxPositions / lowFreqFactor} are stretched by {@code factor}, those below
     * {@code originalMaxPositions / highFreqFactor} kept, and the band between interpolated.
     *
     * <pre>{@code new RopeScaling(8, 1, 4, 8192)   // Llama 3.1}</pre>
     */
    public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
        public RopeScaling {
            if (!(factor >= 1)
                    || !(lowFreqFactor > 0)
                    || !(highFreqFactor > lowFreqFactor)
                    || originalMaxPositions <= 0) {
                throw new IllegalArgumentException(
                        "rope scaling needs factor >= 1, 0 < low_freq_factor < high_freq_factor,"
                                + " original_max_position_embeddings > 0: " + factor + ", " + lowFreqFactor + ", "
                                + highFreqFactor
                                + ", " + originalMaxPositions);
            }
        }
    }

    public SyntheticDecoder {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(hiddenAct, "hiddenAct");
        hiddenAct = hiddenAct.toLowerCase(Locale.ROOT);
        require(
                hiddenSize > 0
                        && intermediateSize > 0
                        && numLayers > 0
                        && numHeads > 0
                        && numKvHeads > 0
                        && vocabSize > 0
                        && maxPositions > 0
                        && wordEmbedProjDim > 0,
                "sizes must be positive");
        require(
                hiddenSize % numHeads == 0,
                "hidden size " + hiddenSize + " is not a multiple of " + numHeads + " heads");
        require(
                numHeads % numKvHeads == 0,
                numHeads + " heads are not a multiple of " + numKvHeads + " key/value heads");
        require(initStd > 0 && Double.isFinite(initStd), "initStd must be positive: " + initStd);
        require(
                clusters >= 0 && clusters <= intermediateSize,
                "clusters must be in [0, " + intermediateSize + "]: " + clusters);
        require(clusterMixing >= 0 && clusterMixing < 1, "clusterMixing must be in [0, 1): " + clusterMixing);
        require(
                Double.isNaN(activeFraction) || (activeFraction > 0 && activeFraction < 1),
                "activeFraction must be NaN (not planted) or in (0, 1): " + activeFraction);
        if (family == Family.OPT) {
            require(hiddenAct.equals("relu"), "OPT uses relu, not " + hiddenAct);
            require(
                    numKvHeads == numHeads,
                    "OPT has no grouped-query attention: " + numKvHeads + " kv heads for " + numHeads);
            require(attentionBias, "OPT always has attention biases");
            require(tieWordEmbeddings, "OPT ties its LM head to the word embedding");
            require(normEps == OPT_LAYER_NORM_EPS, "OPT's LayerNorm eps is 1e-5, not " + normEps);
            require(ropeScaling == null, "OPT has learned positions, no rope scaling");
            hiddenActParam = Double.NaN;
        } else {
            require(
                    LLAMA_ACTS.contains(hiddenAct),
                    "LLAMA hiddenAct must be silu, relu, fatrelu or drelu: " + hiddenAct);
            require(doLayerNormBefore, "LLAMA models are pre-norm");
            require(
                    wordEmbedProjDim == hiddenSize,
                    "LLAMA has no embedding projection: wordEmbedProjDim must equal hiddenSize");
            require(
                    (hiddenSize / numHeads) % 2 == 0,
                    "rotary embeddings need an even head dim: " + hiddenSize / numHeads);
            require(ropeTheta > 1 && Double.isFinite(ropeTheta), "ropeTheta must be > 1: " + ropeTheta);
            require(normEps > 0, "normEps must be positive: " + normEps);
            switch (hiddenAct) {
                case "fatrelu" -> {
                    if (!Double.isNaN(activeFraction)) {
                        hiddenActParam = ffnInputStd(family, hiddenSize, initStd) * quantile(1 - activeFraction);
                    } else if (Double.isNaN(hiddenActParam)) {
                        hiddenActParam = 0; // no threshold given: plain ReLU until a fraction or threshold is set
                    }
                    require(Double.isFinite(hiddenActParam), "fatrelu threshold must be finite: " + hiddenActParam);
                }
                case "drelu" -> {
                    require(
                            Double.isNaN(activeFraction) || activeFraction < 0.5,
                            "drelu fires when gate and up are both positive: activeFraction must be below 1/2, not "
                                    + activeFraction);
                    hiddenActParam = Double.NaN;
                }
                default -> {
                    require(
                            Double.isNaN(activeFraction),
                            hiddenAct + " has no bias or threshold to plant a share of active"
                                    + " neurons (relu fires about half, silu all); use fatrelu or drelu");
                    hiddenActParam = Double.NaN;
                }
            }
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static double quantile(double p) {
        return STANDARD_NORMAL.inverseCumulativeProbability(p);
    }

    // ---------------------------------------------------------------- presets

    /** OPT-125m's shape: 12 layers, 768/3072, 12 heads, vocab 50272, 2048 positions, pre-LN. */
    public static SyntheticDecoder opt125m() {
        return opt(12, 768, 3072, 12, 50272, 2048, true, 768);
    }

    /** OPT-350m's shape: 24 layers, 1024/4096, 16 heads, post-LN, 512-wide embeddings with project_in/out. */
    public static SyntheticDecoder opt350m() {
        return opt(24, 1024, 4096, 16, 50272, 2048, false, 512);
    }

    /**
     * A smaller model in OPT-350m's style: post-LN (no final norm), embeddings {@code wordEmbedProjDim} wide
     * projected in and out, FFN {@code 4·hiddenSize}, 2048 positions.
     */
    public static SyntheticDecoder opt350mLike(
            int numLayers, int hiddenSize, int numHeads, int wordEmbedProjDim, int vocabSize) {
        return opt(numLayers, hiddenSize, 4 * hiddenSize, numHeads, vocabSize, 2048, false, wordEmbedProjDim);
    }

    /** Any pre-LN OPT shape (relu, biases, tied head, no projection). */
    public static SyntheticDecoder opt(
            int numLayers, int hiddenSize, int ffnDim, int numHeads, int vocabSize, int maxPositions) {
        return opt(numLayers, hiddenSize, ffnDim, numHeads, vocabSize, maxPositions, true, hiddenSize);
    }

    private static SyntheticDecoder opt(
            int layers, int hidden, int ffn, int heads, int vocab, int positions, boolean preLn, int proj) {
        return new SyntheticDecoder(
                Family.OPT,
                hidden,
                ffn,
                layers,
                heads,
                heads,
                vocab,
                positions,
                "relu",
                Double.NaN,
                true,
                OPT_LAYER_NORM_EPS,
                10000.0,
                null,
                true,
                preLn,
                proj,
                0L,
                0.02,
                Double.NaN,
                0,
                0.5);
    }

    /**
     * A Llama-shaped model: SiLU gated FFN, RMSNorm eps 1e-5, RoPE theta 10000, 4096 positions, untied
     * head, no biases.
     */
    public static SyntheticDecoder llama(
            int numLayers, int hiddenSize, int intermediateSize, int numHeads, int numKvHeads, int vocabSize) {
        return new SyntheticDecoder(
                Family.LLAMA,
                hiddenSize,
                intermediateSize,
                numLayers,
                numHeads,
                numKvHeads,
                vocabSize,
                4096,
                "silu",
                Double.NaN,
                false,
                1e-5,
                10000.0,
                null,
                false,
                true,
                hiddenSize,
                0L,
                0.02,
                Double.NaN,
                0,
                0.5);
    }

    /** Llama-2-7B's shape: 32 layers, 4096/11008, 32 heads, vocab 32000, 4096 positions. */
    public static SyntheticDecoder llama2_7b() {
        return llama(32, 4096, 11008, 32, 32, 32000);
    }

    /** Llama-3.1-8B's shape: 4096/14336, 32/8 heads, vocab 128256, theta 500000, llama3 rope scaling (8, 1, 4, 8192). */
    public static SyntheticDecoder llama31_8b() {
        return llama(32, 4096, 14336, 32, 8, 128256)
                .withMaxPositions(131072)
                .withRopeTheta(500000.0)
                .withRopeScaling(new RopeScaling(8, 1, 4, 8192));
    }

    /** Qwen2.5-0.5B's shape: 24 layers, 896/4864, 14/2 heads, q/k/v biases, tied, vocab 151936, eps 1e-6, theta 1e6. */
    public static SyntheticDecoder qwen2_0_5b() {
        return llama(24, 896, 4864, 14, 2, 151936)
                .withAttentionBias(true)
                .withTieWordEmbeddings(true)
                .withNormEps(1e-6)
                .withRopeTheta(1_000_000.0)
                .withMaxPositions(32768);
    }

    /** Unit-test OPT: 2 layers, hidden 64, ffn 256, 4 heads, vocab 512, 64 positions, pre-LN. */
    public static SyntheticDecoder tinyOpt() {
        return opt(2, 64, 256, 4, 512, 64);
    }

    /** Unit-test OPT in OPT-350m's style: post-LN, 32-wide embeddings projected in and out. */
    public static SyntheticDecoder tinyOptPostLn() {
        return opt(2, 64, 256, 4, 512, 64, false, 32);
    }

    /** Unit-test Llama: 2 layers, hidden 64, ffn 256, 4 heads / 2 kv heads, vocab 512, 128 positions, untied. */
    public static SyntheticDecoder tinyLlama() {
        return llama(2, 64, 256, 4, 2, 512).withMaxPositions(128);
    }

    /** Unit-test Qwen2: {@link #tinyLlama()} with q/k/v biases, tied head, eps 1e-6, theta 1e6. */
    public static SyntheticDecoder tinyQwen2() {
        return tinyLlama()
                .withAttentionBias(true)
                .withTieWordEmbeddings(true)
                .withNormEps(1e-6)
                .withRopeTheta(1_000_000.0);
    }

    // ---------------------------------------------------------------- copies

    /**
     * New widths and heads; an OPT model without projection and a LLAMA model keep
     * {@code wordEmbedProjDim == hiddenSize}.
     */
    public SyntheticDecoder withDims(int hidden, int intermediate, int heads, int kvHeads) {
        int proj = wordEmbedProjDim == hiddenSize ? hidden : wordEmbedProjDim;
        return with(b -> b.hiddenSize(hidden)
                .intermediateSize(intermediate)
                .numHeads(heads)
                .numKvHeads(kvHeads)
                .wordEmbedProjDim(proj));
    }

    // ---------------------------------------------------------------- derived

    /** {@code hiddenSize / numHeads}. */
    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** The {@code model_type} written: {@code opt}, {@code qwen2} (LLAMA with attention biases) or {@code llama}. */
    public String modelType() {
        return family == Family.OPT ? "opt" : attentionBias ? "qwen2" : "llama";
    }

    /** The {@code architectures} entry: {@code OPTForCausalLM}, {@code Qwen2ForCausalLM} or {@code LlamaForCausalLM}. */
    public String architecture() {
        return switch (modelType()) {
            case "opt" -> "OPTForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            default -> "LlamaForCausalLM";
        };
    }

    /** OPT 2; Qwen2 151643 and Llama 3 128000 when the vocabulary holds them; else 1 (Llama 2). */
    public int bosTokenId() {
        return specialTokenId(151643, 128000, 1);
    }

    /** OPT 2; Qwen2 151645 and Llama 3 128001 when the vocabulary holds them; else 2 (Llama 2). */
    public int eosTokenId() {
        return specialTokenId(151645, 128001, 2);
    }

    /** OPT's 2 (its bos and eos), else the id of the model whose vocabulary this one is large enough to be. */
    private int specialTokenId(int qwen2, int llama3, int llama2) {
        if (family == Family.OPT) {
            return 2;
        }
        if (attentionBias && vocabSize > 151645) {
            return qwen2;
        }
        return vocabSize >= 128256 ? llama3 : llama2;
    }

    /**
     * The standard deviation σ of an FFN pre-activation (fc1 or gate row times the FFN input, before bias):
     * {@code initStd·sqrt(d·(1 + 0.05² [+ 0.02²]))}, the input being a LayerNorm (OPT, with bias) or RMSNorm
     * (LLAMA) output of width d = hiddenSize.
     */
    public double ffnInputStd() {
        return ffnInputStd(family, hiddenSize, initStd);
    }

    private static double ffnInputStd(Family family, int hidden, double initStd) {
        double perElement = 1 + NORM_NOISE * NORM_NOISE + (family == Family.OPT ? BIAS_STD * BIAS_STD : 0);
        return initStd * Math.sqrt(hidden * perElement);
    }

    /** OPT: the mean of the fc1 biases, {@code -sqrt(σ² + 0.02²)·Φ⁻¹(1 - f)}; 0 when no fraction is planted. */
    public double fc1BiasShift() {
        if (family != Family.OPT || Double.isNaN(activeFraction)) {
            return 0;
        }
        double s = ffnInputStd();
        return -Math.sqrt(s * s + BIAS_STD * BIAS_STD) * quantile(1 - activeFraction);
    }

    /** LLAMA drelu: the correlation of each neuron's gate and up rows, {@code sin(2π(f - 1/4))}; else 0. */
    public double gateUpCorrelation() {
        if (family != Family.LLAMA || !hiddenAct.equals("drelu") || Double.isNaN(activeFraction)) {
            return 0;
        }
        return Math.sin(2 * Math.PI * (activeFraction - 0.25));
    }

    /** Number of parameters over all tensors written (a tied head counts once). */
    public long parameterCount() {
        long n = 0;
        for (SyntheticTensors.Planned t : SyntheticTensors.plan(this)) {
            n += t.elements();
        }
        return n;
    }

    /**
     * Neuron → cluster for one layer's FFN (a seeded shuffle dealt into {@code clusters} nearly equal
     * groups; the same for every layer's gate, up and fc1 rows of that layer); an empty array when
     * {@code clusters == 0}.
     */
    public int[] clusterAssignment(int layer) {
        if (layer < 0 || layer >= numLayers) {
            throw new IndexOutOfBoundsException("layer " + layer + " of " + numLayers);
        }
        if (clusters == 0) {
            return new int[0];
        }
        int n = intermediateSize;
        Gaussians rng = new Gaussians(Gaussians.key(seed, "layer " + layer + " clusters"));
        int[] order = Permutations.random(n, rng::nextInt);
        int[] cluster = new int[n];
        for (int k = 0; k < n; k++) {
            cluster[order[k]] = (int) ((long) k * clusters / n);
        }
        return cluster;
    }

    /**
     * The specification recorded by {@link SyntheticDecoderWriter} in a checkpoint's {@code config.json}
     * (its {@code ripple_synthetic} label), or empty when the directory holds no generated model.
     *
     * <pre>{@code
     * SyntheticDecoder spec = SyntheticDecoder.fromCheckpoint(dir).orElseThrow();   // the seed, sparsity, clusters...
     * }</pre>
     */
    public static Optional<SyntheticDecoder> fromCheckpoint(Path dir) throws IOException {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return Optional.empty();
        }
        JsonNode c = new ObjectMapper().readTree(config.toFile());
        JsonNode label = c.path(SyntheticDecoderWriter.LABEL);
        if (!label.isObject()) {
            return Optional.empty();
        }
        JsonNode spec = label.path("spec");
        RopeScaling scaling = null;
        if (spec.path("rope_scaling").isObject()) {
            JsonNode r = spec.get("rope_scaling");
            scaling = new RopeScaling(
                    r.path("factor").asDouble(),
                    r.path("low_freq_factor").asDouble(),
                    r.path("high_freq_factor").asDouble(),
                    r.path("original_max_position_embeddings").asInt());
        }
        return Optional.of(new SyntheticDecoder(
                Family.valueOf(spec.path("family").asText()),
                spec.path("hidden_size").asInt(),
                spec.path("intermediate_size").asInt(),
                spec.path("num_layers").asInt(),
                spec.path("num_heads").asInt(),
                spec.path("num_kv_heads").asInt(),
                spec.path("vocab_size").asInt(),
                spec.path("max_positions").asInt(),
                spec.path("hidden_act").asText(),
                nan(spec.path("hidden_act_param")),
                spec.path("attention_bias").asBoolean(),
                spec.path("norm_eps").asDouble(),
                spec.path("rope_theta").asDouble(),
                scaling,
                spec.path("tie_word_embeddings").asBoolean(),
                spec.path("do_layer_norm_before").asBoolean(),
                spec.path("word_embed_proj_dim").asInt(),
                spec.path("seed").asLong(),
                spec.path("init_std").asDouble(),
                nan(spec.path("active_fraction")),
                spec.path("clusters").asInt(),
                spec.path("cluster_mixing").asDouble()));
    }

    private static double nan(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
