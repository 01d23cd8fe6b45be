package dev.ripple.bench.harness;

import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Sampler;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.model.decoder.StepCost;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.runtime.MemoryPlan;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.device.EmulatedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The strategies on real generation: each strategy's file and runtime options generate greedily
 * from the same prompts with the model's own predictor, cache and reads (no replay), the
 * strategies interleaved prompt by prompt so that they meet the same device conditions. Prefill
 * and decode are measured apart. Each strategy's continuations are checked against the dense
 * model in DRAM, teacher-forced on the same tokens: the share of steps whose greedy choice agrees.
 *
 * <pre>{@code
 * List<DecoderBench.Result> r = DecoderBench.run(setups, densePath, prompts, 32, 256, DType.F16, done -> { });
 * }</pre>
 */
public final class DecoderBench {
    private DecoderBench() {}

    /**
     * One strategy to measure: its file and how the runtime serves it.
     *
     * @param predictor a predictor to use instead of the options' one (the oracle), or null
     */
    public record Setup(
            String name,
            String placement,
            String cache,
            boolean collapse,
            Path file,
            RuntimeOptions options,
            ActivationPredictor predictor) {}

    /**
     * One phase of generation, per token.
     *
     * @param tokens             tokens the phase processed (prompt tokens, or decode steps)
     * @param tokensPerSecond    tokens over the phase's wall time
     * @param ioMs               I/O time per token
     * @param readsPerToken      read operations per token
     * @param bytesPerToken      bytes read per token, collapsed gaps included: where a cost model plans the
     *                           reads, a narrower bundle type may read more of them (a gap of the same bytes spans
     *                           more bundles), so compare types by {@code neededBytesPerToken}
     * @param neededBytesPerToken bytes of the needed bundles read per token (the cache's misses)
     * @param hitRate            bundles served from the cache over bundles needed
     * @param neuronsReadFraction bundles needed per token and layer, as a share of the layer's neurons
     *                           (for a prefill: per chunk, so the union of its tokens)
     * @param msPerToken         wall time per token
     * @param computeMsPerToken  wall time per token outside I/O: less the time the thread spent planning reads and
     *                           waiting for reads that no computation covered
     */
    public record Phase(
            long tokens,
            double tokensPerSecond,
            Percentiles ioMs,
            double readsPerToken,
            double bytesPerToken,
            double neededBytesPerToken,
            double hitRate,
            double neuronsReadFraction,
            double msPerToken,
            double computeMsPerToken) {
        /**
         * How much of the shorter of I/O and compute was hidden behind the other: {@code (io +
         * compute − total) / min(io, compute)}; 0 when they ran one after the other, 1 when the
         * time per token is {@code max(io, compute)}.
         */
        public double overlap() {
            double io = ioMs.mean();
            double shorter = Math.min(io, computeMsPerToken);
            return shorter <= 0 ? 0 : (io + computeMsPerToken - msPerToken) / shorter;
        }
    }

    /**
     * @param agreement  share of generated tokens whose greedy choice equals the dense model's on the same prefix
     * @param logitError mean over those steps of ‖logits − dense logits‖ / ‖dense logits‖: on generated
     *                   weights, whose logits are close to one another, the agreement flips on rounding
     *                   alone, so this says how far the sparse model really is
     * @param memory     resident tensors, one session's KV cache and the bundle cache of this setup
     * @param realReads  under an emulated device, where its real reads came from ({@link
     *                   dev.ripple.io.device.EmulatedReader#realReads()}); null without emulation
     */
    public record Result(
            String name,
            String placement,
            String cache,
            boolean collapse,
            Phase prefill,
            Phase decode,
            double agreement,
            double logitError,
            MemoryPlan memory,
            String realReads,
            String readAhead) {}

    /** Greedy steps each setup decodes untimed before a bench ({@link #warmUp}). */
    public static final int WARM_UP_STEPS = 8;

    /**
     * Runs every setup once, untimed, on {@code prompt}: a prefill and {@link #WARM_UP_STEPS} greedy
     * steps, each with a model of its own (closed after, so the timed run starts with an empty
     * cache; the predictor the options name, not {@link Setup#predictor}, whose replay position the
     * timed run owns). The JIT then has compiled the step before any strategy is timed: without it
     * the strategy that generated first paid that compilation in its first prompt. A page-cache
     * reader finds the files read: callers evict them after this, before {@link #run}.
     */
    public static void warmUp(List<Setup> setups, int[] prompt, int context, DType kvType) throws IOException {
        for (Setup s : setups) {
            try (RippleModel m = RippleModel.open(s.file(), s.options());
                    Session session = m.decoder()
                            .orElseThrow(() -> new IllegalArgumentException(s.file() + ": not a decoder"))
                            .newSession(context, kvType)) {
                DecoderModel decoder = m.decoder().orElseThrow();
                DecoderModel.Step step = decoder.prefill(session, prompt);
                for (int i = 0; i < WARM_UP_STEPS && prompt.length + i < context; i++) {
                    step = decoder.decode(session, Sampler.greedy().sample(step.logits()));
                }
            }
        }
    }

    /**
     * @param reference   a file of the same model whose mapped bundles give the dense reference
     * @param decodeSteps tokens generated per prompt
     * @param context     KV cache length of each session
     * @param progress    told the number of prompts done
     */
    public static List<Result> run(
            List<Setup> setups,
            Path reference,
            List<int[]> prompts,
            int decodeSteps,
            int context,
            DType kvType,
            IntConsumer progress)
            throws IOException {
        int k = setups.size();
        List<RippleModel> models = new ArrayList<>();
        List<Tally> tallies = new ArrayList<>();
        try (RippleFile ref = RippleFile.open(reference)) {
            DecoderModel dense = DecoderModel.load(ref, MappedFfn.of(ref));
            for (Setup s : setups) {
                RippleModel m = RippleModel.open(s.file(), s.options(), s.predictor(), null);
                models.add(m);
                tallies.add(new Tally(m));
            }
            for (int p = 0; p < prompts.size(); p++) {
                int[] prompt = prompts.get(p);
                for (int i = 0; i < k; i++) {
                    Tally t = tallies.get((i + p) % k);
                    t.generate(prompt, decodeSteps, context, kvType, dense);
                }
                progress.accept(p + 1);
            }
            List<Result> out = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Setup s = setups.get(i);
                Tally t = tallies.get(i);
                out.add(new Result(
                        s.name(),
                        s.placement(),
                        s.cache(),
                        s.collapse(),
                        t.prefill(),
                        t.decode(),
                        t.agreement(),
                        t.logitError(),
                        t.memory(context, kvType),
                        models.get(i).reader() instanceof EmulatedReader e ? e.realReads() : null,
                        readAhead(models.get(i))));
            }
            return out;
        } finally {
            OpenModels.closeAll(models);
        }
    }

    /**
     * The predictor decode's read-ahead ran with ({@link RippleModel#readAheadPredictor}: {@code
     * lowrank-ahead} for factors fitted to the layer input), "none" when it could not read ahead,
     * or null when decode does not read ahead in this JVM ({@link DecoderModel#readsAhead}).
     */
    private static String readAhead(RippleModel m) {
        return DecoderModel.readsAhead()
                ? m.readAheadPredictor().map(ActivationPredictor::name).orElse("none")
                : null;
    }

    /** What one setup's generations cost, summed over prompts. */
    private static final class Tally {
        private final RippleModel model;
        private final DecoderModel decoder;
        private final long neurons;
        private final PhaseTally prefill = new PhaseTally();
        private final PhaseTally decode = new PhaseTally();
        private long agree;
        private double logitError;
        private long compared;

        Tally(RippleModel model) {
            this.model = model;
            this.decoder = model.decoder()
                    .orElseThrow(() -> new IllegalArgumentException(model.file().path() + ": not a decoder"));
            this.neurons = model.file().layers().stream()
                            .mapToLong(l -> l.spec().dFfn())
                            .sum()
                    / model.layerCount();
        }

        /**
         * Greedy generation of {@code steps} tokens (the last one is not run), each step's logits
         * compared with the dense model's on the same tokens.
         */
        void generate(int[] prompt, int steps, int context, DType kvType, DecoderModel dense) {
            try (Session s = decoder.newSession(context, kvType);
                    Session reference = dense.newSession(context, kvType)) {
                DecoderModel.Step step = decoder.prefill(s, prompt);
                float[] expected = dense.prefill(reference, prompt).logits();
                prefill.add(step.cost());
                for (int i = 0; i < steps; i++) {
                    int next = Sampler.greedy().sample(step.logits());
                    agree += Sampler.greedy().sample(expected) == next ? 1 : 0;
                    logitError += relativeError(step.logits(), expected);
                    compared++;
                    if (i + 1 == steps) {
                        break;
                    }
                    step = decoder.decode(s, next);
                    expected = dense.decode(reference, next).logits();
                    decode.add(step.cost());
                }
            }
        }

        private static double relativeError(float[] actual, float[] expected) {
            double num = 0;
            double den = 0;
            for (int k = 0; k < expected.length; k++) {
                double e = actual[k] - expected[k];
                num += e * e;
                den += (double) expected[k] * expected[k];
            }
            return den == 0 ? 0 : Math.sqrt(num / den);
        }

        Phase prefill() {
            return prefill.phase(neurons);
        }

        Phase decode() {
            return decode.phase(neurons);
        }

        double agreement() {
            return compared == 0 ? Double.NaN : agree / (double) compared;
        }

        double logitError() {
            return compared == 0 ? Double.NaN : logitError / compared;
        }

        MemoryPlan memory(int context, DType kvType) {
            return MemoryPlan.held(
                    model.file(),
                    decoder.config().kvBytesPerToken(kvType) * context,
                    model.cache().map(c -> c.budgetBytes()).orElse(0L));
        }
    }

    /**
     * The steps of one phase (the prompts' prefills, or the decoded tokens), summed over prompts. A
     * decode step is one token through every layer once, so per FFN call is per token and layer.
     */
    private static final class PhaseTally {
        private final List<Double> ioMsPerToken = new ArrayList<>();
        private long tokens;
        private long nanos;
        private long reads;
        private long bytes;
        private long neededBytes;
        private long hits;
        private long needed;
        private long calls;
        private long stall;

        void add(StepCost c) {
            tokens += c.tokens();
            nanos += c.totalNanos();
            reads += c.readOps();
            bytes += c.bytesRead();
            neededBytes += c.bytesNeeded();
            hits += c.cacheHits();
            needed += c.predicted();
            calls += c.ffnCalls();
            stall += c.stallNanos();
            ioMsPerToken.add(c.ioMillis() / c.tokens());
        }

        /** @param neurons FFN neurons per layer */
        Phase phase(long neurons) {
            return new Phase(
                    tokens,
                    tokens / (nanos / 1e9),
                    Percentiles.of(ioMsPerToken.stream()
                            .mapToDouble(Double::doubleValue)
                            .toArray()),
                    reads / (double) tokens,
                    bytes / (double) tokens,
                    neededBytes / (double) tokens,
                    needed == 0 ? 0 : hits / (double) needed,
                    needed / (double) calls / neurons,
                    nanos / 1e6 / tokens,
                    (nanos - stall) / 1e6 / tokens);
        }
    }
}
