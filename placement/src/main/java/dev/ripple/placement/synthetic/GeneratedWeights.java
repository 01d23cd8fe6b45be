package dev.ripple.placement.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.core.format.RippleFile;
import dev.ripple.placement.importer.OnnxModel;
import dev.ripple.placement.importer.gguf.GgufFile;
import dev.ripple.placement.importer.gguf.GgufValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a model holds weights made by {@code ripple synth} rather than trained ones, so that every
 * figure measured on it can say {@link #LABEL} (docs/SYNTHETIC.md). The writers mark what they write:
 * a checkpoint's {@code config.json} carries a {@code ripple_synthetic} object whose {@code weights}
 * is {@code "generated"} (kept in a .ripple file's architecture under {@code hf}); a GGUF file's
 * {@code general.description} starts with "generated weights" (kept under {@code gguf} when imported);
 * an ONNX graph exported from a checkpoint carries {@code ripple.weights = generated} in its metadata.
 * One rule per format, here, so that every command labels the same model the same way.
 *
 * <pre>{@code
 * String suffix = GeneratedWeights.of(modelPath) ? " [" + GeneratedWeights.LABEL + "]" : "";
 * }</pre>
 */
public final class GeneratedWeights {
    /** What every figure measured on a generated model must say. */
    public static final String LABEL = "generated weights";

    /** The metadata key of an exported ONNX decoder: {@code generated} or {@code checkpoint}. */
    public static final String ONNX_METADATA_KEY = "ripple.weights";

    private static final String GGUF_DESCRIPTION = "general.description";

    private GeneratedWeights() {}

    /**
     * True when a .ripple file's architecture records a generated source: a checkpoint ({@code hf}), a
     * GGUF file ({@code gguf}) or a synthetic workload (its own {@code ripple_synthetic} block).
     */
    public static boolean inArchitecture(JsonNode architecture) {
        return architecture != null
                && (inHfConfig(architecture.path("hf"))
                        || architecture.path(SyntheticDecoderWriter.LABEL).isObject()
                        || architecture
                                .path("gguf")
                                .path(GGUF_DESCRIPTION)
                                .asText("")
                                .startsWith(LABEL));
    }

    /**
     * True when the model at {@code model} (a checkpoint directory, a .safetensors file beside its
     * config.json, a .ripple file, a .gguf file or an exported .onnx graph) holds generated weights. A file that cannot be read
     * says false: the command that opens it reports the problem.
     */
    public static boolean of(Path model) {
        if (model == null) {
            return false;
        }
        try {
            if (Files.isDirectory(model)) {
                return inConfig(model.resolve("config.json"));
            }
            String name = model.getFileName().toString();
            if (name.endsWith(".safetensors")) {
                Path parent = model.toAbsolutePath().getParent();
                return parent != null && inConfig(parent.resolve("config.json"));
            }
            if (name.endsWith(".gguf")) {
                try (GgufFile f = GgufFile.open(model)) {
                    return f.value(GGUF_DESCRIPTION)
                            .map(v -> v instanceof GgufValue.StringValue s
                                    && s.value().startsWith(LABEL))
                            .orElse(false);
                }
            }
            if (name.endsWith(".onnx")) {
                return "generated".equals(OnnxModel.readMetadata(model).get(ONNX_METADATA_KEY));
            }
            if (Files.isRegularFile(model)) {
                try (RippleFile f = RippleFile.open(model)) {
                    return inArchitecture(f.architecture());
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** {@code " (generated weights)"} for a generated model, else the empty string: for a report's title line. */
    public static String suffix(boolean generated) {
        return generated ? " (" + LABEL + ")" : "";
    }

    /** True when a Hugging Face {@code config.json} (parsed) carries the generated-weights mark. */
    public static boolean inHfConfig(JsonNode config) {
        JsonNode label = config.path(SyntheticDecoderWriter.LABEL);
        return label.isObject() && "generated".equals(label.path("weights").asText());
    }

    private static boolean inConfig(Path config) throws IOException {
        return Files.isRegularFile(config) && inHfConfig(new ObjectMapper().readTree(config.toFile()));
    }
}
