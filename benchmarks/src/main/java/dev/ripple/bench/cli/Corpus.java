package dev.ripple.bench.cli;

import dev.ripple.placement.text.EuroparlCorpus;
import dev.ripple.placement.text.TextCorpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The text a command runs on, split into disjoint calibration and held-out passages. The default
 * is the embedded Europarl sample (English lines only, split by speech); a user's file has one
 * passage per line and is split by line with the same rule: line j is held out iff
 * {@code floor((j+1)·f) > floor(j·f)}, so the split is deterministic and interleaved.
 */
record Corpus(String name, List<String> calibration, List<String> heldOut) {
    /**
     * The embedded sample's split by held-out fraction, read once per JVM: reading filters all
     * 17,597 lines of the sample, which every further command run in the
     * same JVM (a program calling {@link RippleCommand#run}, the end-to-end tests) would otherwise
     * repeat. The sample is fixed and the split immutable, so every caller gets the same passages.
     */
    private static final Map<Double, Corpus> EMBEDDED = new ConcurrentHashMap<>();

    Corpus {
        calibration = List.copyOf(calibration);
        heldOut = List.copyOf(heldOut);
    }

    static Corpus load(Path text, double heldOutFraction) throws IOException {
        return load(text, heldOutFraction, Integer.MAX_VALUE);
    }

    /**
     * As {@link #load(Path, double)}, of a text of one's own only the first {@code maxPassages}
     * passages, split by the same rule (the embedded sample is split whole): a command that needs a
     * few thousand passages of a corpus of millions read all of them first.
     */
    static Corpus load(Path text, double heldOutFraction, int maxPassages) throws IOException {
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException(
                    "--heldout-fraction must be in [0, 1), got " + heldOutFraction); // the other commands split at 0.5
        }
        if (text == null) {
            try {
                // a second caller for the same fraction waits for the first one's read instead of repeating it
                return EMBEDDED.computeIfAbsent(heldOutFraction, f -> {
                    try {
                        EuroparlCorpus.Split s = EuroparlCorpus.read(DefaultData.europarl(), f);
                        return new Corpus(DefaultData.CORPUS_NAME, s.calibration(), s.heldOut());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause(); // the reader's own exception, as callers saw it before the cache
            }
        }
        List<String> lines = TextCorpus.read(text, maxPassages);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(text + ": no non-blank lines to run on");
        }
        List<String> cal = new ArrayList<>();
        List<String> held = new ArrayList<>();
        for (int j = 0; j < lines.size(); j++) {
            boolean out = Math.floor((j + 1) * heldOutFraction) > Math.floor(j * heldOutFraction);
            (out ? held : cal).add(lines.get(j));
        }
        return new Corpus(text.getFileName().toString(), cal, held);
    }

    /**
     * Calibration from its own file when given ({@code text} is then all held out), otherwise the
     * disjoint split of {@link #load}. A {@code text} every passage of which is a calibration passage
     * (the same file given twice, a copy, a part) is refused: bench, demo, policies and tradeoff
     * printed its figures as held-out ones, as {@code place} refuses for a trace given as both.
     */
    static Corpus load(Path text, Path calibrationText, double heldOutFraction) throws IOException {
        if (calibrationText == null) {
            return load(text, heldOutFraction);
        }
        if (text == null) {
            throw new IllegalArgumentException("--calibration-text needs --text: the held-out passages to measure on");
        }
        List<String> cal = TextCorpus.read(calibrationText, Integer.MAX_VALUE);
        List<String> held = TextCorpus.read(text, Integer.MAX_VALUE);
        if (cal.isEmpty() || held.isEmpty()) {
            throw new IllegalArgumentException(
                    (cal.isEmpty() ? calibrationText : text) + ": no non-blank lines to run on");
        }
        if (new HashSet<>(cal).containsAll(held)) {
            // the same file, a copy, or a part of it: the figures labelled held-out were the placement's own fit
            throw new IllegalArgumentException("--text " + text + " holds no passage that --calibration-text "
                    + calibrationText + " does not: its figures would be the placement's own fit, not held-out"
                    + " figures; give text the calibration did not see, or --text alone to split it");
        }
        return new Corpus(text.getFileName() + " (calibrated on " + calibrationText.getFileName() + ")", cal, held);
    }

    /**
     * This corpus, refused unless both splits hold a passage: the commands that place on the
     * calibration passages and measure on the held-out ones (demo, bench, policies, tradeoff) printed
     * tables of NaN and Infinity for a one-line text, whose held-out split is empty.
     */
    Corpus requireBothSplits() {
        if (calibration.isEmpty() || heldOut.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + calibration.size() + " calibration and " + heldOut.size()
                    + " held-out passages; this command places on the one and measures on the other, so it needs"
                    + " both (give more lines)");
        }
        return this;
    }

    /**
     * The passages of one split: calibration, heldout or all.
     *
     * @throws EmptySplitException when the split holds no passage (a one-line text split in half)
     */
    List<String> part(String which) {
        List<String> part = split(which);
        if (part.isEmpty()) {
            throw new EmptySplitException(name, which, calibration.size(), heldOut.size());
        }
        return part;
    }

    private List<String> split(String which) {
        return switch (which) {
            case "calibration" -> calibration;
            case "heldout" -> heldOut;
            case "all" -> {
                List<String> all = new ArrayList<>(calibration);
                all.addAll(heldOut);
                yield all;
            }
            default ->
                throw new IllegalArgumentException("--split must be calibration, heldout or all, not '" + which + "'");
        };
    }
}
