package dev.ripple.core.model.decoder;

import dev.ripple.core.ArraySummary;
import dev.ripple.core.model.decoder.DecoderModel.Step;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.eclipse.collections.api.set.primitive.IntSet;
import org.eclipse.collections.impl.factory.primitive.IntSets;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * Generates text from a prompt: prefill, then the decode loop, sampling each token, streaming it
 * (id, the text it completed, what its step cost) until a stop token, a stop string, the token
 * limit or the end of the session's context.
 *
 * <pre>{@code
 * Generator.Options o = Generator.Options.greedy(64).withStopIds(IntSets.immutable.of(eos));
 * try (Session s = model.newSession(1024)) {
 *     Generator.Result r = Generator.generate(model, s, promptIds, o, detokenizer,
 *             token -> System.out.print(token.text()));
 *     System.out.printf("%n%d tokens, %s%n", r.generatedIds().length, r.stopReason());
 * }
 * // or pull tokens one at a time:
 * Generator.TokenStream stream = Generator.stream(model, session, promptIds, o, detokenizer);
 * while (stream.hasNext()) { Generator.Token t = stream.next(); ... }
 * }</pre>
 *
 * <p>The session's context afterwards holds the prompt and every generated token but the last
 * (its logits were never needed); {@link Result#continuation()} is what to put in front of the
 * next prompt to continue the conversation on the same session, the next text encoded without
 * special tokens:
 *
 * <pre>{@code
 * int[] next = tokenizer.encode(" And then", false);   // encode(text) would add a BOS mid-conversation
 * int[] prompt = IntStream.concat(IntStream.of(r.continuation()), IntStream.of(next)).toArray();
 * Generator.Result r2 = Generator.generate(model, s, prompt, o, detokenizer, listener);
 * }</pre>
 *
 * <p>Cancelling: stop pulling a {@link TokenStream} (nothing is held open; {@link
 * TokenStream#result()} is the generation so far, its stop reason {@link StopReason#UNFINISHED}), throw from
 * {@code generate}'s listener (the exception comes out of {@code generate}), or interrupt the
 * generating thread, say by {@code Future.cancel(true)}: its next FFN call throws a
 * {@link dev.ripple.core.runtime.FlashReadException} whose {@code interrupted()} is true, and the
 * model is unharmed for every other session. In each case the session holds what the steps that
 * completed put in it, so it can go on ({@link Result#continuation()} of the result so far) or be
 * {@link Session#reset() reset}.
 */
public final class Generator {
    private Generator() {}

    /** Why a generation stopped. */
    public enum StopReason {
        STOP_TOKEN,
        STOP_STRING,
        MAX_TOKENS,
        CONTEXT_FULL,
        /**
         * Not ended: the result of a {@link TokenStream} taken before {@link TokenStream#hasNext()}
         * returned false (a cancelled or abandoned generation, or one whose step failed).
         */
        UNFINISHED
    }

    /**
     * @param maxTokens   most tokens to generate, at least 1 (to only read a prompt into a session,
     *                    call {@link DecoderModel#prefill}); more than the session's context has room
     *                    for is fine: the generation then ends with {@link StopReason#CONTEXT_FULL}
     * @param stopIds     token ids that end the generation (end-of-sequence); not part of the output
     * @param stopStrings texts that end the generation; the output ends before them
     * @param sampling    how each token is chosen
     */
    public record Options(int maxTokens, IntSet stopIds, List<String> stopStrings, Sampler.Settings sampling) {
        public Options {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("generate at least one token, not " + maxTokens);
            }
            stopIds = IntSets.immutable.ofAll(stopIds);
            stopStrings = List.copyOf(stopStrings);
            for (String s : stopStrings) {
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("a stop string cannot be empty");
                }
            }
        }

        /** Greedy decoding of at most {@code maxTokens}, no stop condition yet. */
        public static Options greedy(int maxTokens) {
            return new Options(maxTokens, IntSets.immutable.empty(), List.of(), Sampler.Settings.greedy());
        }

        public Options withStopIds(IntSet ids) {
            return new Options(maxTokens, ids, stopStrings, sampling);
        }

        public Options withStopStrings(List<String> strings) {
            return new Options(maxTokens, stopIds, strings, sampling);
        }

        public Options withSampling(Sampler.Settings s) {
            return new Options(maxTokens, stopIds, stopStrings, s);
        }

        public Options withMaxTokens(int n) {
            return new Options(n, stopIds, stopStrings, sampling);
        }
    }

    /**
     * One generated token.
     *
     * @param id   the token id, or -1 for the last piece of text of a generation that ended on a
     *             stop token or a full context (text that was held back until then)
     * @param text the text that became final with it (empty while a character or a possible stop
     *             string is incomplete; empty without a detokenizer)
     * @param cost the step that computed the logits it was sampled from (the prefill for the first);
     *             for id -1, the last step run: after a stop token the one whose logits chose it,
     *             after a full context the one the token before already carried, so a sum of costs
     *             over the stream's tokens with an id of 0 or more counts each step once, but for the
     *             step that chose a stop token, which only {@link Result#steps()} counts
     */
    public record Token(int id, String text, StepCost cost) {}

    /**
     * A finished generation.
     *
     * @param promptIds    the prompt
     * @param generatedIds the tokens generated (stop tokens excluded)
     * @param text         their text, cut before a stop string ("" without a detokenizer)
     * @param stopReason   why it ended
     * @param prefill      what the prompt cost
     * @param steps        every step the generation ran, in order: the prefill, then the decode steps.
     *                     That is one per generated token (the step its logits came from) and, when a
     *                     stop token ended the generation, the step whose logits chose it: it ran and
     *                     read its bundles like any other, so the decode figures count it
     */
    public record Result(
            int[] promptIds,
            int[] generatedIds,
            String text,
            StopReason stopReason,
            StepCost prefill,
            List<StepCost> steps) {
        public Result {
            promptIds = promptIds.clone();
            generatedIds = generatedIds.clone();
            steps = List.copyOf(steps);
        }

        /**
         * The generated token the session has not seen yet, to put before the next prompt (empty if
         * none). Prefilled on the same session, {@code continuation()} followed by the next text's ids
         * continues the conversation exactly as one prompt of all its tokens would. Encode that text
         * with {@code tokenizer.encode(text, false)}: {@code encode(text)} adds the post-processor's
         * special tokens (Llama's BOS, OPT's {@code </s>}), which belong at the start of the
         * conversation only.
         */
        public int[] continuation() {
            return generatedIds.length == 0 ? new int[0] : new int[] {generatedIds[generatedIds.length - 1]};
        }

        /** The ids' counts and first few ({@link ArraySummary}), the stop reason and the text's length. */
        @Override
        public String toString() {
            return "Result[promptIds=" + ArraySummary.of(promptIds) + ", generatedIds=" + ArraySummary.of(generatedIds)
                    + ", text=" + text.length() + " chars, stopReason=" + stopReason + ", steps=" + steps.size() + "]";
        }
    }

    /** Generates, handing each token to {@code listener} as it comes. */
    public static Result generate(
            DecoderModel model,
            Session session,
            int[] prompt,
            Options options,
            Detokenizer detokenizer,
            Consumer<Token> listener) {
        TokenStream stream = stream(model, session, prompt, options, detokenizer);
        while (stream.hasNext()) {
            Token t = stream.next();
            if (listener != null) {
                listener.accept(t);
            }
        }
        return stream.result();
    }

    /** A lazy stream of the generated tokens: each {@code next()} runs the step it needs. */
    public static TokenStream stream(
            DecoderModel model, Session session, int[] prompt, Options options, Detokenizer detokenizer) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException(
                    "the prompt is empty: give at least one token (most models want their BOS)");
        }
        return new TokenStream(model, session, prompt.clone(), options, detokenizer);
    }

    /**
     * Tokens pulled one at a time; {@link #result()} once {@link #hasNext()} is false. When a step
     * throws from {@code hasNext()} or {@code next()} (a failed or interrupted read), the session is
     * left as it was before that step ({@link DecoderModel}), so asking again retries the step and
     * the stream goes on as if it had not failed; or drop the stream and reset the session.
     */
    public static final class TokenStream implements Iterator<Token> {
        private final DecoderModel model;
        private final Session session;
        private final int[] prompt;
        private final Options options;
        private final Detokenizer detokenizer;
        private final Sampler sampler;
        private final IntArrayList history = new IntArrayList();
        private final IntArrayList generated = new IntArrayList();
        private final List<StepCost> steps = new ArrayList<>();
        private final StopStrings stops;
        private StepCost prefill;
        private float[] logits;
        /** The decode steps' logits, overwritten each step (the prefill's are the step's own). */
        private float[] reused;

        private StepCost lastStep;
        private int pending = -1;
        private StopReason stopped;
        private Token next;

        private TokenStream(
                DecoderModel model, Session session, int[] prompt, Options options, Detokenizer detokenizer) {
            this.model = model;
            this.session = session;
            this.prompt = prompt;
            this.options = options;
            this.detokenizer = detokenizer;
            this.sampler = new Sampler(options.sampling());
            this.stops = new StopStrings(options.stopStrings());
            history.addAll(prompt);
        }

        @Override
        public boolean hasNext() {
            if (next == null && stopped == null) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public Token next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the generation has ended: " + stopped);
            }
            Token t = next;
            next = null;
            return t;
        }

        /** Runs the step for the next token, or returns null when the generation ends. */
        private Token advance() {
            if (logits == null) {
                Step s = model.prefill(session, prompt);
                prefill = s.cost();
                logits = s.logits();
                lastStep = prefill;
            } else if (pending >= 0) {
                if (session.position() >= session.context()) {
                    return end(StopReason.CONTEXT_FULL);
                }
                // Into the stream's own array: sampled below, before the next step overwrites it.
                if (reused == null) {
                    reused = new float[model.config().vocabSize()];
                }
                lastStep = model.decodeInto(session, pending, reused);
                logits = reused;
                pending = -1;
            }
            int id = sampler.sample(logits, history);
            steps.add(lastStep);
            if (options.stopIds().contains(id)) {
                return end(StopReason.STOP_TOKEN);
            }
            history.add(id);
            generated.add(id);
            pending = id;
            String text = detokenizer == null ? "" : stops.accept(detokenizer.push(id));
            Token t = new Token(id, text, lastStep);
            if (stops.hit()) {
                stopped = StopReason.STOP_STRING;
            } else if (generated.size() >= options.maxTokens()) {
                stopped = StopReason.MAX_TOKENS;
                t = new Token(
                        id,
                        text + (detokenizer == null ? "" : stops.accept(detokenizer.finish()) + stops.flush()),
                        lastStep);
                if (stops.hit()) {
                    stopped = StopReason.STOP_STRING;
                }
            }
            return t;
        }

        private Token end(StopReason reason) {
            stopped = reason;
            if (detokenizer != null) {
                String rest = stops.accept(detokenizer.finish());
                rest += stops.hit() ? "" : stops.flush();
                if (!rest.isEmpty()) {
                    // The held-back text of the last token, released now; no new token.
                    return new Token(-1, rest, lastStep);
                }
            }
            return null;
        }

        /**
         * The generation so far; complete once {@link #hasNext()} returned false, {@link
         * StopReason#UNFINISHED} before.
         */
        public Result result() {
            StopReason reason = stopped == null ? StopReason.UNFINISHED : stopped;
            return new Result(prompt, generated.toArray(), stops.text(), reason, prefill, steps);
        }
    }

    /**
     * Text as it streams, held back while its end could still begin a stop string, and cut before
     * the first stop string that completes.
     */
    static final class StopStrings {
        private final List<String> stops;
        private final StringBuilder text = new StringBuilder();
        private int emitted;
        private int cut = -1;

        StopStrings(List<String> stops) {
            this.stops = stops;
        }

        /** Adds text; returns what can be emitted now. */
        String accept(String piece) {
            if (cut >= 0) {
                return "";
            }
            text.append(piece);
            for (String s : stops) {
                int at = text.indexOf(s, Math.max(0, emitted - s.length() + 1));
                if (at >= 0 && (cut < 0 || at < cut)) {
                    cut = at;
                }
            }
            if (cut >= 0) {
                String out = text.substring(Math.min(emitted, cut), cut);
                emitted = cut;
                text.setLength(cut);
                return out;
            }
            int safe = text.length();
            for (String s : stops) {
                for (int k = Math.min(s.length() - 1, text.length()); k > 0; k--) {
                    if (text.length() - k >= emitted && s.startsWith(text.substring(text.length() - k))) {
                        safe = Math.min(safe, text.length() - k);
                        break;
                    }
                }
            }
            String out = text.substring(emitted, safe);
            emitted = safe;
            return out;
        }

        /** Whatever is held back (the generation ended without completing a stop string). */
        String flush() {
            if (cut >= 0) {
                return "";
            }
            String out = text.substring(emitted);
            emitted = text.length();
            return out;
        }

        boolean hit() {
            return cut >= 0;
        }

        String text() {
            return text.toString();
        }
    }
}
