package dev.ripple.bench.cli;

import dev.ripple.bench.harness.ModelPolicies;
import dev.ripple.bench.harness.QuickCalibration;
import dev.ripple.bench.harness.WorkloadBench;
import dev.ripple.bench.harness.WorkloadPolicies;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple policies}: the cache policies side by side at one placement and one DRAM budget, on
 * held-out tokens, with measured direct I/O. Profiling, placement and the LFU seed come from the
 * calibration split only; the held-out split is only replayed. Every policy replays the same tokens
 * from a cold cache in each of {@code --repeats} rounds, the order rotated per round so that no
 * policy always runs first or last; timing is reported as the median of the repeats with min and
 * max (the machine is shared), next to the operation counts and the device cost model's time for
 * the same reads, which do not depend on noise.
 */
@Command(
        name = "policies",
        mixinStandardHelpOptions = true,
        description =
                "Replay held-out tokens under each cache policy at the same DRAM budget and placement, through "
                        + "the reader of --reader (default direct), repeated in rotating rounds; report I/O time, operations, bytes, hits and modelled time per token.")
final class PoliciesCommand implements Callable<Integer> {
    @Mixin
    IoOptions io;

    @Mixin
    WorkOptions run;

    @Mixin
    ModelInputs inputs;

    @Option(names = "--rule", defaultValue = "act > 0.5", description = "activity rule (default: ${DEFAULT-VALUE})")
    String rule;

    @Option(
            names = "--calibration-tokens",
            defaultValue = "10000",
            description = "tokens profiled for placement and the LFU seed (default: ${DEFAULT-VALUE})")
    long calibrationTokens;

    @Option(
            names = "--tokens",
            defaultValue = "300",
            description = "held-out tokens replayed per policy and repeat (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(
            names = "--repeats",
            defaultValue = "3",
            description = "rounds over all policies (default: ${DEFAULT-VALUE})")
    int repeats;

    @Mixin
    CacheBudgetOptions cacheBudget;

    @Option(
            names = "--policies",
            defaultValue = "none,lru,s3fifo,lfu,linking",
            split = ",",
            description =
                    "policies to compare (default: ${DEFAULT-VALUE}; known: none, lru, s3fifo, lfu, window, linking)")
    List<String> policies;

    @Option(
            names = "--linking-inner",
            defaultValue = "s3fifo",
            description =
                    "eviction policy under linking: s3fifo, lru, lfu (seeded like lfu) (default: ${DEFAULT-VALUE})")
    String linkingInner;

    @Option(
            names = "--replay",
            defaultValue = "held-out",
            description = "split to replay: held-out, or calibration "
                    + "(in-sample, for choosing settings without looking at held-out text) (default: ${DEFAULT-VALUE})")
    String replay;

    @Option(
            names = "--placement",
            defaultValue = "ripple+",
            description = "placement of the file (default: ${DEFAULT-VALUE})")
    String placement;

    @Mixin
    JsonFileOptions json;

    @Option(
            names = "--workload",
            converter = PathArguments.InputPath.class,
            paramLabel = "DIR",
            description =
                    "a synthetic workload written by 'ripple synth --workload' "
                            + "instead of the ONNX model: its held-out stream replayed under each policy; figures labelled 'synthetic workload'")
    Path workload;

    @Spec
    CommandSpec spec;

    /** What the last call measured on a model (null for --workload); for tests that assert on values. */
    ModelPolicies report;

    @Override
    public Integer call() throws Exception {
        return OptionValues.namingOptions(
                ModelPolicies.Input.class,
                PoliciesCommand::option,
                () -> measure(spec.commandLine().getOut()));
    }

    /** The option that gives {@code input}, as a one-line error names it. */
    private static String option(ModelPolicies.Input input) {
        return switch (input) {
            case CALIBRATION_TOKENS -> "--calibration-tokens";
            case TOKENS -> "--tokens";
            case REPEATS -> "--repeats";
            case CACHE_FRACTION -> "--cache-fraction";
            case POLICIES -> "--policies";
            case LINKING_INNER -> "--linking-inner";
            case REPLAY -> "--replay";
            case PLACEMENT -> "--placement";
        };
    }

    private int measure(PrintWriter o) throws IOException {
        json.requireUsable(inputs.files().withWorkload(workload, "--workload"));
        if (workload != null) {
            return workload(o);
        }
        inputs.requireNoTokenizerWithoutModel();
        inputs.requireEncoder("policies (without --workload)");
        ModelPolicies.Settings settings = new ModelPolicies.Settings(
                run.work,
                ActivityRule.parse(rule),
                calibrationTokens,
                tokens,
                repeats,
                cacheBudget.fraction,
                policies,
                linkingInner,
                replay,
                placement,
                io.readerKind(),
                io.queueDepth(),
                io.deviceProfile());
        requireLinking();
        Files.createDirectories(run.work);
        report = ModelPolicies.run(settings, inputs.encoderText(run.work, 0.5), CliProgress.harness(run.quiet));
        report.print(o);
        json.writeAndTell(o, report::toJson);
        return 0;
    }

    /**
     * Refuses {@code --linking-inner} when no linking cache runs: it would only be echoed in the
     * header ("linking over lfu") of a table without linking. After the values are checked.
     */
    private void requireLinking() {
        if (!policies.contains("linking")) {
            OptionValues.requireNotGiven(
                    spec, "only with linking among --policies, the policy it evicts under", "--linking-inner");
        }
    }

    /** {@code --workload}: the policies on a synthetic workload (WorkloadPolicies). */
    private int workload(PrintWriter o) throws IOException {
        OptionValues.requireNotGiven(
                spec,
                "not with --workload, which replays the workload's recorded held-out stream (no model, text or"
                        + " profiling)",
                "--model",
                "--tokenizer",
                "--text",
                "--rule",
                "--calibration-tokens",
                "--replay");
        ModelPolicies.requireCacheFraction(cacheBudget.fraction);
        ModelPolicies.requirePolicies(policies);
        ModelPolicies.requireLinkingInner(linkingInner);
        requireLinking();
        int queueDepth = io.queueDepth();
        SyntheticWorkload.read(workload); // a wrong --workload is refused before the calibration's seconds of disk work
        Files.createDirectories(run.work);
        DeviceProfile profile = QuickCalibration.unlessGiven(
                io.deviceProfile(),
                WorkloadBench.placedDir(workload, run.work),
                queueDepth,
                CliProgress.harness(run.quiet));
        WorkloadPolicies result = WorkloadPolicies.run(
                new WorkloadPolicies.Settings(
                        workload,
                        run.work,
                        placement,
                        policies,
                        linkingInner,
                        cacheBudget.fraction,
                        tokens,
                        repeats,
                        io.readerKind(),
                        queueDepth,
                        profile,
                        io.device != null),
                CliProgress.harness(run.quiet));
        result.print(o);
        json.writeAndTell(o, result::toJson);
        return 0;
    }
}
