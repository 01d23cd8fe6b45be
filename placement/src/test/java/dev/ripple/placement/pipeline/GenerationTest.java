package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.model.decoder.GenerationStats;
import dev.ripple.core.model.decoder.Generator;
import dev.ripple.core.runtime.MemoryPlan;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tokenizer.ChatFormat;
import dev.ripple.core.tokenizer.ChatMessage;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.core.tokenizer.TokenizerData;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.importer.UnsupportedModelException;
import dev.ripple.placement.pipeline.InvalidGenerationRequestException.Input;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generation from a generated OPT checkpoint without a tokenizer: the import happens once and is
 * reported as a step, the choices (dense for want of a predictor, the context) are in the prepared
 * record, the tokens streamed are the ids returned, the memory held adds up, a DRAM budget is
 * honoured or refused, the JSON carries the same figures, and requests that cannot run name the
 * inputs at fault.
 */
class GenerationTest {
    private static final int[] PROMPT = {2, 17, 42};
    private static final int TOKENS = 5;

    @TempDir
    static Path dir;

    static Path checkpoint;

    @BeforeAll
    static void writeCheckpoint() throws Exception {
        checkpoint = dir.resolve("opt");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyOpt(), checkpoint, "F32", 1);
    }

    private static GenerationRequest request(GenerationRequest.Prompt prompt, int context, long dramBytes) {
        return request(dir.resolve("work"), prompt, context, dramBytes);
    }

    private static GenerationRequest request(Path work, GenerationRequest.Prompt prompt, int context, long dramBytes) {
        return request(checkpoint, work, prompt, context, dramBytes);
    }

    private static GenerationRequest request(
            Path model, Path work, GenerationRequest.Prompt prompt, int context, long dramBytes) {
        return new GenerationRequest(
                model,
                work,
                prompt,
                Generator.Options.greedy(TOKENS),
                true,
                context,
                DType.F16,
                dramBytes,
                RuntimeOptions.defaults().withReader(ReaderKind.POSITIONAL),
                null);
    }

    @Test
    void theTokensStreamedAreTheIdsReturnedAndTheMemoryAddsUp() throws Exception {
        List<String> steps = new ArrayList<>();
        Path work = dir.resolve("work-streamed");
        PreparedGeneration p = Generation.prepare(
                request(work, GenerationRequest.Prompt.ids(PROMPT), 0, 0),
                (step, done, total) -> steps.add(step + " " + done + "/" + total));
        assertTrue(p.model().imported() && p.model().placedNow());
        assertEquals(List.of("import opt 0/-1", "import opt 1/-1", "import opt 2/-1", "import opt 2/2"), steps);
        assertEquals(PredictorKind.DENSE, p.predictor());
        assertTrue(p.denseForWantOfPredictor(), "the imported checkpoint has no predictor");
        assertTrue(p.tokenizer().isEmpty());
        assertArrayEquals(PROMPT, p.promptIds());
        assertEquals(PROMPT.length + TOKENS, p.context(), "prompt and tokens to generate");
        assertTrue(p.budget().isEmpty());

        List<Integer> streamed = new ArrayList<>();
        GenerationResult r = Generation.run(p, t -> {
            if (t.id() >= 0) {
                streamed.add(t.id());
            }
        });
        int[] ids = r.result().generatedIds();
        assertEquals(TOKENS, ids.length);
        assertEquals(Generator.StopReason.MAX_TOKENS, r.result().stopReason());
        assertArrayEquals(ids, streamed.stream().mapToInt(Integer::intValue).toArray());
        assertEquals(TOKENS, r.stats().generatedTokens());
        assertEquals(PROMPT.length, r.stats().promptTokens());

        MemoryPlan m = r.memory();
        assertEquals(p.config().kvBytesPerToken(DType.F16) * p.context(), m.kvCacheBytes());
        assertTrue(m.residentBytes() > 0 && m.cacheBytes() > 0, m.toString());
        assertEquals(m.residentBytes() + m.kvCacheBytes() + m.workingBytes() + m.cacheBytes(), m.budgetBytes());
        assertTrue(r.summary().contains("generated") && r.summary().endsWith("predictor dense; stopped: max_tokens"));

        GenerationResult again = Generation.generate(
                request(work, GenerationRequest.Prompt.ids(PROMPT), 0, 0), PipelineListener.NONE, t -> {});
        assertFalse(again.prepared().model().placedNow(), "the import is reused");
        assertArrayEquals(ids, again.result().generatedIds(), "greedy decoding repeats itself");

        JsonNode j = new ObjectMapper().readTree(r.toJsonBytes());
        assertArrayEquals(
                ids,
                StreamSupport.stream(j.path("generatedIds").spliterator(), false)
                        .mapToInt(JsonNode::asInt)
                        .toArray());
        assertEquals("dense", j.path("predictor").asText());
        assertEquals("pread", j.path("reader").asText());
        assertEquals(m.kvCacheBytes(), j.path("memory").path("kvCacheBytes").asLong());
        assertEquals(m.budgetBytes(), j.path("memory").path("budgetBytes").asLong());
        assertEquals(TOKENS, j.path("steps").size());
        GenerationStats s = r.stats();
        assertEquals(s.promptTokens(), j.path("promptTokens").asInt());
        assertEquals(s.generatedTokens(), j.path("generatedTokens").asInt());
        assertEquals(s.decodeTokensPerSecond(), j.path("decodeTokensPerSecond").asDouble());
        assertEquals(s.ioMsP99(), j.path("ioMsPerToken").path("p99").asDouble());
        assertEquals(s.bytesPerToken(), j.path("bytesPerToken").asDouble());
    }

    /**
     * One token, no decode step (its logits come from the prefill): the decode figures are not
     * measured, so the summary prints "-" and says why, and the JSON holds null, not the string
     * "NaN" Jackson writes for a NaN double.
     */
    @Test
    void oneTokenHasNoDecodeFiguresAndSaysSo() throws Exception {
        GenerationRequest one = new GenerationRequest(
                checkpoint,
                dir.resolve("work"),
                GenerationRequest.Prompt.ids(PROMPT),
                Generator.Options.greedy(1),
                true,
                0,
                DType.F16,
                0,
                RuntimeOptions.defaults().withReader(ReaderKind.POSITIONAL),
                null);
        GenerationResult r = Generation.generate(one, PipelineListener.NONE, t -> {});
        GenerationStats s = r.stats();
        assertEquals(1, s.generatedTokens());
        assertFalse(s.decoded());
        assertEquals(0, s.decodeSteps());
        assertTrue(Double.isNaN(s.decodeTokensPerSecond()) && Double.isNaN(s.cacheHitRate()), s.toString());
        assertTrue(s.prefillTokensPerSecond() > 0, "the prefill is measured");
        String summary = r.summary();
        assertFalse(summary.contains("NaN"), summary);
        assertTrue(
                summary.contains("1 generated (no decode step: the first token's logits come from the prefill), "
                        + "decode - tokens/s; I/O per token - ms (p50 -, p99 -), - reads, - KiB, cache hits -;"),
                summary);
        String json = new String(r.toJsonBytes(), StandardCharsets.UTF_8);
        assertFalse(json.contains("NaN"), json);
        JsonNode j = new ObjectMapper().readTree(json);
        assertEquals(0, j.path("decodeSteps").asInt());
        for (String key : new String[] {"decodeTokensPerSecond", "readsPerToken", "bytesPerToken", "cacheHitRate"}) {
            assertTrue(j.path(key).isNull(), key + " in " + json);
        }
        assertTrue(j.path("ioMsPerToken").path("p99").isNull(), json);
        assertTrue(j.path("prefillTokensPerSecond").isNumber(), json);
    }

    @Test
    void aDramBudgetIsSplitOrRefused() throws Exception {
        long budget = 64L << 20;
        GenerationResult r = Generation.generate(
                request(GenerationRequest.Prompt.ids(PROMPT), 16, budget), PipelineListener.NONE, t -> {});
        assertEquals(budget, r.memory().budgetBytes());
        assertEquals(r.prepared().budget().orElseThrow(), r.memory(), "the budget's split is the memory held");
        assertEquals(16, r.prepared().context());

        InvalidGenerationRequestException tiny = assertThrows(
                InvalidGenerationRequestException.class,
                () -> Generation.prepare(
                        request(GenerationRequest.Prompt.ids(PROMPT), 16, 1024), PipelineListener.NONE));
        assertEquals(List.of(Input.DRAM_BYTES, Input.CONTEXT), tiny.inputs());
        assertTrue(
                tiny.getMessage().startsWith("dramBytes, context: a DRAM budget of 1.0 KiB")
                        && tiny.getMessage().contains("give at least")
                        && tiny.getMessage().endsWith("or a shorter context"),
                tiny.getMessage());
    }

    /**
     * An encoder's ONNX file was refused as "not a .ripple file" with two hex strings; it is told by
     * its first bytes, under any name.
     */
    @ParameterizedTest
    @ValueSource(strings = {"encoder.onnx", "model.bin"})
    void anOnnxModelIsRefusedAsNoDecoder(String name) throws Exception {
        Path onnx = Files.write(dir.resolve(name), new byte[] {0x08, 0x07, 0x12, 0x07});
        GenerationRequest r = new GenerationRequest(
                onnx,
                dir.resolve("work-onnx"),
                GenerationRequest.Prompt.ids(PROMPT),
                Generator.Options.greedy(1),
                true,
                0,
                DType.F16,
                0,
                RuntimeOptions.defaults(),
                null);
        UnsupportedModelException e =
                assertThrows(UnsupportedModelException.class, () -> Generation.prepare(r, PipelineListener.NONE));
        assertEquals(
                onnx + ": unsupported model: it looks like an ONNX model, not a .ripple file; a decoder is given as a"
                        + " .ripple file, a Hugging Face checkpoint directory (config.json beside the weights) or a"
                        + " .gguf file",
                e.getMessage());
    }

    @Test
    void promptsTheModelCannotTakeAreRefusedBeforeTheRuntimeOpens() {
        IllegalArgumentException text = assertThrows(
                IllegalArgumentException.class,
                () -> Generation.prepare(request(GenerationRequest.Prompt.text("hello"), 0, 0), PipelineListener.NONE));
        assertTrue(text.getMessage().contains("no tokenizer"), text.getMessage());
        InvalidGenerationRequestException longer = assertThrows(
                InvalidGenerationRequestException.class,
                () -> Generation.prepare(request(GenerationRequest.Prompt.ids(PROMPT), 3, 0), PipelineListener.NONE));
        assertEquals(List.of(Input.CONTEXT), longer.inputs());
        assertTrue(longer.getMessage().contains("give a longer context, of at least 4"), longer.getMessage());
        assertTrue(longer.describe(i -> "--context").contains("give a longer --context"), longer.getMessage());
        // a prompt the model's own positions cannot hold: the prompt is at fault, a longer context cannot help
        int[] tooLong = new int[SyntheticDecoder.tinyOpt().maxPositions()];
        Arrays.fill(tooLong, 2);
        InvalidGenerationRequestException prompt = assertThrows(
                InvalidGenerationRequestException.class,
                () -> Generation.prepare(request(GenerationRequest.Prompt.ids(tooLong), 0, 0), PipelineListener.NONE));
        assertEquals(List.of(Input.PROMPT_IDS), prompt.inputs());
        assertEquals(
                "the prompt has " + tooLong.length + " tokens, too many for the model's " + tooLong.length
                        + " positions, which must also hold a token to generate; give a shorter prompt, of at most "
                        + (tooLong.length - 1) + " tokens",
                prompt.getMessage());
    }

    @Test
    void aChatPromptIsTheSystemAndUserMessagesInTheTemplate() throws Exception {
        Path chatModel = dir.resolve("opt-chat");
        SyntheticDecoderWriter.write(SyntheticDecoder.opt(2, 64, 256, 4, 50272, 64), chatModel, "F32", 1);
        Files.write(chatModel.resolve("tokenizer.json"), TokenizerData.Vocab.GPT2.tokenizerJson());
        Tokenizer tokenizer = TokenizerData.Vocab.GPT2.tokenizer();
        GenerationRequest.Prompt chat =
                GenerationRequest.Prompt.chat("Why is the sky blue?", ChatFormat.CHATML, "Be brief.");
        PreparedGeneration p =
                Generation.prepare(request(chatModel, dir.resolve("work-chat"), chat, 0, 0), PipelineListener.NONE);
        int[] expected = tokenizer.encodeChat(
                ChatFormat.CHATML,
                List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Why is the sky blue?")),
                true);
        assertArrayEquals(expected, p.promptIds());
        assertFalse(Arrays.equals(tokenizer.encode("Why is the sky blue?"), p.promptIds()), "the template is applied");

        // the tokenizer's own template is used when none is named: GPT-2's has none to use
        InvalidGenerationRequestException none = assertThrows(
                InvalidGenerationRequestException.class,
                () -> Generation.prepare(
                        request(
                                chatModel,
                                dir.resolve("work-chat"),
                                GenerationRequest.Prompt.chat("hi", null, null),
                                0,
                                0),
                        PipelineListener.NONE));
        assertEquals(List.of(Input.CHAT_FORMAT), none.inputs());
    }

    @Test
    void aRequestNamesTheInputsThatDoNotGoTogether() {
        InvalidGenerationRequestException both = assertThrows(
                InvalidGenerationRequestException.class,
                () -> new GenerationRequest.Prompt("a", new int[] {1}, false, null, null));
        assertEquals(List.of(Input.PROMPT_TEXT, Input.PROMPT_IDS), both.inputs());
        assertEquals("give the prompt as text or as ids, one of them", both.getMessage());
        assertEquals("give the prompt as PROMPT_TEXT or as PROMPT_IDS, one of them", both.describe(Input::name));

        InvalidGenerationRequestException system = assertThrows(
                InvalidGenerationRequestException.class,
                () -> new GenerationRequest.Prompt("a", null, false, null, "be brief"));
        assertEquals("system needs chat", system.getMessage());
        assertEquals(
                "chatFormat needs chat",
                assertThrows(
                                InvalidGenerationRequestException.class,
                                () -> new GenerationRequest.Prompt("a", null, false, ChatFormat.CHATML, null))
                        .getMessage());
        assertEquals(
                List.of(Input.CHAT, Input.PROMPT_TEXT),
                assertThrows(
                                InvalidGenerationRequestException.class,
                                () -> new GenerationRequest.Prompt(null, new int[] {1}, true, null, null))
                        .inputs());
        InvalidGenerationRequestException context = assertThrows(
                InvalidGenerationRequestException.class, () -> request(GenerationRequest.Prompt.ids(PROMPT), -1, 0));
        assertEquals("context must not be negative, got -1", context.getMessage());
        assertEquals(
                List.of(Input.DRAM_BYTES),
                assertThrows(
                                InvalidGenerationRequestException.class,
                                () -> request(GenerationRequest.Prompt.ids(PROMPT), 0, -1))
                        .inputs());
    }
}
