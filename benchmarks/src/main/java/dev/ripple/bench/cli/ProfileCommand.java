package dev.ripple.bench.cli;

import dev.ripple.bench.harness.Profiling;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.placement.profile.PassageTokenizer;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.synthetic.GeneratedWeights;
import dev.ripple.placement.trace.TraceFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ripple profile}: record which FFN neurons fire, per token and layer, with ONNX Runtime. */
@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        description =
                "Run a model on text and record the active FFN neurons of every token and layer under an activity "
                        + "rule, into a trace file: ONNX encoders with ONNX Runtime, decoders with the Java forward.")
final class ProfileCommand implements Callable<Integer> {
    @Mixin
    WorkOptions run;

    @Mixin
    ModelInputs inputs;

    @Option(
            names = "--split",
            defaultValue = "calibration",
            description = "which part of the text: calibration, heldout or all (default: ${DEFAULT-VALUE})")
    String split;

    @Option(
            names = "--heldout-fraction",
            defaultValue = "0.5",
            description = "share of lines held out (default: ${DEFAULT-VALUE})")
    double heldOutFraction;

    @Option(
            names = "--max-tokens",
            defaultValue = "" + ProfileOptions.DEFAULT_MAX_TOKENS,
            description = "stop after this many tokens (default: ${DEFAULT-VALUE})")
    long maxTokens;

    @Option(
            names = "--max-length",
            defaultValue = "" + ProfileOptions.DEFAULT_MAX_SEQUENCE_LENGTH,
            paramLabel = "N",
            description = "tokens per passage at most, special tokens included; a longer line is cut and the rest of"
                    + " it not profiled (ONNX encoders: at most " + PassageTokenizer.MODEL_MAX_LENGTH
                    + "; decoders: at most the"
                    + " model's context) (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Mixin
    RuleOptions rule;

    @Option(names = "--threshold", description = "shorthand for --rule 'act > t'")
    Float threshold;

    @Option(
            names = "--out",
            converter = PathArguments.OutputFile.class,
            required = true,
            paramLabel = "TRACE",
            description = "trace file to write")
    Path out;

    @Option(
            names = "--ahead-moments",
            description = "decoders: also record each layer input with its FFN input, so that 'ripple place' writes"
                    + " a predictor for the read-ahead (-Dripple.readahead=true, PERFORMANCE.md §17(b)); on by default"
                    + " when this run reads ahead")
    boolean aheadMoments;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("--max-tokens must be positive");
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException(
                    "--max-length must be at least 2 (a passage holds its special tokens), got " + maxLength);
        }
        if (!inputs.decoder()) {
            OptionValues.requireNotGiven(spec, "decoders only: an ONNX encoder has no read-ahead", "--ahead-moments");
            if (maxLength > PassageTokenizer.MODEL_MAX_LENGTH) {
                throw new IllegalArgumentException("--max-length " + maxLength + ": an ONNX encoder is profiled on at"
                        + " most " + PassageTokenizer.MODEL_MAX_LENGTH + " tokens per passage");
            }
        }
        ActivityRule r = rule();
        PathArguments.requireUsableOutput(inputs.files(), "--out", out);
        int enough = passagesEnough(maxTokens, heldOutFraction, split);
        Corpus corpus = inputs.corpus(heldOutFraction, enough);
        List<String> passages = corpus.part(split); // an empty split is refused before the model is prepared
        boolean decoder = inputs.decoder();
        if (decoder) {
            DecoderText.requireTokenizer(inputs.model, inputs.tokenizer);
        }
        Path model =
                decoder ? DecoderText.prepare(inputs.model, run.work, run.quiet).file() : inputs.onnx(run.work);
        Path tokenizer = decoder ? inputs.tokenizer : inputs.tokenizer(run.work);
        ProfileOptions options = ProfileOptions.defaults()
                .withRule(r)
                .withMaxTokens(maxTokens)
                .withMaxSequenceLength(maxLength)
                .withAheadMoments(aheadMoments || ProfileOptions.defaults().aheadMoments());
        ProfileResult result = Profiling.profile(
                model, tokenizer, passages, corpus.name() + ", " + split, options, CliProgress.harness(run.quiet));
        if (result.tokens() < maxTokens
                && corpus.calibration().size() + corpus.heldOut().size() == enough) {
            // passages that made no token (a line the tokenizer drops whole): the rest of the text is needed
            corpus = inputs.corpus(heldOutFraction);
            passages = corpus.part(split);
            result = Profiling.profile(
                    model, tokenizer, passages, corpus.name() + ", " + split, options, CliProgress.harness(run.quiet));
        }
        if (result.tokens() == 0) {
            throw new IllegalArgumentException(corpus.name() + ": the " + passages.size() + " passages of the " + split
                    + " split gave no tokens to profile; nothing written to " + out);
        }
        TraceFiles.write(out, result.trace());
        PlacementText.profile(
                spec.commandLine().getOut(),
                result,
                out,
                GeneratedWeights.suffix(decoder && GeneratedWeights.of(inputs.model)));
        ProfileResult.Cut cut = result.cut();
        if (cut.passages() > 0 && cut.length() < maxLength) {
            spec.commandLine()
                    .getOut()
                    .printf("--max-length %d was lowered to the model's context, %d tokens%n", maxLength, cut.length());
        }
        int lines = corpus.calibration().size() + corpus.heldOut().size();
        if (!split.equals("all") && result.tokens() < maxTokens && passages.size() < lines) {
            // a short text of one's own: say that only a part of its lines was run, and how to run all
            spec.commandLine()
                    .getOut()
                    .printf(
                            "the text ran out before --max-tokens %d: the %s split holds %d of the %d passages of %s"
                                    + " (--split all profiles every line)%n",
                            maxTokens, split, passages.size(), lines, corpus.name());
        }
        return 0;
    }

    /**
     * Passages of the text whose {@code split} holds {@code maxTokens} passages, which give at least
     * as many tokens (a profiled passage gives one at least): all that profiling can reach, read
     * instead of the whole text, whose size set the time and heap however few tokens were asked for
     * (1.3 GB resident for a 167 MB text and 300 tokens). The held-out split holds
     * {@code floor(n·f)} of the first {@code n}. The all split lists the calibration passages
     * first, so it needs as many lines as the calibration split: with {@code n} lines alone it ran
     * out of calibration passages (at a high fraction) and went on into held-out ones, profiling
     * other passages than the whole text's all split.
     */
    static int passagesEnough(long maxTokens, double heldOutFraction, String split) {
        double share = switch (split) {
            case "all", "calibration" -> 1 - heldOutFraction;
            case "heldout" -> heldOutFraction;
            default -> 0; // refused by Corpus.part, naming the choices
        };
        return share <= 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, Math.ceil(maxTokens / share) + 1);
    }

    /** The rule given by --rule or --threshold, or null for the model's default. */
    private ActivityRule rule() {
        if (rule.text != null && threshold != null) {
            throw new IllegalArgumentException("give --rule or --threshold, not both");
        }
        return threshold != null ? ActivityRule.parse("act > " + threshold) : rule.rule();
    }
}
