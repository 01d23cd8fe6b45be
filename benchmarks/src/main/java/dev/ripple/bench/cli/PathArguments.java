package dev.ripple.bench.cli;

import dev.ripple.core.format.AtomicFile;
import dev.ripple.placement.InputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The checks of a path option made when the command line is parsed, before any work: a file to
 * write that is a directory, or whose directory cannot be made or written, and a file to read that
 * does not exist or is a directory, fail at once with a one-line error naming the option and the
 * file ("Invalid value for option '--out': outdir: is a directory; give a file name"), rather than
 * after an hour of profiling. A path is named as {@link RippleCommand#printable} writes it, so a newline in
 * it cannot split the line. Attach one with {@code @Option(converter = PathArguments.OutputFile.class)}.
 *
 * <p>A missing directory on the way to a file to write is fine (the writer makes it); a file in its
 * place, or a directory the process may not write, is not.
 */
final class PathArguments {
    private PathArguments() {}

    /** A file the command writes (atomically, beside itself): not a directory, in a directory it can make and write. */
    static final class OutputFile implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = parse(value);
            if (Files.isDirectory(p)) {
                throw new TypeConversionException(
                        RippleCommand.printable(value) + ": is a directory; give a file name");
            }
            requireWritableDirectory(p.toAbsolutePath().getParent());
            return p;
        }
    }

    /**
     * A directory the command may write into, made when missing: not a file. Whether it can be
     * written is not checked here: picocli converts an option's default too ({@code --work
     * ripple-work}), and a command run from a read-only directory that never writes its work
     * directory ({@code generate} on a placed file, {@code --help}) must not be refused for it; a
     * command that does write there fails with the directory named.
     */
    static final class OutputDirectory implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = parse(value);
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new TypeConversionException(
                        RippleCommand.printable(value) + ": not a directory (a file of that name is in the way)");
            }
            return p;
        }
    }

    /** A directory the command measures by writing test files into it: it exists, is a directory, and can be written. */
    static final class ExistingDirectory implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = InputPath.existing(value);
            if (!Files.isDirectory(p)) {
                throw new TypeConversionException(RippleCommand.printable(value) + ": not a directory");
            }
            if (!Files.isWritable(p)) {
                throw new TypeConversionException(RippleCommand.printable(value) + ": directory not writable");
            }
            return p;
        }
    }

    /** A file the command reads: it exists, is not a directory, and can be read. */
    static final class InputFile implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = InputPath.existing(value);
            if (Files.isDirectory(p)) {
                throw new TypeConversionException(RippleCommand.printable(value) + ": is a directory, not a file");
            }
            if (!Files.isReadable(p)) {
                throw new TypeConversionException(RippleCommand.printable(value) + ": permission denied");
            }
            return p;
        }
    }

    /** A file or a directory the command reads (a model: an ONNX or .ripple file, or a checkpoint directory): it exists. */
    static final class InputPath implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            return existing(value);
        }

        static Path existing(String value) {
            Path p = parse(value);
            if (!Files.exists(p)) {
                throw new TypeConversionException(RippleCommand.printable(value) + ": no such file or directory");
            }
            return p;
        }
    }

    /**
     * Refuses, before any work, the output {@code out} of {@code option} when it is one of the
     * command's {@code inputs} or cannot be written ({@link AtomicFile#requireWritable}): outputs are
     * written after the work, and a refusal then would throw the work away. Its converter
     * ({@link OutputFile}) checked only the directory's mode, which root passes in {@code /proc}.
     */
    static void requireUsableOutput(InputFiles inputs, String option, Path out) throws IOException {
        inputs.requireNotOverwrittenBy(option, out);
        AtomicFile.requireWritable(out);
    }

    private static Path parse(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new TypeConversionException(
                    RippleCommand.printable(value) + ": not a valid path (" + e.getReason() + ")");
        }
    }

    /**
     * Refuses {@code dir} when the nearest part of it that exists is a file, or a directory this
     * process may not write into (the missing rest is made by the writer).
     */
    private static void requireWritableDirectory(Path dir) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        if (!Files.isDirectory(existing)) {
            throw new TypeConversionException(RippleCommand.printable(existing.toString())
                    + ": not a directory (a file is in the way of " + RippleCommand.printable(dir.toString()) + ")");
        }
        if (!Files.isWritable(existing)) {
            throw new TypeConversionException(
                    RippleCommand.printable(existing.toString()) + ": directory not writable");
        }
    }
}
