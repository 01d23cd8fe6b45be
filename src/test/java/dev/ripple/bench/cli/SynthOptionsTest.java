package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple synth}'s choices: --format and --dtype in any case, a wrong one refused with the
 * valid values, a type the format does not write, a tokenizer GGUF cannot carry or the model's
 * vocabulary cannot hold, or an unknown preset refused before anything is written, naming the option.
 */
class SynthOptionsTest {
    @TempDir
    Path dir;

    /**
     * {@code ripple synth --preset tiny-llama --out DIR/out} with {@code args}: its one-line error,
     * failing the test unless the command exits 1.
     */
    private String refusal(String... args) {
        return refusalAnyPreset(Stream.concat(Stream.of("--preset", "tiny-llama"), Stream.of(args))
                .toArray(String[]::new));
    }

    /** As {@link #refusal}, with {@code args} naming the preset. */
    private String refusalAnyPreset(String... args) {
        return CommandRuns.refusal(
                Stream.concat(Stream.of("synth", "--out", dir.resolve("out").toString()), Stream.of(args))
                        .toArray(String[]::new));
    }

    @Test
    void anUnknownFormatOrTypeIsRefusedListingTheChoicesInLowerCase() {
        assertEquals("ripple: unknown format 'zip' (known: safetensors, gguf)", refusal("--format", "zip"));
        for (String share : new String[] {"NaN", "0", "1", "-0.5", "Infinity"}) {
            assertEquals(
                    "ripple: --active must be a share in (0, 1), got " + Double.parseDouble(share),
                    refusal("--hidden-act", "fatrelu", "--active", share));
            assertEquals(
                    "ripple: --active must be a share in (0, 1), got " + Double.parseDouble(share),
                    refusalAnyPreset("--workload", "opt-6.7b", "--active", share));
        }
        assertEquals("ripple: unknown dtype 'f8' (known: f32, f16, bf16, q8_0, q4_0)", refusal("--dtype", "f8"));
        assertFalse(Files.exists(dir.resolve("out")), "refused before anything is written");
    }

    /**
     * A model GGUF's llama architecture cannot hold is refused for that first: the vocabulary's
     * remedy ("use --vocab 32000") came first and only led to this refusal.
     */
    @Test
    void aModelThatIsNotLlamaShapedIsRefusedForThatBeforeItsVocabulary() {
        String notLlama = "ripple: a GGUF file of architecture llama is written for Llama-shaped models; this one has ";
        assertEquals(notLlama + "the OPT family", refusalAnyPreset("--preset", "tiny-opt", "--format", "gguf"));
        assertEquals(
                notLlama + "the fatrelu activation (llama's FFN is SwiGLU)",
                refusal("--hidden-act", "fatrelu", "--format", "gguf"));
    }

    @Test
    void aTypeTheFormatDoesNotWriteIsRefusedNamingTheTypesItWrites() {
        assertEquals(
                "ripple: --dtype bf16 is not written to gguf (f32, f16, q8_0, q4_0)",
                refusal("--format", "GGUF", "--dtype", "BF16"));
        assertEquals("ripple: --dtype q8_0 is not written to safetensors (f32, f16, bf16)", refusal("--dtype", "q8_0"));
        assertFalse(Files.exists(dir.resolve("out")), "refused before anything is written");
    }

    @Test
    void aTokenizerGgufCannotCarryIsRefusedInTheCommandsWords() {
        assertEquals(
                "ripple: unknown tokenizer 'bert' (known: gpt2, llama2, llama3, none)", refusal("--tokenizer", "bert"));
        assertEquals(
                "ripple: a GGUF file carries the llama2 vocabulary or none, not 'gpt2'",
                refusal("--format", "gguf", "--tokenizer", "gpt2"));
        assertEquals(
                "ripple: the llama2 vocabulary has 32000 tokens and GGUF needs as many embedding rows; "
                        + "this model has 512 (use --vocab 32000 or --tokenizer none)",
                refusal("--format", "gguf"));
        assertFalse(Files.exists(dir.resolve("out")), "refused before anything is written");
    }

    @Test
    void anUnknownPresetOrATokenizerTooLargeForTheModelIsRefusedNamingTheOptions() {
        assertEquals(
                "ripple: unknown --preset 'gpt-5' (known: opt-125m, opt-350m, tinyllama-1.1b, llama-2-7b,"
                        + " llama-3.1-8b, qwen2-0.5b, tiny-opt, tiny-llama)",
                refusalAnyPreset("--preset", "gpt-5"));
        assertEquals(
                "ripple: the gpt2 tokenizer has 50257 tokens, more than the model's vocabulary of 512;"
                        + " choose another --tokenizer or a --vocab of at least 50257",
                refusalAnyPreset("--preset", "tiny-opt", "--tokenizer", "gpt2", "--vocab", "512"));
        assertFalse(Files.exists(dir.resolve("out")), "refused before anything is written");
    }

    @Test
    void aSizeBeyondThePresetOrOutOfRangeIsRefusedNamingTheOptionAndItsBound() {
        assertEquals(
                "ripple: --layers must be in 1..2 (the layers of tiny-llama), got 1000000",
                refusal("--layers", "1000000"));
        assertEquals("ripple: --layers must be in 1..2 (the layers of tiny-llama), got 0", refusal("--layers", "0"));
        assertEquals(
                "ripple: --clusters must be in 0..256 (the FFN width of tiny-llama), got -4",
                refusal("--clusters", "-4"));
        assertEquals("ripple: --vocab must be in 1..1048576, got 0", refusal("--vocab", "0"));
        assertEquals(
                "ripple: --layers must be in 1..32 (the layers of OPT-6.7B), got 1000",
                refusalAnyPreset("--workload", "opt-6.7b", "--layers", "1000"));
        assertEquals("ripple: --positions must be in 1..1048576, got 2000000000", refusal("--positions", "2000000000"));
        assertFalse(Files.exists(dir.resolve("out")), "refused before anything is written");
    }

    /**
     * A workload is FFN bundles and traces, a checkpoint has no traces: the options of the other
     * kind are refused, named, rather than ignored (a workload given --dtype bf16 was written in f16).
     */
    @Test
    void theOptionsOfTheOtherKindOfOutputAreRefusedNamingTheModeThatTakesThem() {
        assertEquals(
                "ripple: --dtype, --onnx: only with --preset, for a checkpoint; a --workload is an FFN-only model"
                        + " file in its shape's bundle type and traces (--layers, --active, --seed and the token"
                        + " counts set it)",
                refusalAnyPreset(
                        "--workload",
                        "tiny",
                        "--dtype",
                        "bf16",
                        "--onnx",
                        dir.resolve("x.onnx").toString()));
        assertEquals(
                "ripple: --calibration-tokens, --heldout-tokens: only with --workload, whose traces they size; a"
                        + " --preset checkpoint has no traces",
                refusal("--heldout-tokens", "40", "--calibration-tokens", "400"));
        assertFalse(Files.exists(dir.resolve("out")), "refused before anything is written");
        assertFalse(Files.exists(dir.resolve("x.onnx")), "refused before anything is written");
    }

    /** The tiny presets' own vocabulary (512) is smaller than their tokenizers': without --vocab it grows to them. */
    @Test
    void aTinyPresetWithItsDefaultsWritesACheckpointItsTokenizerFits() throws Exception {
        for (String[] preset : new String[][] {{"tiny-opt", "gpt2", "50257"}, {"tiny-llama", "llama2", "32000"}}) {
            Path out = dir.resolve(preset[0]);
            String printed = CommandRuns.ripple("synth", "--preset", preset[0], "--out", out.toString());
            assertTrue(
                    printed.contains("with its tokenizer's vocabulary of " + preset[2])
                            && printed.contains("tokenizer " + preset[1] + " (" + preset[2] + " tokens)"),
                    printed);
            assertTrue(Files.readString(out.resolve("config.json")).contains("\"vocab_size\" : " + preset[2]));
        }
    }

    /** --quiet as in every command that draws progress: a synthetic workload written without a step line. */
    @Test
    void quietWritesAWorkloadWithoutStepLines() {
        List<String> args = List.of(
                "synth",
                "--workload",
                "tiny",
                "--layers",
                "1",
                "--calibration-tokens",
                "40",
                "--heldout-tokens",
                "20",
                "--out",
                dir.resolve("w").toString());
        CapturedRun loud = CapturedRun.of(args, Duration.ofMinutes(2));
        assertEquals(0, loud.exit(), loud.err());
        assertTrue(loud.systemErr().contains("ripple: "), "step lines without --quiet: " + loud.systemErr());
        List<String> quietArgs = new ArrayList<>(args);
        quietArgs.set(quietArgs.size() - 1, dir.resolve("q").toString());
        quietArgs.add("--quiet");
        CapturedRun quiet = CapturedRun.of(quietArgs, Duration.ofMinutes(2));
        assertEquals(0, quiet.exit(), quiet.err());
        assertEquals("", quiet.systemErr(), "no step line with --quiet");
        assertTrue(quiet.out().contains("synthetic workload"), quiet.out());
    }
}
