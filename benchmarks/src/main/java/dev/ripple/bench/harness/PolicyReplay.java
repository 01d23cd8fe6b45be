package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.reader.ReaderRan;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * How {@code ripple policies} replayed the policies, on a model or on a synthetic workload alike.
 *
 * @param tokens        tokens replayed per policy and round
 * @param repeats       rounds
 * @param cacheFraction DRAM budget, share of the FFN bytes
 * @param budgetBytes   the same in bytes
 * @param reader        the reader asked for and the one that ran
 * @param passStart     how each replay met the page cache (the file is evicted before each one for a
 *                      page-cache reader; warm when that dropped nothing)
 * @param queueDepth    reads in flight per request
 * @param device        the device profile reads were planned by (and took the time of, when emulated)
 * @param emulated      reads took {@code device}'s modelled time
 */
public record PolicyReplay(
        int tokens,
        int repeats,
        double cacheFraction,
        long budgetBytes,
        ReaderRan reader,
        PassStart passStart,
        int queueDepth,
        DeviceProfile device,
        boolean emulated) {

    /** The header's second line; {@code lfuRan}: say how lfu was seeded (only when it ran). */
    void print(PrintWriter o, boolean lfuRan) {
        o.printf(
                Locale.ROOT,
                "%d tokens replayed per policy from a cold cache, %s (order rotated per round); DRAM %.0f%% "
                        + "of FFN bytes (%d B%s); %s, queue depth %d; "
                        + "device %s%s: sequential %.0f MiB/s%n",
                tokens,
                repeats == 1 ? "1 round" : repeats + " rounds",
                100 * cacheFraction,
                budgetBytes,
                lfuRan ? "; lfu seeded with calibration frequencies" : "",
                ReportText.reads(reader, passStart),
                queueDepth,
                emulated ? "EMULATED " : "",
                device.name(),
                device.sequentialMiBps());
        DepthNote.print(o, device, queueDepth);
    }

    void putJson(ObjectNode doc) {
        doc.put("tokens", tokens);
        doc.put("repeats", repeats);
        doc.put("cacheFraction", cacheFraction);
        doc.put("cacheBytes", budgetBytes);
        reader.putJson(doc);
        passStart.putJson(doc);
        doc.put("queueDepth", queueDepth);
        DepthNote.putJson(doc, device, queueDepth);
        BenchReport.putDevice(doc.putObject("device"), device).put("emulated", emulated);
    }
}
