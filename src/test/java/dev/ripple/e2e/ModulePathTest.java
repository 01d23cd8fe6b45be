package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.cache.BundleCache;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.reader.ExtentReader;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.apache.commons.math3.util.FastMath;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app on the module path ({@code requires dev.ripple.core;}) compiles against the runtime's jars
 * and runs a model, with the flags the README gives: the jars carry the module names the README
 * states (Automatic-Module-Name). Runs on the jars {@code ./mvnw verify} has packaged by the time
 * this module's tests run.
 */
class ModulePathTest {
    @TempDir
    Path dir;

    @Test
    void anAppThatRequiresDevRippleCoreCompilesAndRunsAModel() throws Exception {
        Path core = jarOf(RippleModel.class);
        assertEquals("dev.ripple.core", moduleName(core));
        assertEquals("dev.ripple.io", moduleName(jarOf(ExtentReader.class)));
        assertEquals("dev.ripple.cache", moduleName(jarOf(BundleCache.class)));
        String modulePath = Stream.of(
                        RippleModel.class,
                        ExtentReader.class,
                        BundleCache.class,
                        ObjectMapper.class,
                        JsonParser.class,
                        JsonProperty.class,
                        MutableIntList.class,
                        IntArrayList.class,
                        FastMath.class)
                .map(ModulePathTest::jarOf)
                .map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));

        Path src = dir.resolve("src/my.app");
        Files.createDirectories(src.resolve("my/app"));
        Files.writeString(src.resolve("module-info.java"), "module my.app { requires dev.ripple.core; }\n");
        Files.writeString(src.resolve("my/app/Main.java"), """
                package my.app;

                import dev.ripple.core.activity.PredictorKind;
                import dev.ripple.core.runtime.RippleModel;
                import dev.ripple.core.runtime.RuntimeOptions;
                import java.nio.file.Path;

                public class Main {
                    public static void main(String[] args) throws Exception {
                        try (RippleModel m = RippleModel.open(
                                Path.of(args[0]), RuntimeOptions.defaults().withPredictor(PredictorKind.DENSE))) {
                            float[] x = new float[m.ffn(0).section().spec().dModel()];
                            java.util.Arrays.fill(x, 0.5f);
                            float[] out = new float[x.length];
                            m.ffn(0).forward(x, out);
                            System.out.println("ran " + m.stats().calls() + " call");
                        }
                    }
                }
                """);
        Path classes = dir.resolve("out");
        int compiled = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        "--module-path",
                        modulePath,
                        "--module-source-path",
                        dir.resolve("src").toString(),
                        "-m",
                        "my.app");
        assertEquals(0, compiled, "javac of a module that requires dev.ripple.core");

        Path model = dir.resolve("m.ripple");
        RippleFileWriter.write(model, RandomModels.model(5, 1, 16, 64, Activation.GELU, false, DType.F32));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector,ALL-MODULE-PATH",
                "--enable-native-access=dev.ripple.io",
                "--module-path",
                classes + File.pathSeparator + modulePath,
                "-m",
                "my.app/my.app.Main",
                model.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("ran 1 call"), output);
        assertTrue(!output.contains("Restricted methods"), "native access granted to dev.ripple.io: " + output);
    }

    /** The jar a class was loaded from: packaged by the build's {@code package} phase before these tests. */
    private static Path jarOf(Class<?> type) {
        try {
            Path p = Path.of(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI());
            assertTrue(
                    p.toString().endsWith(".jar"),
                    type.getName() + " comes from " + p + ", not a jar: run through ./mvnw verify, which packages it");
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String moduleName(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
        }
    }
}
