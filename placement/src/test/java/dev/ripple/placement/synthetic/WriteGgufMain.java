package dev.ripple.placement.synthetic;

import dev.ripple.placement.importer.gguf.GgmlType;
import dev.ripple.placement.importer.gguf.GgufVocabulary;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Writes a Llama-shaped GGUF file with the Llama 2 vocabulary; run by {@link SyntheticGgufHeapTest}
 * in a child JVM with a small heap. Arguments: file, ggml type, then {@code layers} (TinyLlama-1.1B's
 * width cut to that many layers) or {@code llama2_7b}.
 */
public final class WriteGgufMain {
    private WriteGgufMain() {}

    public static void main(String[] args) throws Exception {
        SyntheticDecoder spec = spec(args[2]);
        long start = System.nanoTime();
        byte[] json;
        try (InputStream in = WriteGgufMain.class.getResourceAsStream("/ripple-tokenizer-data/llama2/tokenizer.json")) {
            json = in.readAllBytes();
        }
        long size = SyntheticGgufWriter.write(
                spec, Path.of(args[0]), GgmlType.valueOf(args[1]), GgufVocabulary.fromSentencePieceJson(json), args[2]);
        Runtime rt = Runtime.getRuntime();
        System.out.printf(
                "wrote %d bytes (%d parameters) in %.1f s with a max heap of %d MiB%n",
                size, spec.parameterCount(), (System.nanoTime() - start) / 1e9, rt.maxMemory() >> 20);
    }

    static SyntheticDecoder spec(String layers) {
        return layers.equals("llama2_7b")
                ? SyntheticDecoder.llama2_7b()
                : SyntheticDecoder.llama(Integer.parseInt(layers), 2048, 5632, 32, 4, 32000)
                        .withMaxPositions(2048);
    }
}
