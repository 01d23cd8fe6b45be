package dev.ripple.bench.harness;

import dev.ripple.core.TaskFailure;
import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.model.bert.BertConfig;
import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.core.tensor.TensorSource;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Runs held-out passages through the Java encoder with a {@link RuleFfn} per configuration and
 * compares every embedding with ONNX Runtime's dense one. Activations are recomputed for every
 * configuration because a sparse layer changes the input of every later one. Passages are spread
 * over threads (one encoder and one {@link RuleFfn} each); counts are sums, so the result does not
 * depend on the thread count.
 */
public final class TradeoffSweep {
    private final BertConfig config;
    private final TensorSource tensors;
    private final List<FfnLayerWeights> layers;
    private final List<int[]> passages;
    private final List<float[]> reference;
    private final int threads;

    /**
     * @param tensors   the resident tensors by name (embeddings, attention, norms)
     * @param passages  held-out token ids, special tokens included
     * @param reference ONNX Runtime's pooled embedding of each passage
     */
    public TradeoffSweep(
            BertConfig config,
            TensorSource tensors,
            List<FfnLayerWeights> layers,
            List<int[]> passages,
            List<float[]> reference,
            int threads) {
        if (passages.size() != reference.size() || passages.isEmpty()) {
            throw new IllegalArgumentException("need one reference embedding per passage and at least one passage; got "
                    + passages.size() + " passages and " + reference.size() + " embeddings");
        }
        this.config = config;
        this.tensors = tensors;
        this.layers = List.copyOf(layers);
        this.passages = List.copyOf(passages);
        this.reference = List.copyOf(reference);
        this.threads = Math.max(1, Math.min(threads, passages.size()));
    }

    public int passages() {
        return passages.size();
    }

    /** One configuration to run. */
    public record Config(
            String family,
            ActivityRule rule,
            List<FillIn> fillIn,
            ActivationPredictor predictor,
            String predictorLabel) {
        public static Config oracle(String family, ActivityRule rule, List<FillIn> fillIn) {
            return new Config(family, rule, fillIn, null, "oracle");
        }
    }

    /**
     * Runs configurations side by side and returns one point per entry of {@code configs}, in order;
     * {@code progress} receives the count of passages done over all of them. A configuration given
     * more than once (the same instance: a trained rule's oracle is the configuration its rule's
     * point already has) runs once and each entry gets its point. Each configuration's passages are
     * split over the threads the same way and its counts summed in the same order whatever else
     * runs beside it, so its point does not depend on the others; the threads take the parts of the
     * next configuration as soon as they are free, where one configuration at a time would leave a
     * thread idle whenever the passages do not divide evenly (three passages on two threads: a
     * third of the time).
     */
    public List<TradeoffPoint> runAll(List<Config> configs, LongConsumer progress) throws InterruptedException {
        Map<Config, Integer> index = new IdentityHashMap<>();
        List<Config> distinct = new ArrayList<>();
        for (Config c : configs) {
            if (index.putIfAbsent(c, distinct.size()) == null) {
                distinct.add(c);
            }
        }
        List<TradeoffPoint> ran = runDistinct(distinct, progress);
        return configs.stream().map(c -> ran.get(index.get(c))).toList();
    }

    private List<TradeoffPoint> runDistinct(List<Config> configs, LongConsumer progress) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tradeoff");
            t.setDaemon(true);
            return t;
        });
        try {
            List<double[]> cosines = new ArrayList<>();
            List<List<Future<RuleFfn.FfnTally>>> parts = new ArrayList<>();
            for (Config c : configs) {
                double[] cos = new double[passages.size()];
                List<Future<RuleFfn.FfnTally>> own = new ArrayList<>();
                for (int w = 0; w < threads; w++) {
                    int first = w;
                    own.add(pool.submit(() -> {
                        RuleFfn ffn = new RuleFfn(layers, c.rule(), c.fillIn(), c.predictor());
                        EncoderModel encoder = new EncoderModel(config, tensors, ffn);
                        for (int p = first; p < passages.size(); p += threads) {
                            cos[p] = Cosines.cosine(encoder.embed(passages.get(p)), reference.get(p));
                            progress.accept(done.incrementAndGet());
                        }
                        return ffn.tally();
                    }));
                }
                cosines.add(cos);
                parts.add(own);
            }
            List<TradeoffPoint> points = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                Config c = configs.get(i);
                RuleFfn.FfnTally total = RuleFfn.FfnTally.ZERO;
                for (Future<RuleFfn.FfnTally> f : parts.get(i)) {
                    total = total.plus(f.get());
                }
                long tokens = total.tokenLayers() / Math.max(1, layers.size());
                points.add(new TradeoffPoint(
                        c.family(),
                        c.rule().describe(),
                        c.fillIn() != null,
                        c.predictorLabel(),
                        total.readShare(),
                        total.ffnError(),
                        Cosines.of(cosines.get(i)),
                        total.recall(),
                        total.precision(),
                        tokens));
            }
            return points;
        } catch (ExecutionException e) {
            throw TaskFailure.unwrap(e);
        } finally {
            pool.shutdownNow();
        }
    }
}
