package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.DType;
import dev.ripple.io.nativeio.PageCache;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.pipeline.PipelineListener;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.profile.DecoderProfiler;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileProgress;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bench warms every strategy up untimed, which reads its file into the page cache, and then
 * times it: with a page-cache reader the timed pass must start from the file evicted after the
 * warm-up, or the strategies would be timed warm while the header says cold. The bench's evictions
 * and phases are recorded in one sequence (the evictions made for real, through {@link
 * PageCache#attempt}): between the end of the warm-up and the start of the timed generation, each
 * strategy's file is evicted once. A generated tiny-opt decoder, profiled on token ids, keeps the run to seconds (the
 * encoder's forward warms up and evicts through the same step).
 */
class WarmUpEvictionTest {
    @TempDir
    Path dir;

    @Test
    void eachFileIsEvictedAfterTheWarmUpAndBeforeTheTimedPass() throws Exception {
        Path checkpoint = dir.resolve("opt");
        SyntheticDecoder tiny = SyntheticCheckpoint.preset("tiny-opt")
                .withActiveFraction(0.1) // planted co-activation: random weights alone fire almost no neuron
                .withClusters(8);
        SyntheticCheckpoint.write(tiny, checkpoint, "F16", 1, SyntheticVocabulary.NONE, null);
        Path work = dir.resolve("work");
        PreparedModel identity = PlacementPipeline.prepareDecoder(checkpoint, work, DType.F16, PipelineListener.NONE);
        // passages as token ids (no tokenizer needed), the same every run
        Random random = new Random(7);
        List<int[]> passages = IntStream.range(0, 14)
                .mapToObj(i -> random.ints(12, 0, tiny.vocabSize()).toArray())
                .toList();
        ProfileResult calibration;
        try (DecoderProfiler profiler = DecoderProfiler.open(identity.file(), ProfileOptions.defaults())) {
            calibration = profiler.profile(passages.subList(0, 12), "random ids", ProfileProgress.NONE);
        }
        List<int[]> prompts = passages.subList(12, 14);

        List<String> events = new ArrayList<>();
        Progress phases = (task, steps) -> {
            events.add("start " + task);
            return new Progress.Step() {
                @Override
                public void stepTo(long done) {}

                @Override
                public void close() {
                    events.add("end " + task);
                }
            };
        };
        PassStarts.Evictor evictions = file -> {
            events.add("evict " + file.getFileName());
            return PageCache.attempt(file);
        };
        StrategyBench.Settings settings = StrategyBench.Settings.defaults(work)
                .withReader(ReaderKind.POSITIONAL) // through the page cache: every pass starts evicted
                .withStrategies(List.of(BenchStrategy.named("naive"), BenchStrategy.RIPPLE_PLUS))
                .withPrompts(2)
                .withPromptTokens(8)
                .withDecodeTokens(2);
        DecoderBenchReport report = new StrategyBench(settings, phases, evictions)
                .decoder(new StrategyBench.DecoderInput(checkpoint, identity, "random ids", calibration, prompts));

        int warmedUp = events.indexOf("end warm up, naive, ripple+");
        int timed = events.indexOf("start generate, naive, ripple+");
        assertTrue(warmedUp >= 0 && timed > warmedUp, "a warm-up, then the timed pass: " + events);
        assertEquals(
                List.of("evict bench-identity.ripple", "evict bench-rippleplus.ripple"),
                events.subList(warmedUp + 1, timed),
                "each file evicted once between them: " + events);
        assertEquals(
                2, report.toJson().path("strategies").size(), report.toJson().toString());
        // evicted, or warm where an eviction drops nothing (a memory-backed file system): said either way
        assertTrue(
                List.of(PassStart.Kind.EVICTED, PassStart.Kind.WARM)
                        .contains(report.passStart().kind()),
                report.passStart().describe());
    }
}
