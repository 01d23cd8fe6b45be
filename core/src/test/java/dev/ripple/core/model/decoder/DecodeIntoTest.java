package dev.ripple.core.model.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomDecoders.Shape;
import dev.ripple.io.reader.ReaderKind;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DecoderModel#decodeInto}, the form of a decode step that writes the logits into the
 * caller's array: the same logits and tokens as {@link DecoderModel#decode} over a generation, on
 * both FFN paths, and warm steps that do not allocate the logits.
 */
class DecodeIntoTest {
    /** Large enough that a step's logits array (8 KB) stands out from whatever else a step makes. */
    private static final int VOCAB = 2000;

    private static final int[] PROMPT = {1, 17, 42};

    @TempDir
    static Path dir;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("llama", Shape.llama().withVocab(VOCAB), "flash"),
                Arguments.of("llama", Shape.llama().withVocab(VOCAB), "mapped"),
                Arguments.of("opt", Shape.opt().withVocab(VOCAB), "flash"),
                Arguments.of("opt", Shape.opt().withVocab(VOCAB), "mapped"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("models")
    void givesTheLogitsAndTokensOfDecodeBitForBit(String name, Shape shape, String ffn) throws Exception {
        withModel(name, shape, ffn, model -> {
            try (Session byValue = model.newSession(shape.positions());
                    Session into = model.newSession(shape.positions())) {
                int a = Sampler.greedy().sample(model.prefill(byValue, PROMPT).logits());
                int b = Sampler.greedy().sample(model.prefill(into, PROMPT).logits());
                float[] logits = new float[VOCAB];
                for (int step = 0; byValue.position() < shape.positions(); step++) {
                    assertEquals(a, b, "token of step " + step);
                    float[] expected = model.decode(byValue, a).logits();
                    StepCost cost = model.decodeInto(into, b, logits);
                    assertArrayEquals(expected, logits, "logits of step " + step);
                    assertEquals(1, cost.tokens());
                    assertEquals(shape.layers(), cost.ffnCalls(), "one FFN call per layer, this step's only");
                    a = Sampler.greedy().sample(expected);
                    b = Sampler.greedy().sample(logits);
                }
                assertEquals(byValue.position(), into.position());
            }
        });
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("models")
    void refusesAnArrayOfAnotherLengthAndLeavesTheSessionAsItWas(String name, Shape shape, String ffn)
            throws Exception {
        withModel(name, shape, ffn, model -> {
            try (Session s = model.newSession(shape.positions())) {
                model.prefill(s, PROMPT);
                IllegalArgumentException e = assertThrows(
                        IllegalArgumentException.class, () -> model.decodeInto(s, 5, new float[VOCAB - 1]));
                assertTrue(e.getMessage().contains("vocabulary has " + VOCAB), e.getMessage());
                assertEquals(PROMPT.length, s.position());
            }
        });
    }

    /**
     * Bytes the calling thread allocates over many warm steps, the two forms interleaved step by
     * step so that both see the same state of the JIT: the value form makes the logits array (8 KB
     * here) per step, the form into the caller's array does not. What else a step allocates is
     * left out of the bound: under a loaded machine the JIT may not have compiled the step yet
     * after any warm-up, and the interpreter allocates what compiled code keeps in registers
     * (docs/PERFORMANCE.md gives the compiled figures, from JMH).
     */
    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("models")
    void warmStepsIntoTheCallersArrayDoNotAllocateTheLogits(String name, Shape shape, String ffn) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        withModel(name, shape, ffn, model -> {
            try (Session s = model.newSession(shape.positions())) {
                float[] logits = new float[VOCAB];
                int[] next = {Sampler.greedy().sample(model.prefill(s, PROMPT).logits())};
                Runnable into = () -> {
                    model.decodeInto(s, next[0], logits);
                    next[0] = Sampler.greedy().sample(logits);
                };
                Runnable byValue = () -> next[0] =
                        Sampler.greedy().sample(model.decode(s, next[0]).logits());
                int steps = 400;
                long intoBytes = 0;
                long byValueBytes = 0;
                for (int i = -steps; i < steps; i++) { // the first half warms up
                    restartWhenFull(model, s, next);
                    long into0 = threads.getCurrentThreadAllocatedBytes();
                    into.run();
                    long intoEnd = threads.getCurrentThreadAllocatedBytes();
                    restartWhenFull(model, s, next);
                    long byValue0 = threads.getCurrentThreadAllocatedBytes();
                    byValue.run();
                    long byValueEnd = threads.getCurrentThreadAllocatedBytes();
                    if (i >= 0) {
                        intoBytes += intoEnd - into0;
                        byValueBytes += byValueEnd - byValue0;
                    }
                }
                long logitsBytes = 4L * VOCAB;
                assertTrue(
                        byValueBytes - intoBytes >= steps * logitsBytes * 9 / 10,
                        "into the caller's array: " + intoBytes / steps + " B a step, by value: " + byValueBytes / steps
                                + " B; the logits array is " + logitsBytes + " B");
            }
        });
    }

    /** A full session starts over from the prompt (outside the measured steps). */
    private static void restartWhenFull(DecoderModel model, Session s, int[] next) {
        if (s.position() >= s.context()) {
            s.reset();
            next[0] = Sampler.greedy().sample(model.prefill(s, PROMPT).logits());
        }
    }

    /**
     * Runs {@code test} on the decoder of a generated model: flash through the runtime, or the mapped
     * bundles. Each shape's file is written once, for both paths.
     */
    private static void withModel(String name, Shape shape, String ffn, ModelTest test) throws Exception {
        Path file = dir.resolve(name + ".ripple");
        if (!file.toFile().exists()) {
            RippleFileWriter.write(
                    file, RandomDecoders.generate(shape, 11, DType.F16).contents());
        }
        if (ffn.equals("flash")) {
            RuntimeOptions o =
                    RuntimeOptions.defaults().withReader(ReaderKind.POSITIONAL).withPredictor(PredictorKind.DENSE);
            try (RippleModel m = RippleModel.open(file, o)) {
                test.run(m.decoder().orElseThrow());
            }
        } else {
            try (RippleFile f = RippleFile.open(file)) {
                test.run(DecoderModel.load(f, MappedFfn.of(f)));
            }
        }
    }

    private interface ModelTest {
        void run(DecoderModel model) throws Exception;
    }
}
