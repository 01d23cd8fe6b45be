package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFormat;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.io.device.CostLine;
import dev.ripple.io.device.CostModel;
import dev.ripple.io.device.DeviceProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder through the commands a user runs: a generated OPT-style checkpoint with GPT-2's real
 * tokenizer (and a Llama-style one with Llama 2's) goes through generate straight from its
 * directory, then profile, place and generate again with the predictor; the text streamed is the
 * tokenizer's decoding of the generated ids; bad budgets and wrong models are one-line errors.
 */
class GenerateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A storage whose every operation costs a second: a plan by it reads every gap through. */
    private static final DeviceProfile SLOW_OPS = new DeviceProfile(
            DeviceProfile.FORMAT_VERSION,
            "slow-ops",
            "test: an operation costs a second",
            "2026-12-07T00:00:00Z",
            1000,
            1,
            List.of(),
            new CostModel("test", List.of(new CostLine(1, 1e6, 1000))));

    @TempDir
    static Path dir;

    static Path opt;
    static Path work;

    @BeforeAll
    static void model() {
        opt = TinyOpt.dir();
        work = dir.resolve("work");
    }

    @Test
    void aModelDirectoryGeneratesTextInOneCommand() throws Exception {
        Path json = dir.resolve("g1.json");
        RippleRun run = DecoderSteps.generate(opt, "The Commission agrees that", 10, json, "--work", work.toString());
        JsonNode j = JSON.readTree(json.toFile());
        Tokenizer gpt2 = Tokenizer.fromDirectory(opt);
        assertArrayEquals(gpt2.encode("The Commission agrees that"), ints(j.path("promptIds")), "the prompt's ids");
        int[] generated = ints(j.path("generatedIds"));
        assertEquals(10, generated.length);
        assertEquals(gpt2.decode(generated, true), j.path("text").asText());
        assertTrue(run.out().startsWith(j.path("text").asText()), "the text is streamed first: " + run.out());
        assertTrue(j.path("placedOnTheFly").asBoolean());
        assertEquals("dense", j.path("predictor").asText(), "an imported directory has no predictor yet");
        for (String key : new String[] {
            "prefillTokensPerSecond",
            "decodeTokensPerSecond",
            "timeToFirstTokenMs",
            "readsPerToken",
            "bytesPerToken",
            "cacheHitRate"
        }) {
            assertTrue(j.path(key).isNumber(), key + " in " + j);
        }
        for (String key : new String[] {"mean", "p50", "p99"}) {
            assertTrue(j.path("ioMsPerToken").path(key).asDouble() > 0, "I/O " + key);
        }
        JsonNode m = j.path("memory");
        assertTrue(
                m.path("residentBytes").asLong() > 0 && m.path("kvCacheBytes").asLong() > 0);
        assertTrue(run.out().contains("decode") && run.out().contains("memory: resident"), run.out());

        // the same file read at an emulated phone's pace says so, and where its real bytes came from
        Path emulatedJson = dir.resolve("emulated.json");
        RippleRun emulated = generateSucceeds(
                "--prompt-ids", "1,2,3", "--max-tokens", "2", "--device", "ufs-4.0", "--json", emulatedJson.toString());
        assertTrue(
                emulated.out().contains("I/O EMULATED: every read took the time of ufs-4.0")
                        && emulated.out().contains("real reads from DRAM"),
                emulated.out());
        // the JSON names the reader that made those reads, and the one asked for, as the text does
        JsonNode e = JSON.readTree(emulatedJson.toFile());
        assertEquals("pread", e.path("reader").asText(), e.toString());
        assertEquals("direct", e.path("readerAsked").asText(), e.toString());
        assertTrue(e.path("readerFallback").asText().startsWith("the file fits in memory"), e.toString());
        assertTrue(emulated.out().contains("reader: pread (direct asked for; the file fits in memory"), emulated.out());
    }

    @Test
    void profilePlaceAndGenerateWithThePredictor() throws Exception {
        Path trace = dir.resolve("opt.rtrace");
        RippleRun profile = RippleRun.succeeds(
                "profile",
                "--model",
                opt.toString(),
                "--out",
                trace.toString(),
                "--max-tokens",
                "1500",
                "--ahead-moments", // off by default, as the read-ahead is
                "--work",
                work.toString(),
                "--quiet");
        assertTrue(profile.out().contains("under 'act > 0'"), profile.out());
        assertTrue(profile.out().contains("layer inputs recorded with the FFN inputs"), profile.out());
        Path file = dir.resolve("opt.ripple");
        RippleRun place = DecoderSteps.place(opt, trace, file);
        assertTrue(place.out().contains("the read-ahead's to the layer inputs"), place.out());
        assertTrue(
                RippleRun.succeeds("inspect", file.toString()).out().contains("ahead layer inputs"),
                "inspect shows the read-ahead's predictor");
        try (RippleFile f = RippleFile.open(file)) {
            assertTrue(f.tensor(RippleFormat.aheadTensor(0, "a")).isPresent(), "a decoder's profile fits it");
            assertEquals("opt", f.architecture().path("type").asText());
            assertEquals("f16", f.layers().getFirst().spec().dtype().label(), "decoder bundles default to f16");
            assertTrue(
                    f.blob("vocab.json").isPresent() && f.blob("merges.txt").isPresent(),
                    "the tokenizer travels along");
        }
        Path json = dir.resolve("g2.json");
        DecoderSteps.generate(file, "Mr President,", 8, json, "--dram", "64MiB");
        JsonNode j = JSON.readTree(json.toFile());
        assertEquals("lowrank", j.path("predictor").asText());
        JsonNode m = j.path("memory");
        assertEquals(64L << 20, m.path("budgetBytes").asLong());
        assertEquals(
                64L << 20,
                m.path("residentBytes").asLong()
                        + m.path("kvCacheBytes").asLong()
                        + m.path("workingBytes").asLong()
                        + m.path("cacheBytes").asLong(),
                "the budget is split, not exceeded");
        assertTrue(m.path("workingBytes").asLong() >= 3L << 20, "three working buffers of at least a MiB each: " + m);
    }

    /**
     * {@code --device-profile} plans the reads by a measured storage's cost model, at real speed:
     * here one whose operations cost a second, so every gap is read through and each layer is about
     * one read. Without it, each run of needed bundles is a read of its own. The tokens are the same.
     * A profile saved beside the .ripple file plans it without the flag, unless {@code --exact-reads}.
     */
    @Test
    void aDeviceProfilePlansTheReadsWithoutEmulatingThem() throws Exception {
        Path trace = dir.resolve("plan.rtrace");
        DecoderSteps.profile(opt, trace, 600, work);
        Path file = dir.resolve("plan.ripple");
        DecoderSteps.place(opt, trace, file);
        Path profile = Files.writeString(dir.resolve("slow-ops.json"), SLOW_OPS.toJson());
        Path exact = dir.resolve("g-exact.json");
        Path planned = dir.resolve("g-planned.json");
        RippleRun exactRun = DecoderSteps.generate(file, "Mr President,", 8, exact);
        assertTrue(
                exactRun.out()
                        .contains("'ripple calibrate --dir "
                                + file.toAbsolutePath().getParent() + "' saves one"),
                "how to plan better: " + exactRun.out());
        RippleRun plannedRun =
                DecoderSteps.generate(file, "Mr President,", 8, planned, "--device-profile", profile.toString());
        assertTrue(plannedRun.out().contains("reads planned by cost model of slow-ops\n"), plannedRun.out());
        JsonNode e = JSON.readTree(exact.toFile());
        JsonNode p = JSON.readTree(planned.toFile());
        assertEquals(
                "exact runs, widened to 4 KiB blocks", e.path("readPlanning").asText());
        assertEquals("cost model of slow-ops", p.path("readPlanning").asText());
        assertTrue(p.path("emulatedDevice").isNull(), "planned by the profile, not emulated: " + p);
        // the profile has a line at depth 1 alone, and generate reads at depth 8: said, as bench says it
        assertTrue(
                plannedRun.out().contains("NOTE: queue depth 8 is beyond the deepest slow-ops measured (1)"),
                plannedRun.out());
        assertEquals(1, p.path("queueDepthNote").path("deepestMeasured").asInt(), p.toString());
        assertTrue(e.path("queueDepthNote").isMissingNode(), "no profile, no note: " + e);
        assertEquals(e.path("generatedIds"), p.path("generatedIds"), "the plan changes the reads, never the tokens");
        assertTrue(
                p.path("readsPerToken").asDouble() < e.path("readsPerToken").asDouble()
                        && p.path("bytesPerToken").asDouble()
                                > e.path("bytesPerToken").asDouble(),
                "gaps read through: " + p.path("readsPerToken") + " reads and " + p.path("bytesPerToken")
                        + " bytes against " + e.path("readsPerToken") + " and " + e.path("bytesPerToken"));

        // The profile 'ripple calibrate --dir' saves beside the .ripple file plans it without a flag.
        Path calibrated = Files.createDirectories(dir.resolve("calibrated"));
        Path copy = Files.copy(file, calibrated.resolve("plan.ripple"));
        Files.copy(profile, calibrated.resolve(DeviceProfile.FILE_NAME));
        Path found = dir.resolve("g-found.json");
        RippleRun foundRun = DecoderSteps.generate(copy, "Mr President,", 8, found);
        assertTrue(
                foundRun.out()
                        .contains("reads planned by cost model of slow-ops ("
                                + calibrated.resolve(DeviceProfile.FILE_NAME)
                                + ", found beside the .ripple file read"),
                foundRun.out());
        JsonNode f = JSON.readTree(found.toFile());
        assertEquals(p.path("readsPerToken"), f.path("readsPerToken"), "planned as with --device-profile: " + f);
        // the profile found has its depth-1 line alone, as the one given: noted as with --device-profile
        assertTrue(
                foundRun.out().contains("NOTE: queue depth 8 is beyond the deepest slow-ops measured (1)"),
                foundRun.out());
        assertEquals(p.path("queueDepthNote"), f.path("queueDepthNote"), f.toString());
        Path optedOut = dir.resolve("g-exact-reads.json");
        DecoderSteps.generate(copy, "Mr President,", 8, optedOut, "--exact-reads");
        assertEquals(
                e.path("readsPerToken"),
                JSON.readTree(optedOut.toFile()).path("readsPerToken"),
                "--exact-reads plans without the profile found");
        assertEquals(
                "ripple: --device: not with --exact-reads, which plans without a device profile",
                RippleRun.inProcess(
                                "generate",
                                "--model",
                                copy.toString(),
                                "--prompt",
                                "Mr",
                                "--exact-reads",
                                "--device",
                                "ufs-4.0")
                        .refusal());
        // A broken profile there is an error naming it, not exact runs in silence.
        Files.writeString(calibrated.resolve(DeviceProfile.FILE_NAME), "{\"name\": ");
        String broken = RippleRun.inProcess("generate", "--model", copy.toString(), "--prompt", "Mr", "--quiet")
                .refusal();
        assertTrue(broken.contains(calibrated.resolve(DeviceProfile.FILE_NAME) + ": not a valid"), broken);

        RippleRun both = RippleRun.inProcess(
                "generate",
                "--model",
                file.toString(),
                "--prompt",
                "Mr President,",
                "--device",
                "ufs-4.0",
                "--device-profile",
                profile.toString(),
                "--quiet");
        assertEquals(1, both.exit(), both.err());
        assertEquals(
                "ripple: --device-profile: not with --device, whose profile plans the reads it emulates",
                both.err().strip());
    }

    /**
     * A checkpoint is read from its import in {@code --work}, so the profile saved there plans it,
     * named in the closing line: the lookup beside the {@code .ripple} file read must look in the
     * work directory, not beside the checkpoint given. Without one, the line names that directory as
     * the one to calibrate (it said "the .ripple files in DIR", which a checkpoint's user has none of).
     */
    @Test
    void aCheckpointIsPlannedByTheProfileSavedInTheWorkDirectoryOfItsImport() throws Exception {
        Path profiled = Files.createDirectories(dir.resolve("profiled-work"));
        Path json = dir.resolve("g-checkpoint.json");
        RippleRun exact = DecoderSteps.generate(opt, "Mr President,", 4, json, "--work", profiled.toString());
        assertTrue(
                exact.out().contains("'ripple calibrate --dir " + profiled + "' saves one where generate finds it"),
                "the directory to calibrate is the import's, not the checkpoint's: " + exact.out());
        Path saved = Files.writeString(profiled.resolve(DeviceProfile.FILE_NAME), SLOW_OPS.toJson());
        RippleRun run = DecoderSteps.generate(opt, "Mr President,", 4, json, "--work", profiled.toString());
        assertTrue(
                run.out().contains("reads planned by cost model of slow-ops (" + saved + ", found beside"), run.out());
        assertEquals(
                "cost model of slow-ops",
                JSON.readTree(json.toFile()).path("readPlanning").asText());
    }

    /**
     * Q4_0 bundles and Q8_0 resident matrices: place stores them (format 1.1) and reports the
     * error they add, generate runs from them, and the file is about a quarter of the f16 one.
     */
    @Test
    void quantizedBundlesAndResidentsGenerate() throws Exception {
        Path trace = dir.resolve("q.rtrace");
        DecoderSteps.profile(opt, trace, 600, work);
        Path f16 = dir.resolve("f16.ripple");
        DecoderSteps.place(opt, trace, f16, "--rank", "0");
        Path q4 = dir.resolve("q4.ripple");
        Path placeJson = dir.resolve("q4-place.json");
        RippleRun place = DecoderSteps.place(
                opt, trace, q4, "--dtype", "q4_0", "--resident-dtype", "q8_0", "--rank", "0", "--json");
        JsonNode report = JSON.readTree(place.out());
        assertEquals("q4_0", report.path("dtype").asText());
        double down = report.path("storageError").path("down").asDouble();
        assertTrue(down > 0.01 && down < 0.2, "Q4_0 rounds the down columns by a few percent RMS: " + down);
        try (RippleFile f = RippleFile.open(q4);
                RippleFile h = RippleFile.open(f16)) {
            f.verify();
            assertEquals("1.1", f.version());
            assertEquals("q4_0", f.layers().getFirst().spec().dtype().label());
            long q8Matrices = f.tensors().stream()
                    .filter(t -> t.dtype().label().equals("q8_0"))
                    .count();
            assertTrue(q8Matrices >= 2 * 4 + 1, "attention and embeddings stored as q8_0: " + q8Matrices);
            assertEquals("q8_0", f.provenance().path("residentType").asText(), "the provenance says so");
            assertTrue(
                    f.tensors().stream()
                            .filter(t -> t.shape().length == 1)
                            .noneMatch(t -> t.dtype().isQuantized()),
                    "norms and biases keep their type");
            long bundles =
                    f.layers().stream().mapToLong(l -> l.bundles().length()).sum();
            long halfBundles =
                    h.layers().stream().mapToLong(l -> l.bundles().length()).sum();
            assertTrue(bundles < 0.3 * halfBundles, "Q4_0 bundles against f16: " + bundles + " / " + halfBundles);
        }
        Path json = dir.resolve("q4.json");
        DecoderSteps.generate(q4, "Mr President,", 6, json, "--dram", "64MiB");
        assertEquals(6, JSON.readTree(json.toFile()).path("generatedIds").size());

        RippleRun wrong = RippleRun.inProcess(
                "place",
                "--model",
                opt.toString(),
                "--trace",
                trace.toString(),
                "--out",
                dir.resolve("x.ripple").toString(),
                "--dtype",
                "i32",
                "--quiet");
        assertEquals(1, wrong.exit());
        assertTrue(wrong.err().contains("--dtype 'i32' is not a weight type"), wrong.err());
    }

    @Test
    void aLlamaStyleModelChatsInItsTemplate() throws Exception {
        Path llama = dir.resolve("llama");
        RippleRun.succeeds("synth", "--preset", "tiny-llama", "--vocab", "32000", "--out", llama.toString());
        Path json = dir.resolve("chat.json");
        seededChat(llama, json);
        Tokenizer t = Tokenizer.fromDirectory(llama);
        int[] prompt = ints(JSON.readTree(json.toFile()).path("promptIds"));
        assertEquals(t.bosId().getAsInt(), prompt[0], "BOS first");
        assertTrue(t.decode(prompt, false).contains("[INST]"), "Llama 2's chat format: " + t.decode(prompt, false));
        Path again = dir.resolve("chat2.json");
        seededChat(llama, again);
        assertEquals(
                JSON.readTree(json.toFile()).path("generatedIds"),
                JSON.readTree(again.toFile()).path("generatedIds"),
                "a seed makes sampling reproducible");
        RippleRun unnamed = RippleRun.inProcess(
                "generate",
                "--model",
                llama.toString(),
                "--prompt",
                "Hello",
                "--chat",
                "--work",
                work.toString(),
                "--quiet");
        assertEquals(1, unnamed.exit(), "no template in the tokenizer config and none named");
        assertTrue(unnamed.err().contains("chat_template"), unnamed.err());
    }

    /** Four tokens sampled with seed 3 in Llama 2's chat format, the ids written to {@code json}. */
    private static void seededChat(Path model, Path json) {
        RippleRun.succeeds(
                "generate",
                "--model",
                model.toString(),
                "--prompt",
                "Hello",
                "--chat",
                "--chat-format",
                "llama2",
                "--max-tokens",
                "4",
                "--temperature",
                "0.8",
                "--top-p",
                "0.9",
                "--seed",
                "3",
                "--work",
                work.toString(),
                "--json",
                json.toString(),
                "--quiet");
    }

    @Test
    void impossibleRequestsAreOneLineErrors() throws Exception {
        RippleRun tiny = generate("--prompt-ids", "2,10,11", "--dram", "1MiB");
        String line = tiny.refusal();
        assertTrue(
                line.startsWith("ripple: --dram, --context: a DRAM budget of 1.0 MiB")
                        && line.contains("give at least"),
                line);

        // the budget's plan sizes the bundle cache: a share beside it was ignored, the same bytes cached
        RippleRun share = generate("--prompt-ids", "2,10,11", "--dram", "64MiB", "--cache-fraction", "0.9");
        assertEquals(1, share.exit(), share.err());
        assertEquals(
                "ripple: --cache-fraction: not with --dram, whose budget leaves the bundle cache what the resident"
                        + " tensors and the KV cache do not take",
                share.err().strip());

        // greedy decoding draws nothing, yet the sampler's settings are taken at temperature 0 (a sweep
        // over temperatures passes them at every point, as Hugging Face's generate does; they are unused)
        RippleRun greedy = generate("--prompt-ids", "2,10,11", "--top-k", "5", "--seed", "7");
        assertEquals(0, greedy.exit(), greedy.err());

        RippleRun both = generate("--prompt", "x", "--prompt-ids", "1");
        assertEquals(1, both.exit());
        assertTrue(both.err().contains("--prompt TEXT or as --prompt-ids 1,2,3, one of them"), both.err());
        RippleRun system = generate("--prompt", "x", "--system", "y");
        assertEquals("ripple: --system needs --chat", system.err().strip(), "the API's rule in the options' names");
        RippleRun none = generate("--prompt-ids", "1", "--max-tokens", "0");
        assertTrue(none.err().startsWith("ripple: --max-tokens: "), none.err());
        RippleRun shortContext = generate("--prompt-ids", "2,10,11", "--context", "3");
        assertTrue(shortContext.err().contains("give a longer --context, of at least 4"), shortContext.err());
        String ids64 = String.join(",", Collections.nCopies(64, "2"));
        RippleRun longPrompt = generate("--prompt-ids", ids64);
        assertEquals(
                "ripple: the prompt has 64 tokens, too many for the model's 64 positions, which must also hold a "
                        + "token to generate; give a shorter prompt, of at most 63 tokens",
                longPrompt.err().strip(),
                "no longer --context can help: tiny-opt takes 64 positions");

        Path notAModel = Files.writeString(dir.resolve("nonsense.ripple"), "not a model");
        RippleRun bad = RippleRun.inProcess("generate", "--model", notAModel.toString(), "--prompt-ids", "1");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("nonsense.ripple") && bad.err().contains("not a .ripple file"), bad.err());
    }

    /**
     * {@code --max-tokens} at the int's limit: the context (prompt + max tokens, within the model's)
     * is summed without overflow, so the run fills tiny-opt's 64 positions and stops there.
     */
    @Test
    void theMostTokensAnIntHoldsFillTheModelsContext() {
        RippleRun run = generateSucceeds("--prompt-ids", "2,10,11", "--max-tokens", "2147483647");
        assertTrue(run.out().contains("stopped: context_full"), run.out());

        RippleRun tooLong = generate("--prompt-ids", "2,10,11", "--context", "2147483647");
        assertEquals(1, tooLong.exit());
        assertEquals(
                "ripple: --context 2147483647 is longer than the model's 64 positions",
                tooLong.err().strip());
    }

    /** One token has no decode step: the CLI prints "-" for its figures and the JSON null, never NaN. */
    @Test
    void oneTokenPrintsNoDecodeFigures() throws Exception {
        Path json = dir.resolve("one.json");
        RippleRun run = generateSucceeds("--prompt-ids", "2,10,11", "--max-tokens", "1", "--json", json.toString());
        assertTrue(run.out().contains("decode - tokens/s") && !run.out().contains("NaN"), run.out());
        assertTrue(run.out().contains("(one cold run: the first tokens include the JVM's warm-up"), run.out());
        String text = Files.readString(json);
        assertTrue(
                !text.contains("NaN")
                        && JSON.readTree(text).path("decodeTokensPerSecond").isNull(),
                text);
    }

    /** A model without a chat template asked for --chat: the formats are listed once, with the option that names one. */
    @Test
    void chatWithoutATemplateListsTheFormatsOnce() {
        RippleRun chat = generate("--prompt", "hi", "--chat");
        String line = chat.refusal();
        assertTrue(line.endsWith("; --chat-format names one"), line);
        assertEquals(line.indexOf("llama3"), line.lastIndexOf("llama3"), "the formats are listed once: " + line);
    }

    /** {@code ripple generate} of tiny-opt with {@code options}, in {@link #work}, quietly, in this JVM. */
    private static RippleRun generate(String... options) {
        return RippleRun.inProcess(Stream.concat(
                        Stream.of("generate", "--model", opt.toString(), "--work", work.toString(), "--quiet"),
                        Stream.of(options))
                .toArray(String[]::new));
    }

    /** As {@link #generate}, failing the test, with its stderr, unless the command exits 0. */
    private static RippleRun generateSucceeds(String... options) {
        RippleRun run = generate(options);
        assertEquals(0, run.exit(), run.err());
        return run;
    }

    private static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .mapToInt(JsonNode::asInt)
                .toArray();
    }
}
