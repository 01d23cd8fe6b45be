package dev.ripple.placement.profile;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

/** The BERT-style inputs of one passage as ONNX Runtime tensors, shared by the profiler and the encoder. */
final class OrtInputs {
    private OrtInputs() {}

    /** Tensors for every input the session declares; the caller closes them. */
    static Map<String, OnnxTensor> of(OrtEnvironment env, Set<String> names, EncodedPassage p, Path file)
            throws IOException, OrtException {
        int n = p.length();
        long[] shape = {1, n};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (String name : names) {
                long[] values = switch (name) {
                    case "input_ids" -> p.ids();
                    case "attention_mask" -> p.attentionMask();
                    case "token_type_ids" -> p.typeIds();
                    case "position_ids" -> LongStream.range(0, n).toArray();
                    default ->
                        throw new IOException(file + ": model input '" + name + "' cannot be fed (known: input_ids, "
                                + "attention_mask, token_type_ids, position_ids)");
                };
                inputs.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape));
            }
            return inputs;
        } catch (IOException | OrtException | RuntimeException e) {
            inputs.values().forEach(OnnxTensor::close);
            throw e;
        }
    }
}
