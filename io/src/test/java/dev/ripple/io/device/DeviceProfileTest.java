package dev.ripple.io.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.io.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceProfileTest {

    Path dir;

    @BeforeEach
    void createDir() throws IOException {
        dir = TestFiles.newDirectory("profile");
    }

    @AfterEach
    void deleteDir() {
        TestFiles.deleteRecursively(dir);
    }

    /** A table generated from a known line per depth, optionally with multiplicative noise. */
    static List<Measurement> table(double noise, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Measurement> table = new ArrayList<>();
        for (int qd : List.of(1, 4)) {
            double a = qd == 1 ? 80 : 20;
            double b = qd == 1 ? 1500 : 2500;
            for (int size = 4096; size <= 1 << 20; size *= 4) {
                double t = (a + size / b) * (1 + noise * (2 * random.nextDouble() - 1));
                double iops = 1e6 / t;
                table.add(new Measurement(size, qd, t * qd, t * qd * 0.95, t * qd * 2, iops * size / (1 << 20), iops));
            }
        }
        return table;
    }

    static DeviceProfile sample() {
        List<Measurement> table = table(0, 1);
        return new DeviceProfile(
                DeviceProfile.FORMAT_VERSION,
                "test-disk",
                "unit test",
                "2026-11-23T10:00:00Z",
                2500.5,
                12_345.25,
                table,
                CostModelFitter.fit(table));
    }

    @Test
    void jsonRoundTripThroughAFile() throws IOException {
        DeviceProfile profile = sample();
        Path file = dir.resolve("device.json");
        Files.writeString(file, profile.toJson());
        assertEquals(profile, DeviceProfile.read(file));
        String json = Files.readString(file);
        assertTrue(
                json.contains("\"sequentialMiBps\"")
                        && json.contains("\"random4kQd1Iops\"")
                        && json.contains("\"costModel\""),
                json);
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    /** The file calibrate saves in a directory is found there; none is no profile; a broken one is an error. */
    @Test
    void aProfileSavedInADirectoryIsFoundThere() throws IOException {
        assertTrue(DeviceProfile.savedIn(dir).isEmpty());
        DeviceProfile profile = sample();
        Files.writeString(dir.resolve(DeviceProfile.FILE_NAME), profile.toJson());
        assertEquals(profile, DeviceProfile.savedIn(dir).orElseThrow());
        Files.writeString(dir.resolve(DeviceProfile.FILE_NAME), "{");
        DeviceProfileException e = assertThrows(DeviceProfileException.class, () -> DeviceProfile.savedIn(dir));
        assertEquals(dir.resolve(DeviceProfile.FILE_NAME), e.file());
    }

    @Test
    void presetsRoundTrip() throws IOException {
        for (String name : UfsPresets.names()) {
            DeviceProfile preset = UfsPresets.byName(name);
            Path file = dir.resolve(name + ".json");
            Files.writeString(file, preset.toJson());
            assertEquals(preset, DeviceProfile.read(file));
        }
    }

    @Test
    void badFilesFailWithTheFileAndTheProblem() throws IOException {
        String good = sample().toJson();
        assertBad("{ \"formatVersion\": 1, \"name\": ", "the JSON ends before it is complete");
        assertBad("{\"name\": 3", "the JSON ends before it is complete");
        assertBad("{}", "missing field 'formatVersion'");
        assertBad("this is not json", "Unrecognized token");
        assertBad(good.replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"), "formatVersion 99 is not supported");
        assertBad(good.replace("\"sequentialMiBps\" : 2500.5", "\"sequentialMiBps\" : -3"), "sequentialMiBps must be");
        assertBad(good.replace("\"sequentialMiBps\" : 2500.5,", ""), "sequentialMiBps");
        assertBad(good.replace("\"name\" : \"test-disk\"", "\"name\" : \"test-disk\", \"colour\" : \"red\""), "colour");
        assertBad(good.replaceFirst("\"iops\" : [0-9.E]+", "\"iops\" : 0"), "iops must be");
        assertBad(good + " {}", "Trailing token");
        // Jackson's own words (types, tokens, feature switches) replaced by the file's terms
        assertBad("", "the file is empty");
        assertBad("[]", "the document must be an object, not an array");
        assertBad(
                good.replace("\"sequentialMiBps\" : 2500.5", "\"sequentialMiBps\" : NaN"),
                "NaN is not a number JSON allows");
        assertBad(
                good.replace("\"sequentialMiBps\" : 2500.5", "\"sequentialMiBps\" : -Infinity"),
                "-Infinity is not a number JSON allows");
        assertBad(
                good.replace("\"sequentialMiBps\" : 2500.5", "\"sequentialMiBps\" : \"fast\""),
                "field 'sequentialMiBps' must be a number, not a string");
        assertBad(
                good.replace("\"lines\" : [", "\"lines\" : 5, \"x\" : ["), "field 'costModel.lines' must be an array");
        assertBad(good.replace("\"name\" : \"test-disk\"", "\"name\" : null"), "field 'name' must not be null");
        assertBad(
                good.replace("\"2026-11-23T10:00:00Z\"", "\"yesterday\""),
                "measuredAt must be an ISO-8601 instant (2026-01-31T12:00:00Z) or date (2026-01-31), or empty for a"
                        + " preset, got 'yesterday' (line ");
        assertEquals(
                "2026-11-23",
                DeviceProfile.fromJson(good.replace("2026-11-23T10:00:00Z", "2026-11-23"), dir)
                        .measuredAt());
        DeviceProfileException directory = assertThrows(DeviceProfileException.class, () -> DeviceProfile.read(dir));
        assertTrue(directory.getMessage().contains("cannot be read"), directory.getMessage());
        assertTrue(!directory.getMessage().contains("java.io"), "the reason, not its class: " + directory.getMessage());
        DeviceProfileException missing =
                assertThrows(DeviceProfileException.class, () -> DeviceProfile.read(dir.resolve("absent.json")));
        assertTrue(
                missing.getMessage().contains("absent.json")
                        && missing.getMessage().contains("does not exist"),
                missing.getMessage());
    }

    private void assertBad(String json, String expectedProblem) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, json);
        DeviceProfileException e = assertThrows(DeviceProfileException.class, () -> DeviceProfile.read(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(
                e.getMessage().contains(expectedProblem), "expected '" + expectedProblem + "' in: " + e.getMessage());
        assertTrue(
                !e.getMessage().contains("Feature")
                        && !e.getMessage().contains("Source:")
                        && !e.getMessage().contains("`")
                        && !e.getMessage().contains("JsonToken")
                        && !e.getMessage().contains("dev.ripple"),
                "the problem in the file's terms, not Jackson's switches, tokens or Java types: " + e.getMessage());
    }

    @Test
    void fitterRecoversAKnownLine() {
        CostModel model = CostModelFitter.fit(table(0, 1));
        assertEquals(80, model.lineAt(1).fixedMicros(), 1e-6);
        assertEquals(1500, model.lineAt(1).bytesPerMicro(), 1e-6);
        assertEquals(20, model.lineAt(4).fixedMicros(), 1e-6);
        assertEquals(2500, model.lineAt(4).bytesPerMicro(), 1e-6);
        assertEquals(0, CostModelFitter.maxRelativeError(model, table(0, 1)), 1e-9);
    }

    @Test
    void fitterToleratesNoise() {
        long seed = TestFiles.seed();
        List<Measurement> noisy = table(0.05, seed);
        CostModel model = CostModelFitter.fit(noisy);
        assertEquals(80, model.lineAt(1).fixedMicros(), 80 * 0.2, "seed=" + seed);
        assertEquals(1500, model.lineAt(1).bytesPerMicro(), 1500 * 0.2, "seed=" + seed);
        assertTrue(CostModelFitter.maxRelativeError(model, noisy) < 0.15, "seed=" + seed);
    }

    @Test
    void fitterClampsFlatOrDecreasingCurvesToPhysicalLines() {
        // Time shrinking with size (noise on a flat curve): slope clamps, overhead stays >= 0.
        List<Measurement> odd = List.of(
                new Measurement(4096, 1, 50, 50, 60, 78, 20_000), new Measurement(8192, 1, 49, 49, 60, 160, 20_400));
        CostLine line = CostModelFitter.fit(odd).lineAt(1);
        assertTrue(line.fixedMicros() >= 0 && line.bytesPerMicro() > 0, line.toString());
        assertThrows(
                IllegalArgumentException.class,
                () -> CostModelFitter.fit(List.of(new Measurement(4096, 1, 50, 50, 60, 78, 20_000))));
    }

    @Test
    void ufsPresetsMatchTheirPublishedFigures() {
        DeviceProfile ufs31 = UfsPresets.ufs31();
        // 100K IOPS at QD32 for 4 KiB reads and 2,100 MB/s sequential, by construction.
        assertEquals(10.0, ufs31.costMicros(4096, 32), 1e-9);
        assertEquals(2100e6 / (1 << 20), ufs31.sequentialMiBps(), 1e-9);
        DeviceProfile ufs40 = UfsPresets.ufs40();
        assertEquals(10.0, ufs40.costMicros(4096, 32), 1e-9);
        // PowerInfer-2 reports ~4 GB/s for 512 KB reads on UFS 4.0: the model gives within 5%.
        double mbps512k = 512 * 1024 / ufs40.costMicros(512 * 1024, 32);
        assertEquals(4000, mbps512k, 200);
        assertTrue(ufs40.costMicros(4096, 1) > ufs40.costMicros(4096, 32), "QD1 costs more per read than QD32");
        assertThrows(IllegalArgumentException.class, () -> UfsPresets.byName("ufs-9"));
        assertEquals(ufs40, UfsPresets.byName("UFS-4.0"));
    }
}
