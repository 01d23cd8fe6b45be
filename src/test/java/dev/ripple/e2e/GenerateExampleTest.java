package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's generation example is code that compiles and runs: it is cut out of README.md,
 * wrapped in a class, compiled against the project's class path and run on a generated model
 * prepared the way the README says.
 */
class GenerateExampleTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeExampleCompilesAndGenerates() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("ripple.root", ".."), "README.md"));
        int marker = readme.indexOf("<!-- example: generate");
        assertTrue(marker >= 0, "README.md has the generation example");
        int start = readme.indexOf("```java\n", marker) + "```java\n".length();
        String code = readme.substring(start, readme.indexOf("```", start));

        Path opt = dir.resolve("opt");
        assertEquals(0, RippleRun.inProcess("synth", "--preset", "tiny-opt", "--vocab", "50272", "--positions", "2048",
                "--active", "0.1", "--out", opt.toString()).exit());
        Path trace = dir.resolve("t.rtrace");
        assertEquals(0, RippleRun.inProcess("profile", "--model", opt.toString(), "--out", trace.toString(), "--max-tokens",
                "800", "--work", dir.resolve("work").toString(), "--quiet").exit());
        Path model = dir.resolve("opt.ripple");
        assertEquals(0, RippleRun.inProcess("place", "--model", opt.toString(), "--trace", trace.toString(), "--out",
                model.toString(), "--quiet").exit());

        String source = """
                import dev.ripple.core.model.decoder.*;
                import dev.ripple.core.runtime.*;
                import dev.ripple.core.tensor.DType;
                import dev.ripple.core.tokenizer.Tokenizer;
                import java.nio.file.Path;
                import org.eclipse.collections.impl.factory.primitive.IntSets;

                public class ReadmeExample {
                    public static void main(String[] args) throws Exception {
                """ + code.replace("Path.of(\"opt-1.3b.ripple\")", "Path.of(args[0])") + """
                    }
                }
                """;
        Path src = dir.resolve("src/ReadmeExample.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null, List.of("-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), "--add-modules", "jdk.incubator.vector"), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(src)).call();
        assertTrue(ok, "the README example compiles:\n" + errors + "\n" + source);

        PrintStream before = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass("ReadmeExample").getMethod("main", String[].class);
            main.invoke(null, (Object) new String[] {model.toString()});
        } finally {
            System.setOut(before);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("tokens/s") && out.contains("ms of I/O per token"), out);
    }
}
