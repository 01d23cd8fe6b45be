package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.bench.harness.IoReplay;
import dev.ripple.bench.harness.PrefillReplay;
import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.device.UfsPresets;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench harness on a generated model: interleaving setups token by token changes when each
 * one reads, never what it reads; a passage read at once never needs more operations than its
 * tokens read one by one.
 */
class IoReplayTest {
    private static final int LAYERS = 3;
    private static final int NEURONS = 120;
    private static final int TOKENS = 40;

    @TempDir
    Path dir;

    @Test
    void interleavingChangesTimingOnlyAndPrefillNeedsFewerReads() throws Exception {
        Path file = dir.resolve("m.ripple");
        RippleFileWriter.write(file, RandomModels.model(11, LAYERS, 16, NEURONS, Activation.GELU, false, DType.F32));
        Random rnd = new Random(3);
        List<List<int[]>> perLayer = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            List<int[]> tokens = new ArrayList<>();
            for (int t = 0; t < TOKENS; t++) {
                TreeSet<Integer> set = new TreeSet<>();
                while (set.size() < 10 + rnd.nextInt(20)) {
                    set.add(rnd.nextInt(NEURONS));
                }
                tokens.add(set.stream().mapToInt(Integer::intValue).toArray());
            }
            perLayer.add(tokens);
        }
        TracePredictor sets = new TracePredictor(perLayer);
        RuntimeOptions base =
                RuntimeOptions.defaults().withReader(ReaderKind.POSITIONAL).withFillIn(false);
        List<IoReplay.Setup> setups = List.of(
                new IoReplay.Setup("none", file, base.withCache("none", 0).withMaxGapBytes(0)),
                new IoReplay.Setup("lru", file, base.withCache("lru", 0.2).withMaxGapBytes(0)),
                new IoReplay.Setup(
                        "linking", file, base.withCache("linking", 0.2).withDevice(UfsPresets.ufs40())));
        List<IoReplay> together =
                IoReplay.interleaved(setups, sets, TOKENS, List.of(UfsPresets.ufs31()), t -> {}, null);
        for (int i = 0; i < setups.size(); i++) {
            IoReplay.Setup s = setups.get(i);
            IoReplay alone = IoReplay.run(
                    s.name(), s.file(), s.options(), sets, TOKENS, List.of(UfsPresets.ufs31()), t -> {}, null);
            IoReplay mixed = together.get(i);
            assertEquals(s.name(), mixed.name());
            assertEquals(alone.opsPerToken(), mixed.opsPerToken(), s.name());
            assertEquals(alone.bytesPerToken(), mixed.bytesPerToken(), s.name());
            assertEquals(alone.cacheHitRate(), mixed.cacheHitRate(), s.name());
            assertEquals(
                    alone.projectedMsPerToken().get("ufs-3.1"),
                    mixed.projectedMsPerToken().get("ufs-3.1"),
                    1e-9);
            assertTrue(mixed.projectedMsPerToken().get("ufs-3.1") > 0);
        }
        assertTrue(together.get(1).cacheHitRate() > 0, "the lru cache serves repeated neurons");

        int[] starts = {0, 10, 25};
        PrefillReplay prefill =
                PrefillReplay.run("none", file, setups.getFirst().options(), sets, starts, TOKENS, p -> {});
        double decodeOpsPerPassage = together.getFirst().opsPerToken() * TOKENS / starts.length;
        assertTrue(
                prefill.opsPerSentence() <= decodeOpsPerPassage,
                prefill.opsPerSentence() + " vs " + decodeOpsPerPassage);
        assertTrue(prefill.unionFraction() > together.getFirst().neuronsReadFraction(), "a passage's union is larger");
        assertEquals(TOKENS / (double) starts.length, prefill.tokensPerSentence(), 1e-9);

        // interleaved passage by passage, each setup reads what it reads alone (its own cache, the
        // shared trace sought to each passage for each setup)
        List<PrefillReplay> prefills = PrefillReplay.interleaved(setups, sets, starts, TOKENS, p -> {});
        for (int i = 0; i < setups.size(); i++) {
            IoReplay.Setup s = setups.get(i);
            PrefillReplay alone = PrefillReplay.run(s.name(), s.file(), s.options(), sets, starts, TOKENS, p -> {});
            PrefillReplay mixed = prefills.get(i);
            assertEquals(s.name(), mixed.name());
            assertEquals(alone.opsPerSentence(), mixed.opsPerSentence(), s.name());
            assertEquals(alone.bytesPerSentence(), mixed.bytesPerSentence(), s.name());
            assertEquals(alone.unionFraction(), mixed.unionFraction(), s.name());
            assertEquals(alone.cacheHitRate(), mixed.cacheHitRate(), s.name());
        }
        assertTrue(
                prefills.getFirst().opsPerSentence() > 0 && prefills.getFirst().bytesPerSentence() > 0);
    }
}
