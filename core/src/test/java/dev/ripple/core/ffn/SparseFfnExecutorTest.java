package dev.ripple.core.ffn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import dev.ripple.core.testing.ChildJvm;
import dev.ripple.core.testing.RandomModels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SparseFfnExecutorTest {

    @ParameterizedTest(name = "d={0} n={1} {2} gated={3} kernels={4}")
    @CsvSource({
        "8,16,RELU,false,best",
        "8,16,RELU,false,scalar",
        "64,256,GELU,false,best",
        "64,256,GELU,false,scalar",
        "48,96,SILU,true,best",
        "48,96,SILU,true,scalar",
        "13,77,GELU_TANH,true,best",
        "384,1536,GELU,false,best",
        "256,4096,SILU,true,best"
    })
    void denseModeEqualsThePlainDenseFfn(int d, int n, Activation act, boolean gated, String which) {
        long seed = 31L * d + n;
        Random rnd = new Random(seed);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, d, n, act, gated, DType.F32);
        int[] order = RandomModels.shuffled(rnd, n);
        Kernels kernels = which.equals("scalar") ? KernelProvider.scalar() : KernelProvider.best();
        try (Arena arena = Arena.ofShared()) { // shared: large layers run on several threads
            MemorySegment seg = RandomModels.bundles(arena, w, order);
            SparseFfnExecutor ffn = new SparseFfnExecutor(w.spec(), w.downBias(), kernels);
            BundleRefs refs = allBundles(w, seg);
            for (int trial = 0; trial < 3; trial++) {
                float[] x = RandomModels.randomFloats(rnd, d, 1f);
                float[] expected = new float[d];
                w.denseForward(x, expected);
                float[] actual = new float[d];
                float[] acts = new float[n];
                ffn.forward(x, refs, actual, acts);
                double err = RandomModels.relativeError(actual, expected);
                assertTrue(err < 1e-5, "seed " + seed + ": relative error " + err);
                int neuron = order[n / 2];
                assertEquals(
                        w.activationOf(neuron, x), acts[n / 2], 1e-4 * (1 + Math.abs(acts[n / 2])), "seed " + seed);
            }
        }
    }

    /**
     * A sequence through {@code forwardAll} equals each token through {@code forward} over its own
     * bundles: small layers (one thread: exactly) and large ones (split across cores), with
     * fill-in, gated and half precision.
     */
    @ParameterizedTest(name = "d={0} n={1} {2} gated={3} {4} fill-in={5} tokens={6}")
    @CsvSource({
        "16,40,GELU,false,F32,false,9",
        "16,40,GELU,false,F32,true,3",
        "24,64,SILU,true,F16,true,9",
        "384,1536,GELU,false,F32,true,9",
        "384,1536,GELU,false,F32,true,33",
        "256,2048,SILU,true,F32,false,9",
        "64,96,SILU,true,Q4_0,true,9",
        "64,96,SILU,true,Q4_0,true,2",
        "384,1536,GELU,false,Q8_0,true,9",
        "48,200,GELU,false,BF16,false,5"
    })
    void sequenceEqualsTokenByToken(
            int d, int n, Activation act, boolean gated, DType dtype, boolean fillIn, int tokens) {
        Random rnd = new Random(17L * d + n);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, d, n, act, gated, dtype);
        int[] order = RandomModels.shuffled(rnd, n);
        float[] means = fillIn ? RandomModels.randomFloats(rnd, n, 0.1f) : null;
        float[] constant = fillIn ? RandomModels.randomFloats(rnd, d, 0.1f) : null;
        SparseFfnExecutor ffn = new SparseFfnExecutor(w.spec(), w.downBias(), KernelProvider.best(), means, constant);
        try (Arena arena = Arena.ofShared()) {
            BundleRefs union = allBundles(w, RandomModels.bundles(arena, w, order));
            Users users = Users.random(rnd, n, tokens); // two thirds: large enough to split across cores
            float[][] xs = randomRows(rnd, tokens, d);
            float[][] outs = new float[tokens][d];
            ffn.forwardAll(xs, union, users.start(), users.users(), outs);
            for (int t = 0; t < tokens; t++) {
                float[] expected = new float[d];
                ffn.forward(xs[t], users.bundlesOf(t, union), expected, null);
                double err = RandomModels.relativeError(outs[t], expected);
                assertTrue(err < 1e-5, "token " + t + ": relative error " + err);
            }
        }
    }

    /**
     * The same inputs give the same bits on the first call of a fresh JVM (kernels interpreted:
     * the Vector API's Java fallbacks) as after warm-up (C2: its intrinsics), and as in this JVM,
     * which has more cores than the child's one: a MiniLM-shaped GELU layer in f32, f16 and Q8_0, a
     * sequence through {@code forwardAll} (the vector GELU; two parts) and a token through
     * {@code forward} (one part and four). The child runs {@code -Xbatch}, so each method it
     * compiles is used as soon as compiled and 100 calls reach C2 (seconds, not tens of them).
     * With {@code lanewise(EXP)} in the vector GELU, tens of each layer's sequence outputs
     * differed in the last bits between the cold and the warm call; with as many parts as cores,
     * the split token's outputs differed between one core and two.
     */
    @Test
    void outputsAreBitForBitTheSameFromTheFirstCallOn(@TempDir Path dir) throws Exception {
        ChildJvm child = ChildJvm.start(
                dir.resolve("probe.log"),
                List.of(
                        "-Xbatch",
                        "-XX:+UnlockDiagnosticVMOptions",
                        "-XX:+PrintInlining", // to compile.log, apart from the probe's lines
                        "-XX:-DisplayVMOutput",
                        "-XX:+LogVMOutput",
                        "-XX:LogFile=" + dir.resolve("compile.log"),
                        "-XX:ActiveProcessorCount=1",
                        "-Xmx512m",
                        "--add-modules",
                        "jdk.incubator.vector"),
                FirstCallProbe.class,
                "100");
        int[][] here = new int[FirstCallProbe.DTYPES.length][]; // meanwhile, this JVM's
        String out;
        try {
            try (Arena arena = Arena.ofShared()) {
                FirstCallProbe.Case[] cases = FirstCallProbe.Case.all(arena);
                for (int i = 0; i < here.length; i++) {
                    here[i] = bits(cases[i].outputs());
                }
            }
            out = child.finish(Duration.ofSeconds(60));
        } finally {
            child.process().destroyForcibly(); // gone already unless this JVM's half failed
        }
        int[] cold = null;
        int[] warm = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("cold ")) {
                cold = bits(line);
            } else if (line.startsWith("warm ")) {
                warm = bits(line);
            }
        }
        assertTrue(cold != null && warm != null, out);
        // "warm" means C2's code: C2 inlined the vector GELU into the executor's compiled loop
        // (C1 would run the Vector API's Java fallbacks, as the interpreter does)
        assertTrue(
                Files.readAllLines(dir.resolve("compile.log")).stream()
                        .anyMatch(l -> l.contains("VectorKernels::gelu (") && l.contains("inline (hot)")),
                "C2 inlined VectorKernels::gelu in the child (" + dir.resolve("compile.log") + ")");
        int per = cold.length / here.length;
        for (int i = 0; i < here.length; i++) {
            DType dtype = FirstCallProbe.DTYPES[i];
            int[] coldPart = Arrays.copyOfRange(cold, i * per, (i + 1) * per);
            assertArrayEquals(
                    coldPart, Arrays.copyOfRange(warm, i * per, (i + 1) * per), dtype + ": first call against warm");
            assertArrayEquals(coldPart, here[i], dtype + ": a fresh JVM's first call against this JVM");
        }
    }

    private static int[] bits(String line) {
        String[] hex = line.substring(5).split(" ");
        int[] b = new int[hex.length];
        for (int i = 0; i < hex.length; i++) {
            b[i] = Integer.parseUnsignedInt(hex[i], 16);
        }
        return b;
    }

    private static int[] bits(float[] values) {
        int[] b = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = Float.floatToRawIntBits(values[i]);
        }
        return b;
    }

    /**
     * A split call whose parts the calling thread has run alone returns without waiting for the
     * common pool: every pool thread is blocked here, so the helper it asked for never starts. The
     * result is the one computed with a free pool, bit for bit.
     */
    @Test
    void aSplitCallDoesNotWaitForABusyPool() throws Exception {
        Random rnd = new Random(41);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, 384, 1536, Activation.GELU, false, DType.F32);
        SparseFfnExecutor ffn = new SparseFfnExecutor(w.spec(), w.downBias());
        try (Arena arena = Arena.ofShared()) {
            BundleRefs refs = allBundles(w, RandomModels.bundles(arena, w, RandomModels.shuffled(rnd, 1536)));
            float[] x = RandomModels.randomFloats(rnd, 384, 1f);
            float[] expected = new float[384];
            ffn.forward(x, refs, expected, null);
            int poolThreads = ForkJoinPool.commonPool().getParallelism();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(poolThreads);
            List<Future<?>> blockers = new ArrayList<>();
            try {
                for (int i = 0; i < poolThreads; i++) {
                    blockers.add(ForkJoinPool.commonPool().submit(() -> {
                        blocked.countDown();
                        release.await();
                        return null;
                    }));
                }
                assertTrue(blocked.await(30, TimeUnit.SECONDS), "the pool's threads are all blocked");
                float[] out = new float[384];
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> ffn.forward(x, refs, out, null));
                assertArrayEquals(expected, out);
            } finally {
                release.countDown();
                for (Future<?> b : blockers) {
                    b.get();
                }
            }
        }
    }

    /**
     * A part that fails on a pool thread fails the call instead of leaving it waiting for that
     * part: every bundle lies in an arena closed after the refs were taken.
     */
    @Test
    void aFailingPartFailsTheCall() {
        Random rnd = new Random(43);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, 384, 1536, Activation.GELU, false, DType.F32);
        SparseFfnExecutor ffn = new SparseFfnExecutor(w.spec(), w.downBias());
        Arena arena = Arena.ofShared();
        BundleRefs refs = allBundles(w, RandomModels.bundles(arena, w, RandomModels.shuffled(rnd, 1536)));
        arena.close();
        float[] x = RandomModels.randomFloats(rnd, 384, 1f);
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> assertThrows(RuntimeException.class, () -> ffn.forward(x, refs, new float[384], null)));
    }

    /**
     * One executor shared by two threads (its contract: thread-safe) gives each thread, bit for bit,
     * what it gives alone, for f16 bundles that are widened in scratch: one token part per thread
     * (small layer) and parts on the common pool as well (large layer).
     */
    @ParameterizedTest(name = "d={0} n={1}")
    @CsvSource({"64,256", "384,1536"})
    void twoThreadsSharingAnExecutorEachGetTheirOwnResults(int d, int n) throws Exception {
        Random rnd = new Random(23L * d + n);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, d, n, Activation.GELU, false, DType.F16);
        SparseFfnExecutor ffn = new SparseFfnExecutor(w.spec(), w.downBias());
        int inputs = 8;
        try (Arena arena = Arena.ofShared();
                ExecutorService threads = Executors.newFixedThreadPool(2)) {
            MemorySegment seg = RandomModels.bundles(arena, w, RandomModels.shuffled(rnd, n));
            BundleRefs refs = allBundles(w, seg);
            float[][] xs = new float[2 * inputs][];
            float[][] expectedOut = new float[xs.length][d];
            float[][] expectedActs = new float[xs.length][n];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = RandomModels.randomFloats(rnd, d, 1f);
                ffn.forward(xs[i], refs, expectedOut[i], expectedActs[i]);
            }
            CountDownLatch start = new CountDownLatch(2);
            List<Future<?>> runs = new ArrayList<>();
            for (int thread = 0; thread < 2; thread++) {
                int first = thread * inputs;
                runs.add(threads.submit(() -> {
                    BundleRefs own = new BundleRefs(); // BundleRefs is per token in flight
                    for (int slot = 0; slot < n; slot++) {
                        own.add(refs.slot(slot), refs.segment(slot), refs.offset(slot));
                    }
                    float[] out = new float[d];
                    float[] acts = new float[n];
                    start.countDown();
                    start.await();
                    for (int round = 0; round < 100; round++) {
                        for (int i = first; i < first + inputs; i++) {
                            ffn.forward(xs[i], own, out, null);
                            assertArrayEquals(expectedOut[i], out, "input " + i + ", round " + round);
                            ffn.activations(xs[i], own, acts);
                            assertArrayEquals(expectedActs[i], acts, "input " + i + ", round " + round);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        }
    }

    /**
     * The output may replace the input ({@code out == x}): the result is, bit for bit, the one into
     * a separate array, with the same activations, for a token in one part (small layer) and one
     * split across the cores (every neuron of a MiniLM-sized layer), f32 and f16. Summing into
     * {@code out} directly would feed the later bundles a changed input.
     */
    @ParameterizedTest(name = "d={0} n={1} {2}")
    @CsvSource({"64,256,F32", "64,256,F16", "384,1536,F32", "384,1536,F16"})
    void theOutputMayBeTheInput(int d, int n, DType dtype) {
        Random rnd = new Random(37L * d + n + dtype.ordinal());
        FfnLayerWeights w = RandomModels.layer(rnd, 0, d, n, Activation.GELU, false, dtype);
        SparseFfnExecutor ffn = new SparseFfnExecutor(w.spec(), w.downBias());
        try (Arena arena = Arena.ofShared()) { // shared: the large layer runs on several threads
            MemorySegment seg = RandomModels.bundles(arena, w, RandomModels.shuffled(rnd, n));
            BundleRefs refs = allBundles(w, seg);
            for (int trial = 0; trial < 3; trial++) {
                float[] x = RandomModels.randomFloats(rnd, d, 1f);
                float[] expected = new float[d];
                float[] expectedActs = new float[n];
                ffn.forward(x.clone(), refs, expected, expectedActs);
                float[] acts = new float[n];
                ffn.forward(x, refs, x, acts);
                assertArrayEquals(expected, x, "trial " + trial);
                assertArrayEquals(expectedActs, acts, "trial " + trial);
            }
        }
    }

    /**
     * A token sums from zero whatever its thread summed before: a layer computed on a thread that
     * has just run a wider layer (its sum array longer, holding that layer's sums) and the same
     * layer again give, bit for bit, what a fresh thread gives.
     */
    @Test
    void aTokenSumsFromZeroAfterOtherTokensOnItsThread() throws Exception {
        Random rnd = new Random(41);
        try (Arena arena = Arena.ofShared();
                ExecutorService fresh = Executors.newSingleThreadExecutor()) {
            WideAndNarrow layers = WideAndNarrow.random(rnd, arena, 128);
            float[] wideX = RandomModels.randomFloats(rnd, 96, 1f);
            float[] narrowX = RandomModels.randomFloats(rnd, 40, 1f);
            float[] expected = fresh.submit(() -> {
                        float[] out = new float[40];
                        layers.narrow().forward(narrowX, layers.narrowRefs(), out, null);
                        return out;
                    })
                    .get();
            layers.wide().forward(wideX, layers.wideRefs(), new float[96], null);
            float[] afterWide = new float[40];
            layers.narrow().forward(narrowX, layers.narrowRefs(), afterWide, null);
            assertArrayEquals(expected, afterWide);
            float[] again = new float[40];
            layers.narrow().forward(narrowX, layers.narrowRefs(), again, null);
            assertArrayEquals(expected, again);
        }
    }

    /**
     * A sequence sums from zero whatever its thread ran before: a layer's sequence computed on a
     * thread that has just run a wider layer's longer sequence (its sums and block arrays larger,
     * holding that call's values) and the same sequence again give, bit for bit, what a fresh thread
     * gives. 2 tokens take the kernels' per-token path, 16 the transposed one (on any vector width).
     */
    @ParameterizedTest(name = "tokens={0}")
    @CsvSource({"2", "16"})
    void aSequenceSumsFromZeroAfterOtherSequencesOnItsThread(int tokens) throws Exception {
        Random rnd = new Random(43L + tokens);
        try (Arena arena = Arena.ofShared();
                ExecutorService fresh = Executors.newSingleThreadExecutor()) {
            WideAndNarrow layers = WideAndNarrow.random(rnd, arena, 64);
            Users wideUsers = Users.random(rnd, 64, 24);
            Users narrowUsers = Users.random(rnd, 64, tokens);
            float[][] wideXs = randomRows(rnd, 24, 96);
            float[][] narrowXs = randomRows(rnd, tokens, 40);
            float[][] expected = fresh.submit(() -> {
                        float[][] outs = new float[tokens][40];
                        layers.narrow()
                                .forwardAll(
                                        narrowXs, layers.narrowRefs(), narrowUsers.start(), narrowUsers.users(), outs);
                        return outs;
                    })
                    .get();
            layers.wide()
                    .forwardAll(wideXs, layers.wideRefs(), wideUsers.start(), wideUsers.users(), new float[24][96]);
            float[][] afterWide = new float[tokens][40];
            layers.narrow()
                    .forwardAll(narrowXs, layers.narrowRefs(), narrowUsers.start(), narrowUsers.users(), afterWide);
            float[][] again = new float[tokens][40];
            layers.narrow().forwardAll(narrowXs, layers.narrowRefs(), narrowUsers.start(), narrowUsers.users(), again);
            for (int t = 0; t < tokens; t++) {
                assertArrayEquals(expected[t], afterWide[t], "after the wide layer, token " + t);
                assertArrayEquals(expected[t], again[t], "again, token " + t);
            }
        }
    }

    /**
     * A split call sums from zero whatever its calling thread's split calls left in the sums it
     * keeps: a token and a sequence (per-token and transposed) of a layer split into parts, computed
     * on a thread that has just run a wider layer's split calls (more parts, longer sums, more
     * tokens), after a split call that failed part way, and again, give bit for bit what a fresh
     * thread gives.
     */
    @ParameterizedTest(name = "tokens={0}")
    @CsvSource({"2", "16"})
    void aSplitCallSumsFromZeroAfterOtherSplitCallsOnItsThread(int tokens) throws Exception {
        Random rnd = new Random(47L + tokens);
        FfnLayerWeights wide = RandomModels.layer(rnd, 0, 512, 2048, Activation.GELU, false, DType.F16);
        FfnLayerWeights narrow = RandomModels.layer(rnd, 1, 384, 1536, Activation.SILU, true, DType.F32);
        assertTrue(1536L * narrow.spec().bundleElements() >= 4 * SparseFfnExecutor.PARALLEL_ELEMENTS, "split");
        try (Arena arena = Arena.ofShared();
                ExecutorService fresh = Executors.newSingleThreadExecutor()) {
            SparseFfnExecutor wideFfn = new SparseFfnExecutor(wide.spec(), wide.downBias());
            SparseFfnExecutor narrowFfn = new SparseFfnExecutor(narrow.spec(), narrow.downBias());
            BundleRefs wideRefs = allBundles(wide, RandomModels.bundles(arena, wide, RandomModels.shuffled(rnd, 2048)));
            BundleRefs narrowRefs =
                    allBundles(narrow, RandomModels.bundles(arena, narrow, RandomModels.shuffled(rnd, 1536)));
            Arena closed = Arena.ofShared();
            BundleRefs closedRefs =
                    allBundles(narrow, RandomModels.bundles(closed, narrow, RandomModels.shuffled(rnd, 1536)));
            closed.close();
            Users wideUsers = Users.random(rnd, 2048, 24);
            Users narrowUsers = Users.random(rnd, 1536, tokens);
            float[] x = RandomModels.randomFloats(rnd, 384, 1f);
            float[][] xs = randomRows(rnd, tokens, 384);
            Callable<float[][]> narrowCalls = () -> {
                float[][] outs = new float[tokens + 1][384];
                narrowFfn.forward(x, narrowRefs, outs[tokens], null);
                narrowFfn.forwardAll(xs, tokens, narrowRefs, narrowUsers.start(), narrowUsers.users(), outs);
                return outs;
            };
            float[][] expected = fresh.submit(narrowCalls).get();

            wideFfn.forward(RandomModels.randomFloats(rnd, 512, 1f), wideRefs, new float[512], null);
            wideFfn.forwardAll(
                    randomRows(rnd, 24, 512), wideRefs, wideUsers.start(), wideUsers.users(), new float[24][512]);
            float[][] afterWide = narrowCalls.call();
            assertThrows(RuntimeException.class, () -> narrowFfn.forward(x, closedRefs, new float[384], null));
            float[][] afterFailure = narrowCalls.call();
            float[][] again = narrowCalls.call();
            for (int t = 0; t <= tokens; t++) {
                String what = t == tokens ? "the token" : "token " + t + " of the sequence";
                assertArrayEquals(expected[t], afterWide[t], "after the wide layer, " + what);
                assertArrayEquals(expected[t], afterFailure[t], "after a failed call, " + what);
                assertArrayEquals(expected[t], again[t], "again, " + what);
            }
        }
    }

    /**
     * A thread keeps the sums of its split calls for the next one, but not those of a call that long
     * (a long prefill chunk at a large dModel): a 32-token split call of a 4,096-wide layer leaves
     * its sets on the thread, and a 1,100-token one (4.5 M floats a set) leaves none, and still gives
     * what a fresh thread gives.
     */
    @Test
    void aThreadKeepsTheSumsOfShortSplitCallsOnly() throws Exception {
        Random rnd = new Random(53);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, 4096, 2, Activation.RELU, false, DType.F32);
        SparseFfnExecutor ffn = new SparseFfnExecutor(w.spec(), w.downBias());
        try (Arena arena = Arena.ofShared();
                ExecutorService thread = Executors.newSingleThreadExecutor();
                ExecutorService fresh = Executors.newSingleThreadExecutor()) {
            BundleRefs refs = allBundles(w, RandomModels.bundles(arena, w, new int[] {0, 1}));
            assertTrue(64L * w.spec().bundleElements() >= 2 * SparseFfnExecutor.PARALLEL_ELEMENTS, "split");
            Users shortUsers = Users.all(2, 32);
            float[][] shortXs = randomRows(rnd, 32, 4096);
            long kept = thread.submit(() -> {
                        ffn.forwardAll(shortXs, refs, shortUsers.start(), shortUsers.users(), new float[32][4096]);
                        return SparseFfnExecutor.keptSplitFloats();
                    })
                    .get();
            assertTrue(kept >= 2 * 32 * 4096 && kept <= SparseFfnExecutor.SPLIT_KEPT_FLOATS, "kept " + kept);

            int tokens = 1100;
            Users longUsers = Users.all(2, tokens);
            float[][] longXs = randomRows(rnd, tokens, 4096);
            Callable<float[][]> longCall = () -> {
                float[][] outs = new float[tokens][4096];
                ffn.forwardAll(longXs, refs, longUsers.start(), longUsers.users(), outs);
                return outs;
            };
            float[][] afterShort = thread.submit(longCall).get();
            assertEquals(
                    0, thread.submit(SparseFfnExecutor::keptSplitFloats).get(), "nothing kept after the long call");
            float[][] expected = fresh.submit(longCall).get();
            for (int t = 0; t < tokens; t++) {
                assertArrayEquals(expected[t], afterShort[t], "token " + t);
            }
        }
    }

    /**
     * The outputs may replace the inputs ({@code outs[t] == xs[t]}): the results are, bit for bit,
     * those into separate arrays, for a sequence in one part (small layer) and one split across the
     * cores (MiniLM-sized), f32 and f16, per-token and transposed. Writing a token's output before
     * the last bundle would feed that bundle a changed input.
     */
    @ParameterizedTest(name = "d={0} n={1} {2} tokens={3}")
    @CsvSource({
        "64,256,F32,2",
        "64,256,F16,16",
        "384,1536,F32,3",
        "384,1536,F16,16",
    })
    void theOutputsMayBeTheInputs(int d, int n, DType dtype, int tokens) {
        Random rnd = new Random(47L * d + n + dtype.ordinal() + tokens);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, d, n, Activation.GELU, false, dtype);
        SparseFfnExecutor ffn = new SparseFfnExecutor(w.spec(), w.downBias());
        try (Arena arena = Arena.ofShared()) { // shared: the large layer runs on several threads
            BundleRefs union = allBundles(w, RandomModels.bundles(arena, w, RandomModels.shuffled(rnd, n)));
            Users users = Users.random(rnd, n, tokens);
            for (int trial = 0; trial < 2; trial++) {
                float[][] xs = randomRows(rnd, tokens, d);
                float[][] expected = new float[tokens][d];
                float[][] inputs = new float[tokens][];
                for (int t = 0; t < tokens; t++) {
                    inputs[t] = xs[t].clone();
                }
                ffn.forwardAll(inputs, union, users.start(), users.users(), expected);
                ffn.forwardAll(xs, union, users.start(), users.users(), xs);
                for (int t = 0; t < tokens; t++) {
                    assertArrayEquals(expected[t], xs[t], "trial " + trial + ", token " + t);
                }
            }
        }
    }

    /**
     * A wider layer (96 × {@code wideNeurons}, f16, GELU) and a narrower one (40 × 64, f32, gated
     * SiLU), each with every bundle in {@code arena}: the narrow one's arrays on a thread are then
     * shorter than what the wide one left there.
     */
    private record WideAndNarrow(
            SparseFfnExecutor wide, BundleRefs wideRefs, SparseFfnExecutor narrow, BundleRefs narrowRefs) {
        static WideAndNarrow random(Random rnd, Arena arena, int wideNeurons) {
            FfnLayerWeights wide = RandomModels.layer(rnd, 0, 96, wideNeurons, Activation.GELU, false, DType.F16);
            FfnLayerWeights narrow = RandomModels.layer(rnd, 1, 40, 64, Activation.SILU, true, DType.F32);
            BundleRefs wideRefs =
                    allBundles(wide, RandomModels.bundles(arena, wide, RandomModels.shuffled(rnd, wideNeurons)));
            BundleRefs narrowRefs =
                    allBundles(narrow, RandomModels.bundles(arena, narrow, RandomModels.shuffled(rnd, 64)));
            return new WideAndNarrow(
                    new SparseFfnExecutor(wide.spec(), wide.downBias()),
                    wideRefs,
                    new SparseFfnExecutor(narrow.spec(), narrow.downBias()),
                    narrowRefs);
        }
    }

    /** Which tokens use each bundle of a union, in {@code forwardAll}'s form. */
    private record Users(int[] start, int[] users) {
        /** Each token uses each bundle with probability 2/3; a bundle nobody drew goes to one token. */
        static Users random(Random rnd, int bundles, int tokens) {
            int[] start = new int[bundles + 1];
            int[] users = new int[bundles * tokens];
            int u = 0;
            for (int i = 0; i < bundles; i++) {
                for (int t = 0; t < tokens; t++) {
                    if (rnd.nextInt(3) > 0) {
                        users[u++] = t;
                    }
                }
                if (u == start[i]) {
                    users[u++] = i % tokens;
                }
                start[i + 1] = u;
            }
            return new Users(start, users);
        }

        /** Every token uses every bundle. */
        static Users all(int bundles, int tokens) {
            int[] start = new int[bundles + 1];
            int[] users = new int[bundles * tokens];
            for (int i = 0; i < bundles; i++) {
                start[i + 1] = (i + 1) * tokens;
                for (int t = 0; t < tokens; t++) {
                    users[i * tokens + t] = t;
                }
            }
            return new Users(start, users);
        }

        /** The bundles of {@code union} that {@code token} uses, in union order: its own refs for {@code forward}. */
        BundleRefs bundlesOf(int token, BundleRefs union) {
            BundleRefs own = new BundleRefs();
            for (int i = 0; i < union.size(); i++) {
                for (int u = start[i]; u < start[i + 1]; u++) {
                    if (users[u] == token) {
                        own.add(union.slot(i), union.segment(i), union.offset(i));
                    }
                }
            }
            return own;
        }
    }

    private static float[][] randomRows(Random rnd, int rows, int d) {
        float[][] xs = new float[rows][];
        for (int t = 0; t < rows; t++) {
            xs[t] = RandomModels.randomFloats(rnd, d, 1f);
        }
        return xs;
    }

    private static BundleRefs allBundles(FfnLayerWeights w, MemorySegment seg) {
        BundleRefs refs = new BundleRefs();
        for (int slot = 0; slot < w.spec().dFfn(); slot++) {
            refs.add(slot, seg, (long) slot * w.spec().bundleBytes());
        }
        return refs;
    }

    /**
     * A layer large enough to split across the cores stays on the calling thread when any of its
     * bundles lies in a confined segment, here after many bundles of a shared one (another thread
     * touching it would throw {@link WrongThreadException}), and gives the bits that the same
     * bundles all in shared memory give: the same parts, run on one thread instead of several.
     */
    @Test
    void aConfinedSegmentAfterSharedOnesKeepsTheWorkOnTheCallingThread() {
        int d = 384;
        int n = 1536;
        Random rnd = new Random(29);
        FfnLayerWeights w = RandomModels.layer(rnd, 0, d, n, Activation.GELU, false, DType.F32);
        int[] order = RandomModels.shuffled(rnd, n);
        try (Arena shared = Arena.ofShared();
                Arena confined = Arena.ofConfined()) {
            MemorySegment sharedBundles = RandomModels.bundles(shared, w, order);
            MemorySegment confinedBundles = RandomModels.bundles(confined, w, order);
            BundleRefs refs = new BundleRefs();
            for (int slot = 0; slot < n; slot++) {
                refs.add(
                        slot,
                        slot < n - 1 ? sharedBundles : confinedBundles,
                        (long) slot * w.spec().bundleBytes());
            }
            float[] x = RandomModels.randomFloats(rnd, d, 1f);
            float[] expected = new float[d];
            w.denseForward(x, expected);
            float[] actual = new float[d];
            SparseFfnExecutor ffn = new SparseFfnExecutor(w.spec(), w.downBias());
            ffn.forward(x, refs, actual, null);
            double err = RandomModels.relativeError(actual, expected);
            assertTrue(err < 1e-5, "relative error " + err);
            float[] spread = new float[d];
            ffn.forward(x, allBundles(w, sharedBundles), spread, null);
            assertArrayEquals(spread, actual);
        }
    }

    /** Bundles in f16, bf16, Q8_0 and Q4_0 compute the dense FFN of the weights they round to (biases f32 beside blocks). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"F16", "BF16", "Q8_0", "Q4_0"})
    void storedBundlesMatchTheDenseFfnOfTheRoundedWeights(DType dtype) {
        Random rnd = new Random(5);
        FfnLayerWeights w32 = RandomModels.layer(rnd, 0, 32, 64, Activation.GELU, false, DType.F32);
        DType biasType = w32.spec().withDtype(dtype).biasType();
        FfnLayerWeights rounded = new FfnLayerWeights(
                w32.spec(),
                round(w32.up(), dtype),
                null,
                round(w32.downColumns(), dtype),
                round(w32.upBias(), biasType),
                null,
                w32.downBias());
        FfnLayerWeights stored = new FfnLayerWeights(
                w32.spec().withDtype(dtype), w32.up(), null, w32.downColumns(), w32.upBias(), null, w32.downBias());
        int[] order = RandomModels.shuffled(rnd, 64);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = RandomModels.bundles(arena, stored, order);
            BundleRefs refs = new BundleRefs();
            for (int slot = 0; slot < 64; slot++) {
                refs.add(slot, seg, (long) slot * stored.spec().bundleBytes());
            }
            float[] x = RandomModels.randomFloats(rnd, 32, 1f);
            float[] expected = new float[32];
            rounded.denseForward(x, expected);
            float[] actual = new float[32];
            new SparseFfnExecutor(stored.spec(), w32.downBias()).forward(x, refs, actual, null);
            assertTrue(
                    RandomModels.relativeError(actual, expected) < 1e-5,
                    "relative error " + RandomModels.relativeError(actual, expected));
        }
    }

    /** {@code a} stored as {@code t} and read back; rows of 32 align with blocks, so a whole matrix rounds at once. */
    private static float[] round(float[] a, DType t) {
        MemorySegment stored = MemorySegment.ofArray(new byte[(int) t.bytes(a.length)]);
        Quantization.encode(t, a, 0, a.length, stored, 0);
        float[] r = new float[a.length];
        Quantization.decode(t, stored, 0, r, 0, a.length);
        return r;
    }
}
