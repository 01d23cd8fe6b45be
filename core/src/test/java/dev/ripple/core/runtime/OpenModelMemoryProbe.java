package dev.ripple.core.runtime;

import dev.ripple.cache.BundleCache;
import dev.ripple.cache.CacheSettings;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Generator;
import dev.ripple.core.model.decoder.Sampler;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.reader.ReaderKind;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Child-JVM side of {@link OpenModelMemoryTest}: one model stays open and serves round after round
 * of work on several threads; off-heap (NMT "Other", as {@link NativeMemoryProbe} reads it) and
 * heap after GC are read once the first round (the warm-up: caches filled, per-thread buffers
 * grown, classes loaded, code compiled) is done and again after the last. Memory that grows with
 * the calls made after the warm-up is a leak: every round does the same kind of work, so whatever
 * the first round needed, the others reuse.
 *
 * <p>Arguments: model path, workload ({@link Workload}), predictor ({@link PredictorKind}),
 * threads ({@link Threads}), thread count, rounds, cache budget in bytes (a linking cache that
 * admits long runs of misses half the time, so that it fills), reader ({@link ReaderKind}). Prints
 * one line: {@code nativeAfterWarmUp nativeAfterLast heapAfterWarmUp heapAfterLast
 * ffnCallsAfterWarmUp sessionsAfterWarmUp maxResidentBytes maxAllocatedBytes}, the last two the
 * bundle cache's largest resident and allocated bytes, read after every FFN call.
 */
public final class OpenModelMemoryProbe {
    /** What one thread does in one round. */
    enum Workload {
        /**
         * {@value #GENERATIONS_PER_ROUND} generations, each in a session of its own (the whole
         * context, f32 and f16 KV caches in turn) opened and closed: a prefill of {@value
         * #PROMPT_TOKENS} tokens, then {@value #DECODE_STEPS} sampled decode steps.
         */
        DECODER,
        /** {@value #EMBEDS_PER_ROUND} BERT forwards of {@value #EMBED_TOKENS} tokens each. */
        ENCODER
    }

    /** How the rounds get their threads. */
    enum Threads {
        /** The same threads every round, as a server's fixed pool. */
        POOL,
        /** New threads every round, the ones before gone, as a thread per request. */
        FRESH
    }

    static final int GENERATIONS_PER_ROUND = 2;
    static final int DECODE_STEPS = 24;
    static final int PROMPT_TOKENS = 6;
    static final int EMBEDS_PER_ROUND = 48;
    static final int EMBED_TOKENS = 12;

    /** Sessions opened so far. */
    private static final AtomicLong SESSIONS = new AtomicLong();

    private OpenModelMemoryProbe() {}

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        Workload workload = Workload.valueOf(args[1]);
        PredictorKind predictor = PredictorKind.valueOf(args[2]);
        Threads threads = Threads.valueOf(args[3]);
        int threadCount = Integer.parseInt(args[4]);
        int rounds = Integer.parseInt(args[5]);
        long budget = Long.parseLong(args[6]);
        ReaderKind reader = ReaderKind.valueOf(args[7]);
        RuntimeOptions o = RuntimeOptions.defaults()
                .withReader(reader)
                .withPredictor(predictor)
                .withCacheBytes(new CacheSettings.Linking(new CacheSettings.S3Fifo(0.1), 3, 0.5, 42), budget);
        NativeMemoryProbe.otherCommittedBytes(); // see measure()
        AtomicLong calls = new AtomicLong();
        CacheWatch watch = new CacheWatch();
        try (RippleModel m = RippleModel.open(path, o, null, t -> {
            calls.incrementAndGet();
            watch.accept(t);
        })) {
            watch.cache = m.cache().orElseThrow();
            ExecutorService pool = threads == Threads.POOL
                    ? Executors.newFixedThreadPool(
                            threadCount, r -> Thread.ofPlatform().daemon().unstarted(r))
                    : null;
            long[] warm = null;
            long callsAtWarm = 0;
            long sessionsAtWarm = 0;
            for (int r = 0; r < rounds; r++) {
                runRound(m, workload, pool, threadCount, r);
                if (r == 0) {
                    warm = measure();
                    callsAtWarm = calls.get();
                    sessionsAtWarm = SESSIONS.get();
                }
            }
            long[] last = measure();
            if (pool != null) {
                pool.shutdown();
            }
            System.out.println(warm[0] + " " + last[0] + " " + warm[1] + " " + last[1] + " "
                    + (calls.get() - callsAtWarm) + " " + (SESSIONS.get() - sessionsAtWarm) + " " + watch.maxResident
                    + " " + watch.maxAllocated);
        }
    }

    /** One round: every thread does the workload once, with a seed of its own for this round. */
    private static void runRound(RippleModel m, Workload w, ExecutorService pool, int threads, int round)
            throws Exception {
        List<Runnable> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = 1000L * round + t;
            tasks.add(() -> work(m, w, seed));
        }
        List<Future<?>> done = new ArrayList<>();
        for (Runnable task : tasks) {
            if (pool != null) {
                done.add(pool.submit(task));
            } else {
                FutureTask<?> f = new FutureTask<>(task, null);
                Thread.ofPlatform().daemon().start(f);
                done.add(f);
            }
        }
        for (Future<?> f : done) {
            f.get(); // a failed call fails the probe
        }
    }

    private static void work(RippleModel m, Workload w, long seed) {
        Random rnd = new Random(seed);
        switch (w) {
            case DECODER -> {
                DecoderModel d = m.decoder().orElseThrow();
                int vocab = d.config().vocabSize();
                for (int g = 0; g < GENERATIONS_PER_ROUND; g++) {
                    int[] prompt = rnd.ints(PROMPT_TOKENS, 0, vocab).toArray();
                    DType kv = g % 2 == 0 ? DType.F32 : DType.F16;
                    SESSIONS.incrementAndGet();
                    try (Session s = d.newSession(d.config().maxPositions(), kv)) {
                        Generator.generate(
                                d,
                                s,
                                prompt,
                                Generator.Options.greedy(DECODE_STEPS)
                                        .withSampling(new Sampler.Settings(1f, 0, 1f, 1f, rnd.nextLong())),
                                null,
                                null);
                    }
                }
            }
            case ENCODER -> {
                EncoderModel e = m.encoder().orElseThrow();
                int vocab = e.config().vocabSize();
                for (int i = 0; i < EMBEDS_PER_ROUND; i++) {
                    e.embed(rnd.ints(EMBED_TOKENS, 0, vocab).toArray());
                }
            }
        }
    }

    /**
     * {@code {NMT Other committed, heap used}} after a few collections, in bytes. The first call
     * of the diagnostic command builds the platform MBean server, about 0.6 MB of heap that stays:
     * {@link #main} makes it before the model is opened, so that it is not counted as growth.
     */
    private static long[] measure() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new long[] {NativeMemoryProbe.otherCommittedBytes(), heap};
    }

    /** The cache's largest resident and allocated bytes, read after every FFN call. */
    private static final class CacheWatch implements Consumer<TokenStats> {
        volatile BundleCache cache;
        volatile long maxResident;
        volatile long maxAllocated;

        @Override
        public synchronized void accept(TokenStats t) {
            BundleCache c = cache;
            if (c != null) {
                maxResident = Math.max(maxResident, c.residentBytes());
                maxAllocated = Math.max(maxAllocated, c.allocatedBytes());
            }
        }
    }
}
