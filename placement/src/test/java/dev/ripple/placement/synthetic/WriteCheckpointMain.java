package dev.ripple.placement.synthetic;

import java.nio.file.Path;

/**
 * Writes a Llama-shaped checkpoint; run by {@link SyntheticWriterHeapTest} in a child JVM with a small
 * heap. Arguments: dir dtype shards layers hidden intermediate heads kvHeads vocab, or dir dtype shards
 * {@code llama2_7b}.
 */
public final class WriteCheckpointMain {
    private WriteCheckpointMain() {}

    public static void main(String[] args) throws Exception {
        SyntheticDecoder spec = spec(args);
        long start = System.nanoTime();
        SyntheticDecoderWriter.write(spec, Path.of(args[0]), args[1], Integer.parseInt(args[2]));
        Runtime rt = Runtime.getRuntime();
        System.out.printf(
                "wrote %d parameters in %.1f s with a max heap of %d MiB%n",
                spec.parameterCount(), (System.nanoTime() - start) / 1e9, rt.maxMemory() >> 20);
    }

    static SyntheticDecoder spec(String[] args) {
        if (args[3].equals("llama2_7b")) {
            return SyntheticDecoder.llama2_7b();
        }
        return SyntheticDecoder.llama(
                        Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]),
                        Integer.parseInt(args[5]),
                        Integer.parseInt(args[6]),
                        Integer.parseInt(args[7]),
                        Integer.parseInt(args[8]))
                .withClusters(64);
    }
}
