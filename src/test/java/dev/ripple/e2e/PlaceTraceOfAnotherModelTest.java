package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace recorded on one model is refused by {@code ripple place} on another of the same shape:
 * the generated tiny-llama GGUF has tiny-opt's 2 layers of 256 neurons over a hidden size of 64, so
 * only the model the trace names tells them apart. Before, place wrote a file with a predictor
 * fitted to tiny-opt's FFN inputs and exited 0.
 */
class PlaceTraceOfAnotherModelTest {
    @TempDir
    static Path dir;

    static Path work;
    /** tiny-opt's trace, which both tests place on other checkpoints: profiled once. */
    static Path optTrace;
    /** A generated tiny-llama GGUF of tiny-opt's shape, and its trace. */
    static Path gguf;

    static Path ggufTrace;

    @BeforeAll
    static void profileTinyOptAndALlamaOfItsShape() {
        work = dir.resolve("work");
        optTrace = dir.resolve("opt.rtrace");
        DecoderSteps.profile(TinyOpt.dir(), optTrace, 300, work);
        gguf = dir.resolve("tiny.gguf");
        RippleRun.succeeds(
                "synth", "--preset", "tiny-llama", "--format", "gguf", "--vocab", "32000", "--out", gguf.toString());
        ggufTrace = dir.resolve("gguf.rtrace");
        DecoderSteps.profile(gguf, ggufTrace, 300, work);
    }

    @Test
    void aTraceOfAnotherCheckpointIsAOneLineErrorNamingBothFiles() throws Exception {
        Path out = dir.resolve("wrong.ripple");
        String err = refusedPlace(gguf, optTrace, out, work);
        assertTrue(err.contains(optTrace.toString()) && err.contains(gguf.toString()), err);
        assertTrue(
                err.contains(TinyOpt.dir().toRealPath().toString()),
                "names the checkpoint the trace was recorded on: " + err);

        // the GGUF's own trace places; a rank above the width is the full rank, said (it was silent)
        RippleRun placed = DecoderSteps.place(gguf, ggufTrace, out, "--work", work.toString(), "--rank", "1000");
        assertTrue(Files.isRegularFile(out));
        assertTrue(
                placed.out()
                        .contains("--rank 1000 is above the layers' smaller dimension: the predictor has the full rank,"
                                + " 64\n"),
                placed.out());
    }

    /**
     * The trace records the checkpoint itself, so placing compares files, not names: the same
     * checkpoint through a symbolic link of another name places (it was refused by name), and another
     * checkpoint of the same directory name is refused (it was accepted by name).
     */
    @Test
    void theCheckpointIsToldByItsFilesNotItsName() throws Exception {
        Path link = Files.createSymbolicLink(
                dir.resolve("linked-opt"), TinyOpt.dir().toAbsolutePath());
        Path viaLink = dir.resolve("via-link.ripple");
        DecoderSteps.place(link, optTrace, viaLink, "--work", work.toString());
        assertTrue(Files.isRegularFile(viaLink), "the same checkpoint through a link places");

        Path otherOpt = Files.createDirectories(dir.resolve("elsewhere")).resolve("opt");
        DecoderSteps.synthClustered(otherOpt, "tiny-opt", 50272);
        String err = refusedPlace(otherOpt, optTrace, dir.resolve("other-opt.ripple"), work);
        assertTrue(err.contains("recorded on the checkpoint") && err.contains("--trust-trace"), err);

        // a copy cannot be told from another checkpoint by its files: accepted when asked to
        Path trusted = dir.resolve("trusted.ripple");
        DecoderSteps.place(otherOpt, optTrace, trusted, "--work", work.toString(), "--trust-trace");
        assertTrue(Files.isRegularFile(trusted));
    }

    /**
     * --trust-trace takes a trace of a copy of the checkpoint, not of a model of another kind: the
     * Llama's trace (SwiGLU, its rule and FFN inputs) is refused on the OPT (ReLU) of its shape, naming
     * both, where it placed and fitted the predictor to the Llama's inputs before.
     */
    @Test
    void trustTraceStillRefusesATraceOfAnotherActivation() {
        String err = refusedPlace(TinyOpt.dir(), ggufTrace, dir.resolve("llama-on-opt.ripple"), work, "--trust-trace");
        assertTrue(err.contains("gated silu FFN") && err.contains("has a relu FFN"), err);
        assertTrue(
                err.contains(ggufTrace.toString())
                        && err.contains(TinyOpt.dir().getFileName().toString()),
                err);
        assertTrue(
                err.contains("(place --trust-trace; TraceMatch.SAME_SHAPE accepts a copy of the model, not a model of"
                        + " another kind)"),
                err);
    }

    /** A decoder's trace placed without --model meets the default MiniLM: the error says the default was used. */
    @Test
    void aForgottenModelIsNamedInTheRefusal() {
        Path out = dir.resolve("default.ripple");
        RippleRun refused = RippleRun.inProcess(
                "place", "--trace", optTrace.toString(), "--out", out.toString(), "--work", work.toString(), "--quiet");
        String err = refused.refusal();
        assertTrue(err.contains("layers") && err.contains("no --model given, so the default all-MiniLM-L6-v2"), err);
        assertFalse(Files.exists(out), "nothing written");
    }

    /** {@code ripple place} that must refuse: its one error line, having written nothing. */
    private static String refusedPlace(Path model, Path trace, Path out, Path work, String... options) {
        List<String> args = new ArrayList<>(List.of(
                "place",
                "--model",
                model.toString(),
                "--trace",
                trace.toString(),
                "--out",
                out.toString(),
                "--work",
                work.toString(),
                "--quiet"));
        args.addAll(List.of(options));
        RippleRun refused = RippleRun.inProcess(args.toArray(String[]::new));
        String err = refused.refusal();
        assertFalse(Files.exists(out), "nothing written");
        return err;
    }
}
