package dev.ripple.bench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Builds a {@code ripple} argument vector from a fuzzer's bytes: a subcommand, the options that
 * subcommand really has (read from picocli's {@link CommandSpec}, so a new option is fuzzed without
 * a change here), each with a value of {@link NastyValues}, plus bare options, stray arguments and
 * help/version flags.
 *
 * <p>Byte 0 picks the subcommand (or none), byte 1 the bad input the subcommand is pinned to (see
 * {@link #PINS}; for {@code inspect} it may be a tiny valid file); then each token takes one byte for its kind and one or two for what it names,
 * until the bytes or {@link #MAX_TOKENS} run out. A command that would do real work when its
 * inputs are valid is always given an input that cannot be (a missing path, a garbage file), ahead
 * of the fuzzed tokens, and the fuzzer never gives the pinned options itself (picocli refuses an
 * option given twice, which would end every run at the parser). {@code jmh} is left out: its
 * arguments are JMH's own, and it runs benchmarks.
 */
final class FuzzedArgv {
    static final int MAX_TOKENS = 16;

    /** What a pinned option is given. */
    enum PinValue {
        /** A bad input path ({@link NastyValues#badInput}). */
        BAD_INPUT,
        /** A bad input path or, one time in {@value #VALID_ONE_IN}, the tiny valid model. */
        BAD_OR_VALID_MODEL,
        /** The work directory in the scratch directory. */
        WORK
    }

    /** How often {@link PinValue#BAD_OR_VALID_MODEL} gives the valid model: one pin byte in this many. */
    static final int VALID_ONE_IN = 4;

    /** A pinned option (an empty name: the positional argument) and what it is given. */
    record Pin(String option, PinValue value) {}

    /**
     * The options each subcommand is always given, so that no run starts real work: the model,
     * trace or directory it would read is a bad input, and its work directory is in the scratch
     * directory rather than the current one. An empty option name is the positional argument.
     */
    static final Map<String, List<Pin>> PINS = Map.ofEntries(
            Map.entry("demo", List.of(new Pin("--model", PinValue.BAD_INPUT), new Pin("--work", PinValue.WORK))),
            Map.entry("bench", List.of(new Pin("--model", PinValue.BAD_INPUT), new Pin("--work", PinValue.WORK))),
            Map.entry("policies", List.of(new Pin("--model", PinValue.BAD_INPUT), new Pin("--work", PinValue.WORK))),
            Map.entry("tradeoff", List.of(new Pin("--model", PinValue.BAD_INPUT), new Pin("--work", PinValue.WORK))),
            Map.entry("profile", List.of(new Pin("--model", PinValue.BAD_INPUT), new Pin("--work", PinValue.WORK))),
            Map.entry(
                    "place",
                    List.of(
                            new Pin("--model", PinValue.BAD_INPUT),
                            new Pin("--trace", PinValue.BAD_INPUT),
                            new Pin("--work", PinValue.WORK))),
            Map.entry(
                    "decode-speed", List.of(new Pin("--model", PinValue.BAD_INPUT), new Pin("--work", PinValue.WORK))),
            Map.entry("generate", List.of(new Pin("--model", PinValue.BAD_INPUT), new Pin("--work", PinValue.WORK))),
            Map.entry("synth", List.of(new Pin("--out", PinValue.BAD_INPUT))),
            Map.entry("calibrate", List.of(new Pin("--dir", PinValue.BAD_INPUT))),
            Map.entry("inspect", List.of(new Pin("", PinValue.BAD_OR_VALID_MODEL))),
            Map.entry("help", List.of()));

    /** Subcommands not fuzzed: {@code jmh} passes its arguments to JMH, which runs benchmarks. */
    static final Set<String> NOT_FUZZED = Set.of("jmh");

    private static final List<String> STRAYS =
            List.of("--help", "-h", "--version", "-V", "--no-such-option", "-x", "-hV", "--help=true");

    private final CommandSpec root;
    private final List<String> commands;
    private final NastyValues values;

    FuzzedArgv(NastyValues values) {
        this.values = values;
        this.root = new CommandLine(new RippleCommand()).getCommandSpec();
        List<String> c = new ArrayList<>();
        c.add(""); // no subcommand
        for (String name : root.subcommands().keySet()) {
            if (!NOT_FUZZED.contains(name)) {
                if (!PINS.containsKey(name)) {
                    throw new IllegalStateException("subcommand '" + name + "' has no pins: say what keeps it from "
                            + "real work in FuzzedArgv.PINS, or leave it out in NOT_FUZZED");
                }
                c.add(name);
            }
        }
        this.commands = List.copyOf(c);
    }

    /** The subcommands fuzzed, "" for none, in the order byte 0 picks them. */
    List<String> commands() {
        return commands;
    }

    /** How many options the fuzzer may give {@code command} ("" for none), as token bytes index them. */
    int optionCount(String command) {
        return command.isEmpty()
                ? fuzzedOptions(root, List.of()).size()
                : fuzzedOptions(root.subcommands().get(command).getCommandSpec(), PINS.get(command))
                        .size();
    }

    /** The argument vector {@code input} describes. */
    List<String> decode(byte[] input) {
        Bytes in = new Bytes(input);
        String command = commands.get(Math.floorMod(in.next(), commands.size()));
        int pinChoice = in.next();
        List<String> args = new ArrayList<>();
        CommandSpec spec = root;
        List<Pin> pins = List.of();
        if (!command.isEmpty()) {
            args.add(command);
            spec = root.subcommands().get(command).getCommandSpec();
            pins = PINS.get(command);
        }
        for (Pin pin : pins) {
            String value = switch (pin.value()) {
                case BAD_INPUT -> values.badInput(pinChoice).toString();
                case BAD_OR_VALID_MODEL ->
                    (pinChoice % VALID_ONE_IN == 0 ? values.validModel() : values.badInput(pinChoice / VALID_ONE_IN))
                            .toString();
                case WORK -> values.work().toString();
            };
            if (!pin.option().isEmpty()) {
                args.add(pin.option());
            }
            args.add(value);
        }
        List<OptionSpec> options = fuzzedOptions(spec, pins);
        for (int t = 0; t < MAX_TOKENS && in.hasMore(); t++) {
            int b = in.next();
            int kind = (b & 0x7f) % 8;
            boolean attached = (b & 0x80) != 0;
            if (kind <= 4 || kind == 6) {
                if (options.isEmpty()) {
                    continue;
                }
                OptionSpec o = options.get(Math.floorMod(in.next(), options.size()));
                String[] names = o.names();
                String name = names[((b & 0x7f) / 8) % names.length];
                boolean takesValue = o.arity().max() > 0;
                if (!takesValue || kind == 6) {
                    args.add(name); // a flag, or an option with its value missing
                } else if (attached) {
                    args.add(name + "=" + values.value(in.next()));
                } else {
                    args.add(name);
                    args.add(values.value(in.next()));
                }
            } else if (kind == 5) {
                args.add(positional(command, in.next()));
            } else {
                args.add(STRAYS.get(Math.floorMod(in.next(), STRAYS.size())));
            }
        }
        return args;
    }

    /**
     * A positional argument: for {@code help}, a subcommand's name half the time (help on it);
     * otherwise a value, never a subcommand's name, so that no subcommand runs without its pins.
     */
    private String positional(String command, int b) {
        if (command.equals("help") && (b & 1) == 0) {
            List<String> names = List.copyOf(root.subcommands().keySet());
            return names.get(Math.floorMod(b >> 1, names.size()));
        }
        String v = values.value(b);
        return root.subcommands().containsKey(v) ? "" : v;
    }

    /** The options of {@code spec} the fuzzer may give: all but the pinned ones. */
    private static List<OptionSpec> fuzzedOptions(CommandSpec spec, List<Pin> pins) {
        List<OptionSpec> options = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            boolean pinned = false;
            for (Pin p : pins) {
                pinned |= List.of(o.names()).contains(p.option());
            }
            if (!pinned) {
                options.add(o);
            }
        }
        return options;
    }

    /** The input read byte by byte; zeros once it is used up. */
    private static final class Bytes {
        private final byte[] bytes;
        private int at;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean hasMore() {
            return at < bytes.length;
        }

        int next() {
            return at < bytes.length ? bytes[at++] & 0xff : 0;
        }
    }
}
