package dev.ripple.core.model.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomDecoders.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.collections.impl.factory.primitive.IntSets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generation loop: stop tokens, stop strings held back while streaming, limits, and its two forms. */
class GeneratorTest {
    @TempDir
    static Path dir;

    static RippleFile file;
    static DecoderModel model;

    /** Detokenizes id i as the letter 'a' + i % 26: every id is one character of text. */
    static final class Letters implements Detokenizer {
        @Override
        public String push(int id) {
            return String.valueOf((char) ('a' + id % 26));
        }

        @Override
        public String finish() {
            return "";
        }
    }

    @BeforeAll
    static void open() throws Exception {
        Path p = dir.resolve("g.ripple");
        RippleFileWriter.write(
                p, RandomDecoders.generate(Shape.llama(), 77, DType.F32).contents());
        file = RippleFile.open(p);
        model = DecoderModel.load(file, MappedFfn.of(file));
    }

    @AfterAll
    static void close() {
        file.close();
    }

    private static Generator.Result generate(Generator.Options o, List<Generator.Token> streamed) {
        try (Session s = model.newSession(40)) {
            return Generator.generate(model, s, new int[] {1, 5, 9}, o, new Letters(), streamed::add);
        }
    }

    @Test
    void greedyGenerationIsTheArgmaxOfEachStep() {
        Generator.Result r = generate(Generator.Options.greedy(8), new ArrayList<>());
        assertEquals(Generator.StopReason.MAX_TOKENS, r.stopReason());
        assertEquals(8, r.generatedIds().length);
        try (Session s = model.newSession(40)) {
            float[] logits = model.prefill(s, new int[] {1, 5, 9}).logits();
            for (int i = 0; i < 8; i++) {
                int next = Sampler.argmax(logits);
                assertEquals(next, r.generatedIds()[i], "token " + i);
                logits = model.decode(s, next).logits();
            }
        }
        assertEquals(r.steps().size(), r.generatedIds().length);
        assertEquals(3, r.prefill().tokens());
    }

    @Test
    void theContinuationBeforeTheNextPromptGoesOnAsOnePromptOfAllTheTokens() {
        int[] first = {1, 5, 9};
        int[] next = {4, 7, 2}; // the next text's ids, encoded without special tokens
        Generator.Options o = Generator.Options.greedy(6);
        try (Session conversation = model.newSession(40);
                Session whole = model.newSession(40)) {
            Generator.Result r = Generator.generate(model, conversation, first, o, new Letters(), null);
            int[] prompt = IntStream.concat(IntStream.of(r.continuation()), IntStream.of(next))
                    .toArray();
            Generator.Result continued = Generator.generate(model, conversation, prompt, o, new Letters(), null);

            int[] all = Stream.of(first, r.generatedIds(), next)
                    .flatMapToInt(IntStream::of)
                    .toArray();
            Generator.Result once = Generator.generate(model, whole, all, o, new Letters(), null);
            assertArrayEquals(once.generatedIds(), continued.generatedIds());
            assertEquals(whole.position(), conversation.position(), "both sessions hold every token but the last");
        }
    }

    @Test
    void aStopTokenEndsTheGenerationAndIsNotOutput() {
        int[] free = generate(Generator.Options.greedy(8), new ArrayList<>()).generatedIds();
        int stop = free[3];
        int firstStop = 0;
        while (free[firstStop] != stop) {
            firstStop++;
        }
        Generator.Result r =
                generate(Generator.Options.greedy(8).withStopIds(IntSets.immutable.of(stop)), new ArrayList<>());
        assertEquals(Generator.StopReason.STOP_TOKEN, r.stopReason());
        assertArrayEquals(Arrays.copyOf(free, firstStop), r.generatedIds());
        // the step whose logits chose the stop token ran (and read): the steps count it, after the prefill
        assertEquals(firstStop + 1, r.steps().size());
        assertEquals(r.prefill(), r.steps().getFirst());
        if (firstStop > 0) {
            assertEquals(1, r.steps().getLast().tokens(), "the stop token's step is a decode step");
        }
        assertEquals(firstStop, GenerationStats.of(r).decodeSteps(), "decode figures count the stop token's step");
    }

    @Test
    void aStreamLeftBeforeItsEndIsUnfinished() {
        try (Session s = model.newSession(40)) {
            Generator.TokenStream it =
                    Generator.stream(model, s, new int[] {1, 5, 9}, Generator.Options.greedy(6), new Letters());
            it.next();
            it.next();
            Generator.Result r = it.result();
            assertEquals(Generator.StopReason.UNFINISHED, r.stopReason());
            assertEquals(2, r.generatedIds().length);
            assertEquals(2, r.steps().size(), "the prefill and one decode step");
        }
    }

    @Test
    void aStopStringCutsTheTextAndIsNeverStreamed() {
        Generator.Result free = generate(Generator.Options.greedy(10), new ArrayList<>());
        String text = free.text();
        assertEquals(10, text.length());
        String stop = text.substring(4, 6);
        int at = text.indexOf(stop);
        List<Generator.Token> streamed = new ArrayList<>();
        Generator.Result r =
                generate(Generator.Options.greedy(10).withStopStrings(List.of(stop, "zzzzzzzz")), streamed);
        assertEquals(Generator.StopReason.STOP_STRING, r.stopReason());
        assertEquals(text.substring(0, at), r.text());
        StringBuilder seen = new StringBuilder();
        streamed.forEach(t -> seen.append(t.text()));
        assertEquals(r.text(), seen.toString(), "what was streamed is exactly the result, without the stop string");
    }

    @Test
    void theIteratorAndTheCallbackAgree() {
        List<Generator.Token> streamed = new ArrayList<>();
        Generator.Result r = generate(Generator.Options.greedy(6), streamed);
        try (Session s = model.newSession(40)) {
            Generator.TokenStream it =
                    Generator.stream(model, s, new int[] {1, 5, 9}, Generator.Options.greedy(6), new Letters());
            List<Integer> ids = new ArrayList<>();
            while (it.hasNext()) {
                ids.add(it.next().id());
            }
            assertEquals(streamed.stream().map(Generator.Token::id).toList(), ids);
            assertArrayEquals(r.generatedIds(), it.result().generatedIds());
            assertEquals(3 + 6 - 1, s.position(), "the last token is not run until it is needed");
        }
    }

    @Test
    void aFullContextEndsTheGeneration() {
        try (Session s = model.newSession(6)) {
            Generator.Result r =
                    Generator.generate(model, s, new int[] {1, 2, 3}, Generator.Options.greedy(50), null, null);
            assertEquals(Generator.StopReason.CONTEXT_FULL, r.stopReason());
            assertEquals(4, r.generatedIds().length, "3 prompt tokens + 3 decoded + the last sampled one");
        }
    }

    @Test
    void anEmptyPromptIsRefused() {
        try (Session s = model.newSession(6)) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Generator.generate(model, s, new int[0], Generator.Options.greedy(5), null, null));
        }
    }

    @Test
    void stopStringsHoldBackOnlyWhatCouldStillBecomeOne() {
        Generator.StopStrings s = new Generator.StopStrings(List.of("END"));
        assertEquals("ab", s.accept("abE"));
        assertEquals("", s.accept("N"));
        assertEquals("ENx", s.accept("x"));
        assertEquals("y", s.accept("yEND"));
        assertTrue(s.hit());
        assertEquals("abENxy", s.text());
    }
}
