package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.io.device.DevicePresets;
import dev.ripple.io.device.DeviceProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/DEVICES.md's hand-written profile is one the reader takes, and it is the ufs-4.0 preset it
 * says it is: a user who copies it starts from a file that works.
 */
class DevicesDocTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentedProfileLoadsAndIsThePreset() throws Exception {
        String doc = Files.readString(Path.of(System.getProperty("ripple.root", ".."), "docs", "DEVICES.md"));
        int marker = doc.indexOf("<!-- example: device profile -->");
        assertTrue(marker >= 0, "DEVICES.md has the example");
        int start = doc.indexOf("```json\n", marker) + "```json\n".length();
        Path file = Files.writeString(dir.resolve("my-phone.json"), doc.substring(start, doc.indexOf("```", start)));

        DeviceProfile read = DeviceProfile.read(file);
        DeviceProfile preset = DevicePresets.resolve("ufs-4.0");
        // The whole example, not a few fields: its source, measurements and method are the preset's too.
        assertEquals(preset, read);
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(preset.toJson()), json.readTree(Files.readString(file)));
    }
}
