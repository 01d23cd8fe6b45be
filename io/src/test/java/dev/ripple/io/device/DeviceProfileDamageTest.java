package dev.ripple.io.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.Extent;
import dev.ripple.io.ReadPlanner;
import dev.ripple.io.TestFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random damage to valid device profiles (values replaced by nulls, negatives, zeros, huge
 * or tiny numbers, strings, empty containers; fields removed; array elements doubled): a profile
 * either fails to read with a {@link DeviceProfileException} naming its origin, or reads and then
 * serves every query the planner and the runtime make of it (a cost line and a plan at queue
 * depths 1 to 64) without an exception. A profile is user input ({@code --device FILE}); one that
 * reads but fails inside a planner would fail far from the file that caused it.
 */
class DeviceProfileDamageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DAMAGED = 3_000;
    private static final Path ORIGIN = Path.of("damaged-profile.json");

    @Test
    void damagedProfilesAreRefusedAtReadOrServeEveryQuery() throws Exception {
        long seed = TestFiles.seed();
        SplittableRandom random = new SplittableRandom(seed);
        List<JsonNode> valid = new ArrayList<>();
        valid.add(JSON.readTree(DeviceProfileTest.sample().toJson()));
        for (String name : UfsPresets.names()) {
            valid.add(JSON.readTree(UfsPresets.byName(name).toJson()));
        }
        int refused = 0;
        for (int i = 0; i < DAMAGED; i++) {
            JsonNode profile = valid.get(random.nextInt(valid.size())).deepCopy();
            int damages = 1 + random.nextInt(3);
            for (int d = 0; d < damages; d++) {
                damage(profile, random);
            }
            String text = JSON.writeValueAsString(profile);
            DeviceProfile read;
            try {
                read = DeviceProfile.fromJson(text, ORIGIN);
            } catch (DeviceProfileException e) {
                assertEquals(ORIGIN, e.file(), text);
                refused++;
                continue;
            }
            try {
                query(read);
            } catch (RuntimeException e) {
                fail("seed=" + seed + " damaged profile " + i + " read but failed in use: " + e + "\n" + text, e);
            }
        }
        assertTrue(refused > DAMAGED / 4, "most damage is refused at read: " + refused + " of " + DAMAGED);
        assertTrue(refused < DAMAGED, "some damage (a changed but valid number) reads: " + refused);
    }

    /** What the planner and the runtime ask of a profile. */
    private static void query(DeviceProfile profile) {
        List<Extent> needed = List.of(new Extent(0, 4096), new Extent(10_000, 4096), new Extent(1 << 20, 3076));
        for (int q = 1; q <= 64; q++) {
            double gap = profile.breakEvenGapBytes(q);
            assertTrue(gap >= 0, "break-even gap " + gap + " at queue depth " + q);
            profile.costMicros(1 << 16, q);
            ReadPlanner.costModel(profile, q).withAlignment(4096).plan(needed);
        }
        profile.toJson();
    }

    /** Replaces, removes or doubles one node somewhere in {@code root}. */
    private static void damage(JsonNode root, SplittableRandom random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode parent = containers.get(random.nextInt(containers.size()));
        if (parent.isEmpty()) {
            return;
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode replacement = switch (random.nextInt(12)) {
            case 0 -> f.nullNode();
            case 1 -> f.numberNode(-1);
            case 2 -> f.numberNode(0);
            case 3 -> f.numberNode(Double.MAX_VALUE);
            case 4 -> f.numberNode(Double.MIN_VALUE);
            case 5 -> f.numberNode(Integer.MAX_VALUE);
            case 6 -> f.numberNode(1e-300);
            case 7 -> f.textNode("x");
            case 8 -> f.arrayNode();
            case 9 -> f.objectNode();
            case 10 -> null; // remove
            default -> f.numberNode(random.nextDouble() * 1e6);
        };
        if (parent instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            if (replacement == null) {
                o.remove(name);
            } else {
                o.set(name, replacement);
            }
        } else if (parent instanceof ArrayNode a) {
            int at = random.nextInt(a.size());
            if (replacement == null) {
                a.add(a.get(at).deepCopy()); // doubled: a repeated queue depth or measurement
            } else {
                a.set(at, replacement);
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.elements().forEachRemaining(child -> collect(child, containers));
        }
    }
}
