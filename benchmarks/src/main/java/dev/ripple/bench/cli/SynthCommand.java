package dev.ripple.bench.cli;

import dev.ripple.bench.harness.InvalidBenchSettingsException;
import dev.ripple.bench.harness.SyntheticCheckpoint;
import dev.ripple.bench.harness.SyntheticGguf;
import dev.ripple.bench.harness.SyntheticVocabulary;
import dev.ripple.bench.harness.WrittenWorkload;
import dev.ripple.core.Labels;
import dev.ripple.io.Sizes;
import dev.ripple.placement.importer.gguf.GgmlType;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple synth}: a generated decoder checkpoint (random weights at a real model's shape,
 * Hugging Face names and config.json), with a real tokenizer beside it so that text runs through
 * it, and optionally its ONNX Runtime reference graph. No real decoder weights can be downloaded
 * where this project is built and tested; every figure measured on such a model must say
 * "generated weights" (docs/SYNTHETIC.md).
 */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description =
                "Write a generated decoder checkpoint (random weights, a real model's shape, Hugging Face names) with "
                        + "a real tokenizer beside it, or a GGUF file of it (--format gguf): for tests and benchmarks where no real "
                        + "decoder can be downloaded.")
final class SynthCommand implements Callable<Integer> {
    @Option(
            names = "--preset",
            description = "the shape: ${COMPLETION-CANDIDATES}",
            completionCandidates = Presets.class)
    String preset;

    @Option(
            names = "--workload",
            paramLabel = "SHAPE",
            description =
                    "instead of a checkpoint, a synthetic workload at the papers' "
                            + "scale: an FFN-only model file and activation traces in the shape opt-6.7b (or tiny), --layers layers (default 8), "
                            + "--active share active (default 0.05); every figure from it is labelled 'synthetic workload' (docs/SYNTHETIC.md)")
    String workload;

    @Option(
            names = "--calibration-tokens",
            description = "with --workload: tokens of the calibration trace (default: 4000)")
    Integer calibrationTokens;

    @Option(names = "--heldout-tokens", description = "with --workload: tokens of the held-out trace (default: 400)")
    Integer heldOutTokens;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR|FILE",
            description = "the checkpoint or workload directory to write (with --format gguf: the .gguf file)")
    Path out;

    @Option(
            names = "--format",
            defaultValue = "safetensors",
            description =
                    "safetensors (a Hugging Face checkpoint directory) or gguf (one llama.cpp file, Llama shapes) "
                            + "(default: ${DEFAULT-VALUE})")
    String formatName;

    @Option(
            names = "--layers",
            description = "keep only this many layers, at most the preset's (a smaller model of the same width); "
                    + "with --workload 1 to 32 (default 8)")
    Integer layers;

    @Option(names = "--vocab", description = "vocabulary size (default: the preset's; at least the tokenizer's)")
    Integer vocab;

    @Option(names = "--positions", description = "longest context (default: the preset's)")
    Integer positions;

    @Option(names = "--hidden-act", description = "llama family: silu, relu, fatrelu or drelu (default: the preset's)")
    String hiddenAct;

    @Option(names = "--active", description = "plant this share of active FFN neurons (relu OPT, fatrelu, drelu)")
    Double active;

    @Option(
            names = "--clusters",
            defaultValue = "0",
            description = "groups of neurons that fire together (default: none)")
    int clusters;

    @Option(
            names = "--dtype",
            defaultValue = "f16",
            description =
                    "f32, f16 or bf16; with --format gguf the matrices' type: f32, f16, q8_0 or q4_0 (default: ${DEFAULT-VALUE})")
    String dtypeName;

    @Option(names = "--shards", defaultValue = "1", description = "safetensors shards (default: ${DEFAULT-VALUE})")
    int shards;

    @Option(names = "--seed", defaultValue = "1", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--tokenizer",
            description = "gpt2, llama2, llama3 or none (default: gpt2 for OPT, llama2 or llama3 by vocabulary size)")
    String tokenizer;

    @Option(
            names = "--onnx",
            converter = PathArguments.OutputFile.class,
            paramLabel = "FILE",
            description = "also export the ONNX Runtime reference graph (models up to ~500M parameters)")
    Path onnx;

    @Option(names = "--quiet", description = "no progress bars or step lines")
    boolean quiet;

    @Spec
    CommandSpec spec;

    /** The vocabulary size the preset's was grown to for the tokenizer, 0 when it was kept. */
    private int grownTo;

    /** The most layers of a --workload. */
    static final int WORKLOAD_LAYERS = 32;

    /** The largest --vocab and --positions taken: above any real model's (Llama 3's 128,256; 131,072), below a typo's. */
    static final int MAX_SIZE = 1 << 20;

    static final class Presets implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return SyntheticCheckpoint.presets().iterator();
        }
    }

    /** What {@code --format} writes, and the weight types each takes. */
    enum Format {
        SAFETENSORS(EnumSet.of(WeightType.F32, WeightType.F16, WeightType.BF16)),
        GGUF(EnumSet.of(WeightType.F32, WeightType.F16, WeightType.Q8_0, WeightType.Q4_0));

        private final Set<WeightType> types;

        Format(Set<WeightType> types) {
            this.types = types;
        }

        /** The format {@code --format} names, in any case, or the error every choice of the CLI gives. */
        static Format parse(String label) {
            return Labels.findIgnoringCase(values(), Format::toString, label, "format");
        }

        /** A one-line error naming the types this format takes, unless it takes {@code type}. */
        void requireWrites(WeightType type) {
            if (!types.contains(type)) {
                throw new IllegalArgumentException("--dtype " + type + " is not written to " + this + " ("
                        + String.join(
                                ", ", types.stream().map(WeightType::toString).toList()) + ")");
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The weights' type as {@code --dtype} spells it; which of them a format writes is {@link Format}'s. */
    enum WeightType {
        F32,
        F16,
        BF16,
        Q8_0,
        Q4_0;

        /** The type {@code --dtype} names, in any case, or the error every choice of the CLI gives. */
        static WeightType parse(String label) {
            return Labels.findIgnoringCase(values(), WeightType::toString, label, "dtype");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if ((preset == null) == (workload == null)) {
            throw new IllegalArgumentException(
                    "give --preset (a decoder checkpoint) or --workload (a synthetic workload), one of them");
        }
        requireUsed();
        Format format = Format.parse(formatName);
        WeightType dtype = WeightType.parse(dtypeName);
        requireOutPlace(workload == null && format == Format.GGUF);
        if (workload != null) {
            printWorkload(o, WrittenWorkload.write(workloadSpec(), out, CliProgress.harness(quiet)));
            return 0;
        }
        format.requireWrites(dtype);
        if (format == Format.GGUF && (shards != 1 || onnx != null)) {
            throw new IllegalArgumentException("--shards and --onnx apply to --format safetensors");
        }
        try {
            write(o, format, dtype);
        } catch (InvalidBenchSettingsException e) {
            throw new IllegalArgumentException(e.describe(SyntheticCheckpoint.Input.class, SynthCommand::option), e);
        }
        return 0;
    }

    /** Refuses, by name, the options of the other kind of output: a checkpoint's, or a workload's. */
    private void requireUsed() {
        if (workload != null) {
            OptionValues.requireNotGiven(
                    spec,
                    "only with --preset, for a checkpoint; a --workload is an FFN-only model file in its shape's"
                            + " bundle type and traces (--layers, --active, --seed and the token counts set it)",
                    "--format",
                    "--dtype",
                    "--vocab",
                    "--positions",
                    "--hidden-act",
                    "--clusters",
                    "--shards",
                    "--tokenizer",
                    "--onnx");
        } else {
            OptionValues.requireNotGiven(
                    spec,
                    "only with --workload, whose traces they size; a --preset checkpoint has no traces",
                    "--calibration-tokens",
                    "--heldout-tokens");
        }
    }

    /**
     * Refuses an {@code --out} of the wrong kind before anything is generated: a file where a
     * checkpoint or workload directory goes (synth writes into a directory and never replaces a
     * file with one), or a directory where the {@code .gguf} file goes.
     */
    private void requireOutPlace(boolean file) {
        if (file && Files.isDirectory(out)) {
            throw new IllegalArgumentException(
                    "--out " + out + ": is a directory; with --format gguf give the .gguf file to write");
        }
        if (!file && Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + ": already exists and is a file, not a directory "
                    + "(synth writes a checkpoint directory): remove it or pick another --out");
        }
    }

    /** The option that gives each input of {@link SyntheticCheckpoint}. */
    private static String option(SyntheticCheckpoint.Input input) {
        return switch (input) {
            case PRESET -> "--preset";
            case VOCABULARY -> "--tokenizer";
            case VOCAB_SIZE -> "--vocab";
        };
    }

    /** Writes the decoder in {@code format} and says what was written. */
    private void write(PrintWriter o, Format format, WeightType dtype) throws IOException {
        SyntheticDecoder s = decoder();
        switch (format) {
            case SAFETENSORS -> {
                SyntheticVocabulary vocabulary =
                        tokenizer != null ? SyntheticVocabulary.parse(tokenizer) : SyntheticVocabulary.forShape(s);
                int tokens = SyntheticCheckpoint.tokens(vocabulary);
                if (vocab == null && tokens > s.vocabSize()) {
                    // a small preset (tiny-opt: 512) takes its tokenizer's size unless --vocab says otherwise
                    s = s.withVocabSize(tokens);
                    grownTo = tokens;
                }
                printCheckpoint(o, s, dtype, SyntheticCheckpoint.write(s, out, dtype.name(), shards, vocabulary, onnx));
            }
            case GGUF -> {
                SyntheticVocabulary vocabulary =
                        tokenizer != null ? SyntheticVocabulary.parse(tokenizer) : SyntheticVocabulary.LLAMA2;
                String name = preset + (layers != null ? "-" + layers + "l" : "");
                SyntheticGguf g;
                try {
                    g = SyntheticGguf.write(s, out, GgmlType.valueOf(dtype.name()), vocabulary, name);
                } catch (SyntheticGguf.VocabularySizeException e) {
                    throw new IllegalArgumentException(
                            e.mismatch() + " (use --vocab " + e.tokens() + " or --tokenizer none)", e);
                }
                printGguf(o, s, g);
            }
        }
    }

    /** What was written, said the same way for every format: the file, the seed and the shape. */
    private String wrote(SyntheticDecoder s) {
        return String.format(
                Locale.ROOT,
                "wrote %s: generated weights (seed %d) in the shape of %s%s%s, %,d parameters",
                out,
                seed,
                preset,
                layers != null ? " cut to " + layers + " layers" : "",
                grownTo > 0 ? " with its tokenizer's vocabulary of " + grownTo : "",
                s.parameterCount());
    }

    /** {@code --format safetensors}: the checkpoint, its type and tokenizer, and the ONNX graph if asked. */
    private void printCheckpoint(PrintWriter o, SyntheticDecoder s, WeightType dtype, SyntheticCheckpoint c) {
        o.printf(
                "%s, %s%s%n",
                wrote(s),
                dtype,
                c.tokenizerSize() == 0
                        ? ", no tokenizer (run it with --prompt-ids)"
                        : ", tokenizer " + c.vocabulary().label() + " (" + c.tokenizerSize() + " tokens)");
        if (onnx != null) {
            o.printf("wrote %s: the same weights as an ONNX graph with a KV cache, for ONNX Runtime%n", onnx);
        }
    }

    /** {@code --format gguf}: the file, its matrices' type, size and vocabulary. */
    private void printGguf(PrintWriter o, SyntheticDecoder s, SyntheticGguf g) {
        o.printf(
                "%s, GGUF %s matrices, %s%s%n",
                wrote(s),
                g.type(),
                Sizes.bytes(g.sizeBytes()),
                g.vocabularySize() == 0
                        ? ", no vocabulary (run it with --prompt-ids)"
                        : ", vocabulary llama2 (" + g.vocabularySize() + " tokens)");
    }

    /** The preset's shape with the options' changes. */
    private SyntheticDecoder decoder() {
        SyntheticDecoder s = SyntheticCheckpoint.preset(preset).withSeed(seed);
        if (layers != null) {
            // the help promises a smaller model: more layers than the preset's would only grow the file
            requireIn("--layers", layers, 1, s.numLayers(), "the layers of " + preset);
            s = s.withNumLayers(layers);
        }
        if (vocab != null) {
            requireIn("--vocab", vocab, 1, MAX_SIZE, null);
            s = s.withVocabSize(vocab);
        }
        if (positions != null) {
            requireIn("--positions", positions, 1, MAX_SIZE, null);
            s = s.withMaxPositions(positions);
        }
        requireIn("--clusters", clusters, 0, s.intermediateSize(), "the FFN width of " + preset);
        if (hiddenAct != null && !(s.family() == SyntheticDecoder.Family.OPT && hiddenAct.equals("relu"))) {
            s = s.withHiddenAct(hiddenAct); // OPT is always relu
        }
        if (active != null) {
            s = s.withActiveFraction(activeShare());
        }
        if (clusters > 0) {
            s = s.withClusters(clusters);
        }
        return s;
    }

    /** A one-line error naming {@code option} unless {@code value} is in {@code min..max} ({@code why} the bound, or null). */
    private static void requireIn(String option, int value, int min, int max, String why) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be in " + min + ".." + max
                    + (why == null ? "" : " (" + why + ")") + ", got " + value);
        }
    }

    /**
     * {@code --active}, given: a share strictly between 0 and 1. The decoder's API reads NaN as "not
     * planted", so a NaN typed here would silently write a model without the sparsity asked for.
     */
    private double activeShare() {
        if (!(active > 0 && active < 1)) {
            throw new IllegalArgumentException("--active must be a share in (0, 1), got " + active);
        }
        return active;
    }

    private SyntheticWorkload.Spec workloadSpec() {
        if (layers != null) {
            // OPT-6.7B's own count, which the tiny shape mirrors: a layer of opt-6.7b's is 400 MB of bundles
            requireIn("--layers", layers, 1, WORKLOAD_LAYERS, "the layers of OPT-6.7B");
        }
        SyntheticWorkload.Spec w = SyntheticWorkload.Spec.preset(workload, layers != null ? layers : 8)
                .withSeed(seed);
        if (active != null) {
            w = w.withActiveFraction(activeShare());
        }
        int most = maxWorkloadTokens(w);
        if (calibrationTokens != null) {
            requireIn("--calibration-tokens", calibrationTokens, 1, most, TOKENS_WHY);
        }
        if (heldOutTokens != null) {
            requireIn("--heldout-tokens", heldOutTokens, 1, most, TOKENS_WHY);
        }
        return w.withTokens(
                calibrationTokens != null ? calibrationTokens : w.calibrationTokens(),
                heldOutTokens != null ? heldOutTokens : w.heldOutTokens());
    }

    /**
     * The most planted activations (tokens x layers x active neurons, expected) a --workload trace
     * may hold: the traces are generated and held in memory, so their size must be bounded before
     * they start; the default opt-6.7b workload's two traces expect about 29 M (4,400 tokens x 8
     * layers x 5% of 16,384). Without it, {@code --calibration-tokens 2147483647} ran on until the
     * heap or the disk gave out.
     */
    static final long MAX_TRACE_ACTIVATIONS = 1L << 28;

    private static final String TOKENS_WHY = "the traces are generated in memory: at most 2^28 planted activations";

    /** The most tokens a trace of {@code w} may have within {@link #MAX_TRACE_ACTIVATIONS}. */
    private static int maxWorkloadTokens(SyntheticWorkload.Spec w) {
        long perToken = Math.max(1, Math.round(w.layers() * (double) w.dFfn() * w.activeFraction()));
        return (int) Math.min(Integer.MAX_VALUE, MAX_TRACE_ACTIVATIONS / perToken);
    }

    /** {@code --workload}: the files, then the first layer's activity against the papers' figures. */
    private void printWorkload(PrintWriter o, WrittenWorkload written) {
        SyntheticWorkload.Spec w = written.spec();
        o.printf(
                Locale.ROOT,
                "wrote %s: %s (generated weights and activity), %s-shaped FFN, %d layers x %d x %d, %s bundles of %d B, "
                        + "%s of FFN weights; %d calibration and %d held-out tokens%n",
                written.dir(),
                SyntheticWorkload.LABEL,
                w.name(),
                w.layers(),
                w.dModel(),
                w.dFfn(),
                w.dtype().label(),
                w.layer(0).bundleBytes(),
                Sizes.bytes(w.ffnBytes()),
                w.calibrationTokens(),
                w.heldOutTokens());
        o.printf(
                "layer 0 of the %s:%n%s%n",
                SyntheticWorkload.LABEL, written.layer0().describe());
    }
}
