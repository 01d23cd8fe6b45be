package dev.ripple.placement.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.ripple.placement.testdata.RealData;
import dev.ripple.placement.text.EuroparlCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The passages the profiler, the demo and the bench feed to all-MiniLM-L6-v2 are the same as when
 * they came from DJL's binding of the Rust tokenizers library: on every sentence of the demo's
 * Europarl split (calibration and held-out), at the lengths the commands use, the pure-Java
 * {@link PassageTokenizer} gives DJL's ids, attention mask and type ids, so the embeddings computed
 * from them are unchanged. DJL is configured as PassageTokenizer configured it before.
 */
class PassageTokenizerOracleTest {

    @Test
    void theDemosPassagesAreTheOnesDjlMade() throws Exception {
        EuroparlCorpus.Split split = RealData.europarlHalfHeldOut();
        List<String> sentences = new ArrayList<>(split.calibration());
        sentences.addAll(split.heldOut());
        sentences.add("");
        sentences.add("word ".repeat(700));
        assertTrue(sentences.size() > 5_000, "sentences " + sentences.size());
        Path json = RealData.file(RealData.MINILM_TOKENIZER);
        int compared = 0;
        for (int maxLength : new int[] {128, 64, 1024}) {
            Map<String, String> options = Map.of(
                    "addSpecialTokens",
                    "true",
                    "truncation",
                    "true",
                    "padding",
                    "false",
                    "maxLength",
                    Integer.toString(maxLength));
            try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(json, options);
                    PassageTokenizer ours = PassageTokenizer.open(json, maxLength)) {
                for (int i = 0; i < sentences.size(); i += maxLength == 128 ? 1 : 7) {
                    String s = sentences.get(i);
                    Encoding expected = djl.encode(s);
                    EncodedPassage actual = ours.encode(s);
                    assertArrayEquals(expected.getIds(), actual.ids(), s);
                    assertArrayEquals(expected.getAttentionMask(), actual.attentionMask(), s);
                    assertArrayEquals(expected.getTypeIds(), actual.typeIds(), s);
                    compared++;
                }
            }
        }
        assertEquals(true, compared > 6_000, "compared " + compared);
    }
}
