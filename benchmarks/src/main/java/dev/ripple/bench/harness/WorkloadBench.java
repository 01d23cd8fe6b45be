package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.io.reader.ReaderRan;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import dev.ripple.placement.synthetic.WorkloadShape;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * {@code ripple bench --workload DIR}: the strategies of {@link BenchStrategy#ALL} (all five unless fewer
 * are chosen) on a synthetic decoder workload at the papers' scale ({@link SyntheticWorkload}),
 * token by token with the true active sets of the held-out stream, strategies interleaved token by
 * token, then I/O time against the cache budget. Each token runs every layer's FFN from flash:
 * plan, cache, reads (through the emulated device when one is given) and the sparse FFN on the
 * bundles read, so both the I/O time and the FFN's wall time per token are measured. Every figure
 * is labelled "synthetic workload".
 *
 * <p>The placed files the chosen strategies read (frequency, ripple, ripple+) are written into the
 * workload directory on the first run that needs each ({@code placed-*.ripple}, placed on the
 * calibration stream) and reused afterwards; the workload's model file is the identity placement.
 * A workload directory this process may not write (shared, read-only) keeps nothing: its placed
 * files go to the run's work directory instead, under a name that holds a checksum of the
 * workload's spec, so that another workload of the same directory name is not served them.
 */
public final class WorkloadBench {
    private WorkloadBench() {}

    /** LLM in a flash's window for OPT models (k = 5 tokens). */
    public static final int WINDOW_TOKENS = 5;

    /** How a workload report's JSON starts: its kind, the "synthetic workload" label, the workload. */
    static ObjectNode jsonDocument(String kind, SyntheticWorkload.Spec spec) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("kind", kind);
        doc.put("label", SyntheticWorkload.LABEL);
        doc.set("workload", SyntheticWorkload.toJson(spec));
        return doc;
    }

    /**
     * What a workload run's figures were measured on, as its reports label them: "synthetic workload,
     * emulated ufs-4.0" or "synthetic workload, this machine's disk (pread, file evicted from the page
     * cache before every pass)".
     */
    static String label(boolean emulated, DeviceProfile device, ReaderRan reader, PassStart start) {
        return SyntheticWorkload.LABEL + ", "
                + (emulated
                        ? "emulated " + device.name()
                        : "this machine's disk (" + reader.name() + ", " + start.describe() + ")");
    }

    /**
     * @param dir           the workload directory
     * @param work          where placed files go when {@code dir} may not be written ({@link #placedDir})
     * @param reader        reader kind
     * @param queueDepth    reads in flight per request
     * @param cacheFraction DRAM budget of the main replay, share of the FFN bytes
     * @param budgets       budgets of the sweep (empty: none)
     * @param tokens        held-out tokens replayed by the main replay
     * @param sweepTokens   tokens per sweep point
     * @param device        device profile for collapse (and the emulated device when {@code emulated})
     * @param emulated      every read takes {@code device}'s time
     * @param strategies    the strategies run, kept in the order of {@link BenchStrategy#ALL} and each once
     */
    public record Settings(
            Path dir,
            Path work,
            ReaderKind reader,
            int queueDepth,
            double cacheFraction,
            List<Double> budgets,
            int tokens,
            int sweepTokens,
            DeviceProfile device,
            boolean emulated,
            List<BenchStrategy> strategies) {
        public Settings {
            budgets = List.copyOf(budgets);
            if (tokens < 1 || sweepTokens < 1 || queueDepth < 1) {
                throw new IllegalArgumentException("tokens, sweep tokens and queue depth must be positive");
            }
            List<BenchStrategy> chosen = BenchStrategy.canonical(strategies);
            if (chosen.isEmpty() || chosen.size() != Set.copyOf(strategies).size()) {
                throw new IllegalArgumentException("the strategies must be one or more of "
                        + String.join(", ", BenchStrategy.names(BenchStrategy.ALL)) + ", got " + strategies);
            }
            strategies = chosen;
        }
    }

    /** The placements a workload can be placed with, the workload's own order (identity) first. */
    public static final List<String> PLACEMENTS = List.of("identity", "frequency", "ripple", "ripple+");

    /**
     * The file of each of {@code placements} (of {@link #PLACEMENTS}), in their order: the workload's
     * model for identity, the others placed and written once, beside the workload or, where it may
     * not be written, in {@link #placedDir} of {@code work}. A placement not asked for is neither
     * computed nor written.
     */
    public static Map<String, Path> placedFiles(
            Path dir,
            Path work,
            SyntheticWorkload.Spec spec,
            ActivationTrace calibration,
            List<String> placements,
            Progress progress)
            throws IOException {
        for (String name : placements) { // refused before any placement's minutes
            if (!PLACEMENTS.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown placement '" + name + "' (known: " + String.join(", ", PLACEMENTS) + ")");
            }
        }
        Map<String, Path> files = new LinkedHashMap<>();
        Path placedDir = placedDir(dir, work);
        CoActivationCounter counter = new CoActivationCounter();
        for (String name : placements) {
            if (name.equals("identity")) {
                files.put(name, dir.resolve(SyntheticWorkload.MODEL_FILE));
                continue;
            }
            Path f = placedDir.resolve("placed-" + name.replace("+", "plus") + ".ripple");
            if (!Files.exists(f)) {
                int[][] orders;
                try (Progress.Step _ = progress.start("place " + name + " (" + SyntheticWorkload.LABEL + ")", -1)) {
                    orders = PlacementAlgorithms.placeAll(calibration, PlacementAlgorithms.byName(name), counter);
                }
                try (Progress.Step step = progress.start("write " + f.getFileName(), spec.layers())) {
                    SyntheticWorkload.writeModel(spec, f, orders, name, l -> step.stepTo(l + 1));
                }
            }
            files.put(name, f);
        }
        return files;
    }

    /**
     * Where a workload's placed files are kept: the workload directory when this process may write
     * it, else {@code work/<name>-<CRC32C of its spec>} (made when missing). A run given no device
     * profiles the storage here ({@link QuickCalibration}): the reads of every placement but the
     * identity one (always the workload's own file) reach it, while {@code work} may be another
     * disk or a tmpfs.
     */
    public static Path placedDir(Path dir, Path work) throws IOException {
        return placedDir(dir, work, Files.isWritable(dir));
    }

    /** {@link #placedDir(Path, Path)} with the directory's writability given (a test runs as root, who may write anything). */
    static Path placedDir(Path dir, Path work, boolean writable) throws IOException {
        if (writable) {
            return dir;
        }
        CRC32C crc = new CRC32C();
        crc.update(Files.readAllBytes(dir.resolve(SyntheticWorkload.SPEC_FILE)));
        String name = dir.toAbsolutePath().normalize().getFileName() + "-" + Long.toHexString(crc.getValue());
        return Files.createDirectories(work.resolve(name));
    }

    /** Places (once), replays every strategy, sweeps the budget. */
    public static WorkloadBenchReport run(Settings s, Progress progress) throws IOException {
        SyntheticWorkload.Contents workload = SyntheticWorkload.load(s.dir());
        SyntheticWorkload.Spec spec = workload.spec();
        ActivationTrace calibration = workload.calibration();
        ActivationTrace heldOut = workload.heldOut();
        Map<String, Path> files =
                placedFiles(s.dir(), s.work(), spec, calibration, BenchStrategy.placements(s.strategies()), progress);
        Map<String, long[][]> lfuSeeds = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            lfuSeeds.put(e.getKey(), SlotCounts.of(calibration, orders(e.getValue())));
        }
        TracePredictor sets = IoReplay.predictor(heldOut);
        int tokens = Math.min(s.tokens(), heldOut.tokens(0));
        PassStarts starts = new PassStarts(s.reader(), s.emulated());
        beforePass(starts, files);
        List<IoReplay.Setup> setups = new ArrayList<>();
        for (BenchStrategy st : s.strategies()) {
            setups.add(new IoReplay.Setup(
                    st.name(), files.get(st.placement()), options(s, st, s.cacheFraction(), lfuSeeds)));
        }
        List<IoReplay> decode;
        try (Progress.Step step = progress.start(
                "decode, " + BenchStrategy.describe(s.strategies()) + " (" + SyntheticWorkload.LABEL + ")", tokens)) {
            decode = IoReplay.interleaved(setups, sets, tokens, List.of(s.device()), step::stepTo, null);
        }
        List<BudgetPoint> sweep = new ArrayList<>();
        int sweepTokens = Math.min(s.sweepTokens(), heldOut.tokens(0));
        for (double budget : s.budgets()) {
            beforePass(starts, files);
            List<IoReplay.Setup> point = new ArrayList<>();
            for (BenchStrategy st : s.strategies()) {
                point.add(new IoReplay.Setup(st.name(), files.get(st.placement()), options(s, st, budget, lfuSeeds)));
            }
            try (Progress.Step step = progress.start("cache " + Math.round(100 * budget) + "%", sweepTokens)) {
                for (IoReplay r :
                        IoReplay.interleaved(point, sets, sweepTokens, List.of(s.device()), step::stepTo, null)) {
                    sweep.add(new BudgetPoint(r.name(), budget, r));
                }
            }
        }
        // the strategies' files hold the same bundles in other orders: one decision speaks for all
        PassStart start = starts.overall(files.values().iterator().next());
        return new WorkloadBenchReport(
                spec,
                s.dir().toString(),
                start.readerRan(s.reader()),
                start,
                s.queueDepth(),
                s.cacheFraction(),
                s.device(),
                s.emulated(),
                tokens,
                decode,
                sweepTokens,
                sweep);
    }

    /**
     * Readies every strategy's file for a pass ({@link PassStarts#before}): evicted from the page cache
     * for a page-cache reader, as the model bench does, so a pass does not read what the previous one
     * left cached.
     */
    private static void beforePass(PassStarts starts, Map<String, Path> files) throws IOException {
        for (Path f : files.values()) {
            starts.before(f);
        }
    }

    /** Measures the workload's traces against the papers' figures (placement on the calibration stream). */
    public static WorkloadShape shape(Path dir) throws IOException {
        return WorkloadShape.of(
                TraceFiles.read(dir.resolve(SyntheticWorkload.CALIBRATION_TRACE)),
                TraceFiles.read(dir.resolve(SyntheticWorkload.HELD_OUT_TRACE)));
    }

    /** Each layer's slot → neuron order of a placed file. */
    static int[][] orders(Path file) throws IOException {
        try (RippleFile f = RippleFile.open(file)) {
            int[][] orders = new int[f.layers().size()][];
            for (int l = 0; l < orders.length; l++) {
                orders[l] = f.layers().get(l).slotToNeuron();
            }
            return orders;
        }
    }

    /**
     * The runtime options of one strategy: the trace predictor, its cache (lfu seeded with the
     * calibration frequencies of its file's slots, as PowerInfer fixes its hot set offline), collapse
     * by the device's cost model or none, the window of LLM in a flash for OPT ({@value #WINDOW_TOKENS}
     * tokens), and the emulated device.
     */
    static RuntimeOptions options(Settings s, BenchStrategy st, double budget, Map<String, long[][]> lfuSeeds) {
        RuntimeOptions o = RuntimeOptions.defaults()
                .withReader(s.reader())
                .withQueueDepth(s.queueDepth())
                .withFillIn(false)
                .withCache(
                        new ComparedPolicies(lfuSeeds.get(st.placement()), null, "s3fifo", WINDOW_TOKENS)
                                .settings(st.cache()),
                        budget)
                .withEmulatedDevice(s.emulated() ? s.device() : null);
        return st.collapse() ? o.withDevice(s.device()) : o.withDevice(null).withMaxGapBytes(0);
    }
}
