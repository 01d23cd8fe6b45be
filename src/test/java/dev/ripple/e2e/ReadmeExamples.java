package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A README example as code that compiles and runs: the block after an {@code <!-- example: NAME}
 * marker is cut out of README.md, its file names replaced by the test's, wrapped in a {@code main}
 * method with the given imports and parameters, compiled against the project's class path and run;
 * what it prints is returned.
 */
public final class ReadmeExamples {
    private ReadmeExamples() {}

    /**
     * @param name         the example's marker name
     * @param preamble     imports, then the class declaration's opening up to {@code main}'s body
     *                     (the example's free variables declared from {@code args})
     * @param replacements text of the example replaced before compiling (file names)
     * @param args         {@code main}'s arguments
     * @param dir          a scratch directory
     */
    public static String run(String name, String preamble, Map<String, String> replacements, String[] args, Path dir)
            throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("ripple.root", ".."), "README.md"));
        int marker = readme.indexOf("<!-- example: " + name);
        assertTrue(marker >= 0, "README.md has the example '" + name + "'");
        int start = readme.indexOf("```java\n", marker) + "```java\n".length();
        String code = readme.substring(start, readme.indexOf("```", start));
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            assertTrue(code.contains(r.getKey()), "the example names " + r.getKey());
            code = code.replace(r.getKey(), r.getValue());
        }
        String source = preamble + code + "    }\n}\n";
        Path src = dir.resolve("src/ReadmeExample.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(
                        errors,
                        null,
                        null,
                        List.of(
                                "-d",
                                classes.toString(),
                                "-classpath",
                                System.getProperty("java.class.path"),
                                "--add-modules",
                                "jdk.incubator.vector"),
                        null,
                        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                                .getJavaFileObjects(src))
                .call();
        assertTrue(ok, "the README example compiles:\n" + errors + "\n" + source);

        PrintStream before = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {classes.toUri().toURL()}, ReadmeExamples.class.getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass("ReadmeExample").getMethod("main", String[].class);
            main.invoke(null, (Object) args);
        } finally {
            System.setOut(before);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    /**
     * The preamble of a placement example (README's {@code place} and {@code place-decoder}): the
     * placement API's imports and {@code imports}, then {@code main} with the example's two texts,
     * {@code calibrationLines} and {@code heldOutLines}, read from the files {@code args[2]} and
     * {@code args[3]}.
     */
    public static String placementPreamble(String... imports) {
        StringBuilder preamble = new StringBuilder();
        for (String i : imports) {
            preamble.append("import ").append(i).append(";\n");
        }
        return preamble.append("""
                        import dev.ripple.placement.algorithm.PlacementAlgorithms;
                        import dev.ripple.placement.pipeline.*;
                        import dev.ripple.placement.profile.ProfileOptions;
                        import dev.ripple.placement.profile.ProfileResult;
                        import java.nio.file.Files;
                        import java.nio.file.Path;
                        import java.util.List;

                        public class ReadmeExample {
                            public static void main(String[] args) throws Exception {
                                List<String> calibrationLines = Files.readAllLines(Path.of(args[2]));
                                List<String> heldOutLines = Files.readAllLines(Path.of(args[3]));
                        """).toString();
    }

    /**
     * The lines a placement example prints, {@code ALGORITHM  N reads per token and layer}, as each
     * algorithm's held-out reads.
     */
    public static Map<String, Double> readsPerTokenAndLayer(String printed) {
        Matcher m = Pattern.compile("(?m)^(\\S+)\\s+([0-9.]+) reads per token and layer$")
                .matcher(printed);
        Map<String, Double> reads = new HashMap<>();
        while (m.find()) {
            reads.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return reads;
    }
}
