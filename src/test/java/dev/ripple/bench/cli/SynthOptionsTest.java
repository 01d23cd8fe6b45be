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
 * valid values, a type the format does not write or a tokenizer GGUF cannot carry refused before
 * anything is written.
 */
class SynthOptionsTest {
    @TempDir
    Path dir;

    private record Run(int exit, String err) {}

    private Run synth(String... args) {
        StringWriter err = new StringWriter();
        String[] line = new String[args.length + 5];
        line[0] = "synth";
        line[1] = "--preset";
        line[2] = "tiny-llama";
        line[3] = "--out";
        line[4] = dir.resolve("out").toString();
        System.arraycopy(args, 0, line, 5, args.length);
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
}
