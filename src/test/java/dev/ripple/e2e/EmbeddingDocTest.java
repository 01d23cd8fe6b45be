package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Embedding the runtime" says how an app gets the jars and runs them: its dependency
 * snippet names the coordinates the poms build, and its {@code java} line the flags the tests and
 * the launcher run with. A version bump or a new flag that leaves the README behind fails here.
 */
class EmbeddingDocTest {
    private static final Path ROOT = Path.of(System.getProperty("ripple.root", ".."));

    @Test
    void theDependencySnippetNamesTheCoordinatesTheCorePomBuilds() throws IOException {
        String snippet = block("dependency", "```xml\n");
        String corePom = Files.readString(ROOT.resolve("core/pom.xml"));
        assertEquals(element(corePom, "groupId"), element(snippet, "groupId"), snippet);
        assertEquals("ripple-core", element(snippet, "artifactId"));
        assertTrue(corePom.contains("<artifactId>ripple-core</artifactId>"), "core/pom.xml builds ripple-core");
        assertEquals(
                element(corePom, "version"), element(snippet, "version"), "the parent's version, which core inherits");
        String version = element(snippet, "version");
        assertTrue(
                block("java flags", "```bash\n").contains("core/target/ripple-core-" + version + ".jar"),
                "the class-path line names the jar of this version");
    }

    @Test
    void theJavaLineHasTheFlagsTheTestsAndTheLauncherRunWith() throws IOException {
        String flags = element(Files.readString(ROOT.resolve("pom.xml")), "ripple.jvm.flags");
        String javaLine = block("java flags", "```bash\n").replace("\\\n", " ").replaceAll("\\s+", " ");
        assertTrue(javaLine.startsWith("java " + flags + " "), "README: " + javaLine + "; pom: " + flags);
        assertTrue(Files.readString(ROOT.resolve("ripple")).contains(flags), "./ripple passes " + flags);
    }

    /** The fenced block opened by {@code fence} after README's {@code <!-- example: NAME} marker. */
    private static String block(String name, String fence) throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int marker = readme.indexOf("<!-- example: " + name + " ");
        assertTrue(marker >= 0, "README.md has the example '" + name + "'");
        int start = readme.indexOf(fence, marker) + fence.length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    /** The text of the first {@code <tag>} element in {@code xml}. */
    private static String element(String xml, String tag) {
        Matcher m = Pattern.compile("<" + Pattern.quote(tag) + ">([^<]*)</" + Pattern.quote(tag) + ">")
                .matcher(xml);
        assertTrue(m.find(), "<" + tag + "> in " + xml.substring(0, Math.min(200, xml.length())));
        return m.group(1).strip();
    }
}
