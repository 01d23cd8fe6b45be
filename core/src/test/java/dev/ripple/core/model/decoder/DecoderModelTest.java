package dev.ripple.core.model.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.decoder.DecoderConfig.RopeScaling;
import dev.ripple.core.model.decoder.DecoderConfig.Rotation;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomDecoders.Decoder;
import dev.ripple.core.testing.RandomDecoders.Shape;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder forward against a naive double-precision forward written from the formulas, for every
 * family variant, through prefill and decode steps with the KV cache; and the runtime properties a
 * user relies on: chunked prefill, dense from flash equals dense in memory, sparse with the true
 * active sets equals dense, concurrent sessions equal sessions alone, both rotation conventions.
 */
class DecoderModelTest {
    private static final int TOKENS = 12;
    private static final int PROMPT = 5;

    @TempDir
    static Path dir;

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("opt pre-norm", Shape.opt()),
                Arguments.of("opt post-norm with projections", Shape.optPostNorm()),
                Arguments.of("llama gqa silu untied", Shape.llama()),
                Arguments.of(
                        "qwen2 qkv bias tied", Shape.llama().withQkvBias(true).withTied(true)),
                Arguments.of("llama 3.1 rope scaling", Shape.llama().withScaling(RopeScaling.llama3(8, 1, 4, 16))),
                Arguments.of("linear rope scaling", Shape.llama().withScaling(RopeScaling.linear(2))),
                Arguments.of("prosparse fatrelu", Shape.llama().with(Activation.RELU, false, 0.05f)),
                Arguments.of("turbosparse drelu", Shape.llama().with(Activation.RELU, true, 0f)),
                Arguments.of("mistral sliding window", Shape.llama().withWindow(4)),
                Arguments.of("adjacent rotation", Shape.llama().withRotation(Rotation.ADJACENT)));
    }

    static Path write(Decoder d, String name) throws Exception {
        Path file = dir.resolve(name.replace(' ', '-') + ".ripple");
        RippleFileWriter.write(file, d.contents());
        return file;
    }

    /** A random decoder written to a file, for tests that need only the file. */
    static Path randomDecoderFile(Shape shape, long seed, DType dtype, String name) throws Exception {
        return write(RandomDecoders.generate(shape, seed, dtype), name);
    }

    static int[] ids(int vocab, long seed) {
        return new Random(seed).ints(TOKENS, 0, vocab).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void prefillAndEveryDecodeStepMatchTheNaiveForward(String name, Shape shape) throws Exception {
        Decoder d = RandomDecoders.generate(shape, 17, DType.F32);
        Path file = write(d, name);
        int[] ids = ids(shape.vocab(), 3);
        double[][] expected = new NaiveDecoder(d).logits(ids);
        withMappedDense(file, model -> {
            assertEquals(d.config(), model.config(), "the file's architecture reads back as written");
            try (Session s = model.newSession(32)) {
                float[] logits = model.prefill(s, Arrays.copyOf(ids, PROMPT)).logits();
                assertClose(expected[PROMPT - 1], logits, 1e-4, name + " after prefill");
                for (int t = PROMPT; t < TOKENS; t++) {
                    logits = model.decode(s, ids[t]).logits();
                    assertClose(expected[t], logits, 1e-4, name + " decode step " + t);
                }
                assertEquals(TOKENS, s.position());
            }
        });
    }

    @Test
    void promptChunksDoNotChangeTheResult() throws Exception {
        Path file = randomDecoderFile(Shape.llama(), 5, DType.F32, "chunks");
        int[] ids = ids(Shape.llama().vocab(), 9);
        withMappedDense(file, whole -> {
            float[] expected;
            try (Session s = whole.newSession(32)) {
                expected = whole.prefill(s, ids).logits();
            }
            for (int chunk : new int[] {1, 3, 5}) {
                DecoderModel m = whole.withPrefillChunk(chunk);
                try (Session s = m.newSession(32)) {
                    assertClose(toDouble(expected), m.prefill(s, ids).logits(), 1e-5, "chunk " + chunk);
                }
            }
        });
    }

    @Test
    void denseFromFlashEqualsDenseInMemoryBitForBit() throws Exception {
        Path file = randomDecoderFile(Shape.opt(), 21, DType.F16, "flash-dense");
        int[] ids = ids(Shape.opt().vocab(), 4);
        List<float[]> inMemory = run(file, null, ids);
        for (String cache : new String[] {"none", "lru"}) {
            RuntimeOptions o = RuntimeOptions.defaults()
                    .withReader(ReaderKind.POSITIONAL)
                    .withPredictor(PredictorKind.DENSE)
                    .withCache(cache, 0.3)
                    .withFillIn(false);
            List<float[]> flash = run(file, o, ids);
            for (int t = 0; t < flash.size(); t++) {
                assertArrayEquals(inMemory.get(t), flash.get(t), cache + " cache, step " + t);
            }
        }
    }

    @Test
    void sparseWithTheTrueActiveSetsEqualsDenseOnAReluModel() throws Exception {
        Path file = randomDecoderFile(Shape.opt(), 33, DType.F32, "relu-sparse");
        int[] ids = ids(Shape.opt().vocab(), 8);
        List<List<int[]>> sets = new ArrayList<>();
        for (int l = 0; l < Shape.opt().layers(); l++) {
            sets.add(new ArrayList<>());
        }
        List<float[]> dense = new ArrayList<>();
        long active = 0;
        long total = 0;
        try (RippleFile f = RippleFile.open(file)) {
            MappedFfn recording = MappedFfn.recording(f, (layer, x, acts) -> {
                List<Integer> on = new ArrayList<>();
                for (int i = 0; i < acts.length; i++) {
                    if (acts[i] > 0) {
                        on.add(i);
                    }
                }
                sets.get(layer).add(on.stream().mapToInt(Integer::intValue).toArray());
            });
            DecoderModel model = DecoderModel.load(f, recording);
            try (Session s = model.newSession(32)) {
                for (int id : ids) {
                    dense.add(model.decode(s, id).logits());
                }
            }
        }
        for (List<int[]> layer : sets) {
            for (int[] set : layer) {
                active += set.length;
                total += Shape.opt().ffn();
            }
        }
        assertTrue(active < total * 0.8, "ReLU leaves neurons inactive: " + active + " of " + total);
        RuntimeOptions o = RuntimeOptions.defaults()
                .withReader(ReaderKind.POSITIONAL)
                .withCache("lru", 0.2)
                .withFillIn(false);
        try (RippleModel m = RippleModel.open(file, o, new TracePredictor(sets), null)) {
            DecoderModel model = m.decoder().orElseThrow();
            try (Session s = model.newSession(32)) {
                for (int t = 0; t < ids.length; t++) {
                    assertArrayEquals(dense.get(t), model.decode(s, ids[t]).logits(), "token " + t);
                }
            }
            assertTrue(m.stats().predicted() < total, "only the active neurons were read");
        }
    }

    @Test
    void concurrentSessionsEqualEachSessionAlone() throws Exception {
        Path file = randomDecoderFile(Shape.llama(), 41, DType.F16, "concurrent");
        RuntimeOptions o = RuntimeOptions.defaults()
                .withReader(ReaderKind.POSITIONAL)
                .withPredictor(PredictorKind.DENSE)
                .withCache("lru", 0.3);
        int sessions = 4;
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            prompts.add(ids(Shape.llama().vocab(), 100 + i));
        }
        try (RippleModel m = RippleModel.open(file, o)) {
            DecoderModel model = m.decoder().orElseThrow();
            List<int[]> alone = new ArrayList<>();
            for (int[] p : prompts) {
                alone.add(greedy(model, p));
            }
            ExecutorService pool = Executors.newFixedThreadPool(sessions);
            try {
                List<Future<int[]>> together = new ArrayList<>();
                for (int[] p : prompts) {
                    together.add(pool.submit(() -> greedy(model, p)));
                }
                for (int i = 0; i < sessions; i++) {
                    assertArrayEquals(alone.get(i), together.get(i).get(), "session " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * A decode step that writes its logits into the caller's array (what {@link Generator} uses)
     * gives the same bits as one returning a new array, over an f32 and an f16 KV cache, with two
     * such sessions stepping at once on two threads (attention's arrays are the running thread's,
     * the logits each caller's own array, reused at every step).
     */
    @Test
    void logitsIntoTheCallersArrayEqualNewOnesWithSessionsOnTwoThreads() throws Exception {
        Shape[] shapes = {Shape.opt(), Shape.llama()};
        for (int i = 0; i < shapes.length; i++) {
            Shape shape = shapes[i];
            Path file = randomDecoderFile(shape, 61, DType.F16, "reused-logits-" + i);
            try (RippleFile f = RippleFile.open(file)) {
                DecoderModel model = DecoderModel.load(f, MappedFfn.of(f));
                for (DType kv : new DType[] {DType.F32, DType.F16}) {
                    int[] prompt = ids(shape.vocab(), 7);
                    List<float[]> expected = new ArrayList<>();
                    try (Session s = model.newSession(TOKENS + 10, kv)) {
                        expected.add(model.prefill(s, prompt).logits());
                        for (int t = 0; t < 9; t++) {
                            expected.add(model.decode(s, t * 3 + 1).logits());
                        }
                    }
                    ExecutorService pool = Executors.newFixedThreadPool(2);
                    try {
                        List<Future<?>> runs = new ArrayList<>();
                        for (int r = 0; r < 2; r++) {
                            runs.add(pool.submit(() -> {
                                try (Session s = model.newSession(TOKENS + 10, kv)) {
                                    assertArrayEquals(
                                            expected.get(0),
                                            model.prefill(s, prompt).logits());
                                    float[] logits = new float[shape.vocab()];
                                    for (int t = 0; t < 9; t++) {
                                        model.decodeInto(s, t * 3 + 1, logits);
                                        assertArrayEquals(expected.get(t + 1), logits, kv + " step " + t);
                                    }
                                }
                                return null;
                            }));
                        }
                        for (Future<?> run : runs) {
                            run.get();
                        }
                    } finally {
                        pool.shutdownNow();
                    }
                }
            }
        }
    }

    private static int[] greedy(DecoderModel model, int[] prompt) {
        try (Session s = model.newSession(40)) {
            Generator.Result r = Generator.generate(model, s, prompt, Generator.Options.greedy(12), null, null);
            return r.generatedIds();
        }
    }

    @Test
    void anF16KvCacheStaysCloseToF32() throws Exception {
        Path file = randomDecoderFile(Shape.llama(), 55, DType.F32, "kv16");
        int[] ids = ids(Shape.llama().vocab(), 12);
        withMappedDense(file, model -> {
            try (Session a = model.newSession(16, DType.F32);
                    Session b = model.newSession(16, DType.F16)) {
                assertEquals(a.kvBytes() / 2, b.kvBytes());
                float[] la = model.prefill(a, ids).logits();
                float[] lb = model.prefill(b, ids).logits();
                assertClose(toDouble(la), lb, 1e-2, "f16 keys and values");
            }
        });
    }

    @Test
    void ggufsAdjacentPairsWithPermutedWeightsEqualHuggingFacesHalves() throws Exception {
        Shape half = Shape.llama().withQkvBias(true);
        Decoder d = RandomDecoders.generate(half, 61, DType.F32);
        Decoder permuted = RandomDecoders.permuteForAdjacentRotation(d);
        int[] ids = ids(half.vocab(), 13);
        List<float[]> a = run(write(d, "half"), null, ids);
        List<float[]> b = run(write(permuted, "adjacent"), null, ids);
        for (int t = 0; t < a.size(); t++) {
            assertClose(toDouble(a.get(t)), b.get(t), 1e-5, "step " + t);
        }
    }

    @Test
    void aFullContextAndUnknownTokensAreRefused() throws Exception {
        Path file = randomDecoderFile(Shape.opt(), 3, DType.F32, "refusals");
        withMappedDense(file, model -> {
            try (Session s = model.newSession(4)) {
                IllegalArgumentException longer = assertThrows(
                        IllegalArgumentException.class, () -> model.prefill(s, new int[] {1, 2, 3, 4, 5, 6}));
                assertEquals(
                        "6 tokens do not fit the session's context of 4 tokens: it holds 0 already, room for 4 more",
                        longer.getMessage(),
                        "a prompt longer than a fresh session's context: not a full context");
                model.prefill(s, new int[] {1, 2, 3});
                IllegalArgumentException more =
                        assertThrows(IllegalArgumentException.class, () -> model.prefill(s, new int[] {4, 5}));
                assertEquals(
                        "2 tokens do not fit the session's context of 4 tokens: it holds 3 already, room for 1 more",
                        more.getMessage());
                assertThrows(
                        IllegalArgumentException.class,
                        () -> model.decode(s, Shape.opt().vocab()));
                assertEquals(3, s.position(), "a refused step leaves the session as it was");
                model.decode(s, 4);
                IllegalArgumentException full = assertThrows(IllegalArgumentException.class, () -> model.decode(s, 5));
                assertEquals("1 token does not fit the session's context of 4 tokens: it is full", full.getMessage());
                assertEquals(4, s.position());
            }
            assertThrows(
                    IllegalArgumentException.class,
                    () -> model.newSession(Shape.opt().positions() + 1));
        });
    }

    /** Prefill of 3 tokens, then decode steps; every step's logits. {@code options} null: dense from the mapped file. */
    private static List<float[]> run(Path file, RuntimeOptions options, int[] ids) throws Exception {
        List<float[]> out = new ArrayList<>();
        if (options == null) {
            withMappedDense(file, model -> steps(model, ids, out));
        } else {
            try (RippleModel m = RippleModel.open(file, options)) {
                steps(m.decoder().orElseThrow(), ids, out);
            }
        }
        return out;
    }

    /** Runs {@code test} on the file's dense decoder; the decoder reads the mapped file, so the file is closed only after. */
    private static void withMappedDense(Path file, ModelTest test) throws Exception {
        try (RippleFile f = RippleFile.open(file)) {
            test.run(DecoderModel.load(f, MappedFfn.of(f)));
        }
    }

    private interface ModelTest {
        void run(DecoderModel model) throws Exception;
    }

    private static void steps(DecoderModel model, int[] ids, List<float[]> out) {
        try (Session s = model.newSession(32)) {
            out.add(model.prefill(s, Arrays.copyOf(ids, 3)).logits());
            for (int t = 3; t < ids.length; t++) {
                out.add(model.decode(s, ids[t]).logits());
            }
        }
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** ‖actual − expected‖ / ‖expected‖ below {@code tolerance}. */
    static void assertClose(double[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            num += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            den += expected[i] * expected[i];
        }
        double rel = Math.sqrt(num / den);
        assertTrue(rel < tolerance, what + ": relative error " + rel);
    }
}
