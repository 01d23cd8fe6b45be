package dev.ripple.core.runtime;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.SectionEntry;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.reader.ReaderKind;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Child-JVM side of {@link OffHeapMemoryTest}: started with {@code -XX:NativeMemoryTracking=summary},
 * it reads the JVM's own native memory tracking (the {@code VM.native_memory summary} diagnostic
 * command, what {@code jcmd <pid> VM.native_memory summary} prints) before opening a model and
 * after running tokens through it, so the off-heap growth is measured by the JVM, not by the
 * cache's bookkeeping. FFM arena and direct-buffer memory is counted by NMT under "Other".
 *
 * <p>Arguments: model path, cache policy ("none" for no cache), cache bytes, threads, tokens per
 * thread. Prints one line: {@code otherBefore otherAfter cacheAllocated residentTensorBytes}.
 *
 * <p>Or: model path, {@code reopen}, predictor ({@link PredictorKind} name), cycles, tokens per
 * cycle: opens, runs and closes the model {@code cycles} times on one thread, and prints {@code
 * otherBefore otherAfterFirstCycle otherAfterLastCycle}, each measured with nothing open.
 */
public final class NativeMemoryProbe {
    private static final Pattern OTHER = Pattern.compile("-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    private NativeMemoryProbe() {}

    public static void main(String[] args) throws Exception {
        if (args[1].equals("reopen")) {
            reopen(
                    Path.of(args[0]),
                    PredictorKind.valueOf(args[2]),
                    Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            return;
        }
        Path model = Path.of(args[0]);
        String policy = args[1];
        long budget = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        int tokens = Integer.parseInt(args[4]);
        long resident = 0;
        int dModel;
        int dFfn;
        try (RippleFile f = RippleFile.open(model)) {
            for (SectionEntry t : f.tensors()) {
                resident += t.length();
            }
            dModel = f.layers().get(0).spec().dModel();
            dFfn = f.layers().get(0).spec().dFfn();
        }
        settle();
        long before = otherCommittedBytes();
        RuntimeOptions o = RuntimeOptions.defaults()
                .withReader(ReaderKind.DIRECT)
                .withQueueDepth(4)
                .withCacheBytes(policy, budget)
                .withMaxGapBytes(0);
        try (RippleModel m = RippleModel.open(model, o, new SkewedPredictor(dFfn, 0.5, 0.03), null)) {
            // Workers stay alive (with their scratch buffers) until the measurement is taken.
            CountDownLatch done = new CountDownLatch(threads);
            CountDownLatch measured = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                long seed = w;
                workers.add(Thread.ofPlatform().start(() -> {
                    run(m, dModel, tokens, seed);
                    done.countDown();
                    awaitQuietly(measured);
                }));
            }
            done.await();
            settle();
            long after = otherCommittedBytes();
            measured.countDown();
            for (Thread t : workers) {
                t.join();
            }
            long allocated = m.cache().map(c -> c.allocatedBytes()).orElse(0L);
            System.out.println(before + " " + after + " " + allocated + " " + resident);
        }
    }

    /**
     * A model opened and closed again and again, as a server that reloads models does: what one
     * cycle leaves behind (an arena not closed, a buffer kept by a static) shows as growth from the
     * first cycle to the last.
     */
    private static void reopen(Path model, PredictorKind predictor, int cycles, int tokens) throws Exception {
        int dModel;
        try (RippleFile f = RippleFile.open(model)) {
            dModel = f.layers().get(0).spec().dModel();
        }
        RuntimeOptions o = RuntimeOptions.defaults()
                .withReader(ReaderKind.DIRECT)
                .withPredictor(predictor)
                .withCacheBytes("lru", 1L << 20);
        settle();
        long before = otherCommittedBytes();
        long afterFirst = 0;
        for (int c = 0; c < cycles; c++) {
            try (RippleModel m = RippleModel.open(model, o)) {
                run(m, dModel, tokens, c);
            }
            if (c == 0) {
                settle();
                afterFirst = otherCommittedBytes();
            }
        }
        settle();
        System.out.println(before + " " + afterFirst + " " + otherCommittedBytes());
    }

    private static void run(RippleModel m, int dModel, int tokens, long seed) {
        Random rnd = new Random(seed);
        float[] out = new float[dModel];
        for (int t = 0; t < tokens; t++) {
            float[] x = RandomModels.randomFloats(rnd, dModel, 1f);
            for (int l = 0; l < m.layerCount(); l++) {
                m.ffn(l).forward(x, out);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the GC free dropped automatic arenas (their memory goes back when the cleaner runs). */
    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
    }

    /** Committed bytes NMT attributes to "Other" (off-heap allocations by Unsafe/FFM/direct buffers). */
    static long otherCommittedBytes() throws Exception {
        String summary = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "vmNativeMemory",
                        new Object[] {new String[] {"summary", "scale=KB"}},
                        new String[] {String[].class.getName()});
        Matcher m = OTHER.matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("no 'Other' category in the NMT summary:\n" + summary);
        }
        return Long.parseLong(m.group(2)) * 1024;
    }
}
