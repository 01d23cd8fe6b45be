package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.decoder.KvCache;
import dev.ripple.core.runtime.OpenModelMemoryProbe.Threads;
import dev.ripple.core.runtime.OpenModelMemoryProbe.Workload;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.ChildJvm;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomEncoders;
import dev.ripple.core.testing.StoredPredictors;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory while one model stays open and serves many calls: {@link OffHeapMemoryTest} checks what a
 * closed model leaves behind and the bound over one short run; this checks that memory does not
 * grow with the calls. One model with both stored predictors (low-rank and trained), fill-in and a
 * linking cache of {@value #BUDGET} bytes (a quarter of the encoder's FFN bytes, a sixth of the
 * decoder's) serves {@value #ROUNDS} rounds on {@value #THREADS} threads in a child JVM with
 * native memory tracking ({@link OpenModelMemoryProbe}); NMT's "Other" (FFM arenas, direct
 * buffers) and the heap after GC are read after the first round (the warm-up) and after the last.
 *
 * <p>Asserted, for a decoder (generations, each in a session opened and closed) and an encoder
 * (BERT forwards), each with either predictor, the threads either a pool or new ones every round:
 *
 * <ul>
 *   <li>off-heap and heap growth each at most {@value #GROWTH_BOUND} bytes (measured in two
 *       runs on 2026-12-07: no off-heap growth at all, at most 61,536 B of heap);</li>
 *   <li>the bound catches a leak of {@value #LEAK_BYTES_PER_CALL} bytes per FFN call: the calls
 *       after the warm-up are at least 2 × bound / that many, and a leaked KV cache per session:
 *       the sessions after the warm-up hold at least twice the bound;</li>
 *   <li>the cache's resident and allocated bytes, read after every FFN call, never exceeded its
 *       budget, and it filled at least half of it (the check is not vacuous).</li>
 * </ul>
 * Planted in {@code FlashFfn.forwardAll} (2026-12-07), each leak failed it: one unclosed 256-byte
 * {@code Arena.ofShared()} allocation per call (off-heap growth 540,672 B over 2,112 calls), one
 * {@code float[60]} per call kept in a static queue (heap growth 614,048 B). It found that a model
 * kept the scratch of every thread that had ever called it until it closed: 50.8 MB over the 22
 * threads after the warm-up on new threads every round, about 2.3 MB each with read-ahead on;
 * {@link EndedThreadScratchTest} holds the model to freeing them. Each run starts a JVM and warms it up:
 * 10 to 25 s each on the shared, loaded 2-core machine, hence slow.
 */
@Tag("slow")
class OpenModelMemoryTest {
    static final int THREADS = 2;
    static final int ROUNDS = 12;
    static final long BUDGET = 64L << 10;
    static final long GROWTH_BOUND = 256L << 10;
    static final long LEAK_BYTES_PER_CALL = 256;
    /** The decoder's shape; its sessions hold the whole context ({@code positions}). */
    static final RandomDecoders.Shape DECODER = RandomDecoders.Shape.llama()
            .with(b -> b.hidden(64).embedDim(64).ffn(512).heads(4).kvHeads(2));

    @TempDir
    Path dir;

    /** Threads per request (new threads each round), read-ahead on: each thread's buffers freed once it ends. */
    @Test
    void decoderWithLowRankPredictorOnNewThreadsEveryRound() throws Exception {
        assertBounded(Workload.DECODER, PredictorKind.LOWRANK, Threads.FRESH, true);
    }

    @Test
    void decoderWithTrainedPredictorOnAPool() throws Exception {
        assertBounded(Workload.DECODER, PredictorKind.TRAINED, Threads.POOL, false);
    }

    @Test
    void encoderWithLowRankPredictorOnAPool() throws Exception {
        assertBounded(Workload.ENCODER, PredictorKind.LOWRANK, Threads.POOL, false);
    }

    @Test
    void encoderWithTrainedPredictorOnNewThreadsEveryRound() throws Exception {
        assertBounded(Workload.ENCODER, PredictorKind.TRAINED, Threads.FRESH, false);
    }

    private void assertBounded(Workload w, PredictorKind p, Threads t, boolean readAhead) throws Exception {
        Path model = dir.resolve(w + ".ripple");
        RippleFileWriter.write(model, contents(w));
        List<String> flags = new ArrayList<>(OffHeapMemoryTest.PROBE_JVM_FLAGS);
        flags.add("-Dripple.readahead=" + readAhead);
        String name = w + " " + p + " " + t + (readAhead ? " read-ahead" : "");
        ChildJvm probe = ChildJvm.start(
                dir.resolve(name.replace(' ', '-') + ".log"),
                flags,
                OpenModelMemoryProbe.class,
                model.toString(),
                w.name(),
                p.name(),
                t.name(),
                Integer.toString(THREADS),
                Integer.toString(ROUNDS),
                Long.toString(BUDGET),
                ReaderKind.DIRECT.name());
        long[] v;
        try {
            String[] lines = probe.finish(Duration.ofSeconds(300)).strip().split("\n");
            String[] f = lines[lines.length - 1].trim().split(" ");
            v = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                v[i] = Long.parseLong(f[i]);
            }
        } finally {
            probe.process().destroyForcibly();
        }
        long nativeGrowth = v[1] - v[0];
        long heapGrowth = v[3] - v[2];
        long calls = v[4];
        long sessions = v[5];
        long maxResident = v[6];
        long maxAllocated = v[7];
        System.out.printf(
                "%s: %d FFN calls and %d sessions after the warm-up round; NMT Other %d -> %d B (growth %d);"
                        + " heap after GC %d -> %d B (growth %d); bound %d B; cache resident at most %d B,"
                        + " allocated at most %d B, budget %d B%n",
                name,
                calls,
                sessions,
                v[0],
                v[1],
                nativeGrowth,
                v[2],
                v[3],
                heapGrowth,
                GROWTH_BOUND,
                maxResident,
                maxAllocated,
                BUDGET);
        assertTrue(
                calls * LEAK_BYTES_PER_CALL >= 2 * GROWTH_BOUND,
                name + ": " + calls + " FFN calls are too few for a leak of " + LEAK_BYTES_PER_CALL
                        + " B per call to exceed the bound twice");
        if (w == Workload.DECODER) {
            long kvBytes = KvCache.bytes(
                    DECODER.layers(), DECODER.kvHeads(), DECODER.headDim(), DECODER.positions(), DType.F16);
            assertTrue(
                    sessions * kvBytes >= 2 * GROWTH_BOUND,
                    name + ": " + sessions + " sessions are too few for a leaked KV cache to exceed the bound twice");
        }
        assertTrue(
                nativeGrowth <= GROWTH_BOUND,
                name + ": off-heap (NMT Other) grew by " + nativeGrowth + " B over " + calls
                        + " FFN calls after the warm-up, more than " + GROWTH_BOUND + " B");
        assertTrue(
                heapGrowth <= GROWTH_BOUND,
                name + ": heap after GC grew by " + heapGrowth + " B over " + calls + " FFN calls after the warm-up,"
                        + " more than " + GROWTH_BOUND + " B");
        assertTrue(
                maxResident <= BUDGET && maxAllocated <= BUDGET,
                name + ": the cache held " + maxResident + " B resident, " + maxAllocated + " B allocated, over its "
                        + BUDGET + " B budget");
        assertTrue(maxResident >= BUDGET / 2, name + ": the cache filled only " + maxResident + " B of " + BUDGET);
    }

    /**
     * A Llama-like decoder (2 layers, hidden 64, 2 KV heads of 16, FFN 512 gated, 64 positions: 384
     * KiB of f16 bundles) or a BERT encoder (2 layers, hidden 64, FFN 512: 256 KiB), each with a
     * low-rank predictor of rank 8, a trained predictor 16 wide and fill-in.
     */
    static RippleContents contents(Workload w) {
        RippleContents c = switch (w) {
            case DECODER -> RandomDecoders.generate(DECODER, 11, DType.F16).contents();
            case ENCODER ->
                RandomEncoders.generate(new RandomEncoders.Shape(64, 512, 2, 4, 30, 16), 12, DType.F16)
                        .contents();
        };
        return StoredPredictors.withFillIn(
                StoredPredictors.withTrained(StoredPredictors.withLowRank(c, 7, 8), 8, 16), 9);
    }
}
