package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private record Run(int exit, String err) {}

    private Run synth(String... args) {
        String[] line = new String[args.length + 2];
        line[0] = "--preset";
        line[1] = "tiny-llama";
        System.arraycopy(args, 0, line, 2, args.length);
        return synthAnyPreset(line);
    }

    /** {@code ripple synth --out DIR/out} with {@code args}, which name the preset. */
    private Run synthAnyPreset(String... args) {
        StringWriter err = new StringWriter();
        String[] line = new String[args.length + 3];
        line[0] = "synth";
        line[1] = "--out";
        line[2] = dir.resolve("out").toString();
        System.arraycopy(args, 0, line, 3, args.length);
        int exit = RippleCommand.run(new PrintWriter(new StringWriter()), new PrintWriter(err), line);
        return new Run(exit, err.toString().strip());
    }

    @Test
    void anUnknownFormatOrTypeIsRefusedListingTheChoicesInLowerCase() {
        Run format = synth("--format", "zip");
        assertEquals(1, format.exit(), format.err());
        assertEquals("ripple: unknown format 'zip' (known: safetensors, gguf)", format.err());
        Run dtype = synth("--dtype", "f8");
        assertEquals(1, dtype.exit(), dtype.err());
        assertEquals("ripple: unknown dtype 'f8' (known: f32, f16, bf16, q8_0, q4_0)", dtype.err());
        assertFalse(Files.exists(dir.resolve("out")), "refused before anything is written");
    }

    @Test
    void aTypeTheFormatDoesNotWriteIsRefusedNamingTheTypesItWrites() {
        Run gguf = synth("--format", "GGUF", "--dtype", "BF16");
        assertEquals(1, gguf.exit(), gguf.err());
        assertEquals("ripple: --dtype bf16 is not written to gguf (f32, f16, q8_0, q4_0)", gguf.err());
        Run safetensors = synth("--dtype", "q8_0");
        assertEquals(1, safetensors.exit(), safetensors.err());
        assertEquals("ripple: --dtype q8_0 is not written to safetensors (f32, f16, bf16)", safetensors.err());
        assertFalse(Files.exists(dir.resolve("out")), "refused before anything is written");
    }

    @Test
    void aTokenizerGgufCannotCarryIsRefusedInTheCommandsWords() {
        Run unknown = synth("--tokenizer", "bert");
        assertEquals(1, unknown.exit(), unknown.err());
        assertEquals("ripple: unknown tokenizer 'bert' (known: gpt2, llama2, llama3, none)", unknown.err());
        Run gpt2 = synth("--format", "gguf", "--tokenizer", "gpt2");
        assertEquals(1, gpt2.exit(), gpt2.err());
        assertEquals("ripple: a GGUF file carries the llama2 vocabulary or none, not 'gpt2'", gpt2.err());
        Run rows = synth("--format", "gguf");
        assertEquals(1, rows.exit(), rows.err());
        assertEquals(
                "ripple: the llama2 vocabulary has 32000 tokens and GGUF needs as many embedding rows; "
                        + "this model has 512 (use --vocab 32000 or --tokenizer none)",
                rows.err());
        assertFalse(Files.exists(dir.resolve("out")), "refused before anything is written");
    }

    @Test
    void anUnknownPresetOrATokenizerTooLargeForTheModelIsRefusedNamingTheOptions() {
        Run preset = synthAnyPreset("--preset", "gpt-5");
        assertEquals(1, preset.exit(), preset.err());
        assertEquals(
                "ripple: unknown --preset 'gpt-5' (known: opt-125m, opt-350m, tinyllama-1.1b, llama-2-7b,"
                        + " llama-3.1-8b, qwen2-0.5b, tiny-opt, tiny-llama)",
                preset.err());
        Run tokenizer = synthAnyPreset("--preset", "tiny-opt", "--tokenizer", "gpt2");
        assertEquals(1, tokenizer.exit(), tokenizer.err());
        assertEquals(
                "ripple: the gpt2 tokenizer has 50257 tokens, more than the model's vocabulary of 512;"
                        + " choose another --tokenizer or a --vocab of at least 50257",
                tokenizer.err());
        assertFalse(Files.exists(dir.resolve("out")), "refused before anything is written");
    }
}
