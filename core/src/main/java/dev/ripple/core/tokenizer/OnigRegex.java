package dev.ripple.core.tokenizer;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression written for Oniguruma (what Hugging Face's tokenizers compile {@code Regex}
 * patterns with, in its default Ruby-like syntax) run by {@code java.util.regex}, and the bounded
 * matching every pattern from a file goes through.
 *
 * <p><b>Translation.</b> Java reads most of the syntax alike (classes, {@code \p{L}}, possessive
 * quantifiers, atomic groups, look-around, {@code (?i:...)}). What differs, checked against the
 * Rust library on every code point: {@code \s} is {@code [\t\n\x0B\f\r\x85\p{Z}]}, {@code \d} is
 * {@code \p{Nd}}, {@code \w} is Unicode's word class (Alphabetic, marks, decimal digits, connector
 * punctuation, and the Latin-1 fractions and superscripts) and {@code \h} a hex digit (Java reads
 * all four as ASCII classes or as something else); {@code ^ $} match at line boundaries and
 * {@code .} everything but {@code \n}; {@code (?m)} is Java's {@code (?s)}; case-insensitive groups
 * fold Unicode case; {@code \p{^X}} is {@code \P{X}}; script names ({@code \p{Han}}) and POSIX
 * brackets ({@code [[:alpha:]]}) take their Unicode meaning; {@code {,n}} is {@code {0,n}} and a
 * {@code {} that starts no quantifier is a literal. Constructs with no Java equivalent
 * ({@code \K}, subexpression calls, absent operators, other option letters) are rejected.
 *
 * <p><b>Bounded matching.</b> A pattern from a file may backtrack catastrophically, and a
 * repeated group recurses once per repetition in {@code java.util.regex}. Every search therefore
 * reads the text through a counter that stops it after {@link #STEPS_PER_CHAR} character reads per
 * input character (the patterns real tokenizers use read a character a handful of times), and a
 * stack overflow inside the matcher is reported the same way: as an {@link IllegalArgumentException}
 * that names the pattern and the input length, never as a hang.
 */
final class OnigRegex implements Patterns.TextPattern {
    /** Character reads allowed per input character (plus {@link #STEPS_BASE}) before a search is stopped. */
    static final long STEPS_PER_CHAR = 2_000;

    static final long STEPS_BASE = 100_000;

    private static final String SPACE = "\\t\\n\\x0B\\f\\r\\x{85}\\p{Z}";
    /** Oniguruma's word class inside brackets and as [[:word:]]: Alphabetic, marks, decimal digits, connector punctuation. */
    private static final String WORD = "\\p{IsAlphabetic}\\p{M}\\p{Nd}\\p{Pc}";
    /** A bare {@code \w} also takes ² ³ ¹ ¼ ½ ¾ (Oniguruma's Latin-1 table). */
    private static final String WORD_ALONE = WORD + "\\xB2\\xB3\\xB9\\xBC-\\xBE";

    private static final String HEX = "0-9a-fA-F";
    private static final Set<String> CATEGORIES = Set.of(
            "L", "Lu", "Ll", "Lt", "Lm", "Lo", "LC", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd",
            "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs",
            "Co", "Cn");
    /** Oniguruma property names whose Java spelling differs (keys lower case, without _ - and spaces). */
    private static final Map<String, String> PROPERTIES = Map.ofEntries(
            Map.entry("alpha", "\\p{IsAlphabetic}"),
            Map.entry("alphabetic", "\\p{IsAlphabetic}"),
            Map.entry("digit", "\\p{Nd}"),
            Map.entry("alnum", "\\p{IsAlphabetic}\\p{Nd}"),
            Map.entry("upper", "\\p{IsUppercase}"),
            Map.entry("uppercase", "\\p{IsUppercase}"),
            Map.entry("lower", "\\p{IsLowercase}"),
            Map.entry("lowercase", "\\p{IsLowercase}"),
            Map.entry("space", "\\p{IsWhite_Space}"),
            Map.entry("whitespace", "\\p{IsWhite_Space}"),
            Map.entry("punct", "\\p{P}\\p{S}"),
            Map.entry("xdigit", HEX),
            Map.entry("word", WORD),
            Map.entry("blank", "\\p{Zs}\\t"),
            Map.entry("cntrl", "\\p{Cc}"),
            Map.entry("ascii", "\\x00-\\x7F"),
            Map.entry("any", "\\x{0}-\\x{10FFFF}"),
            Map.entry("letter", "\\p{L}"),
            Map.entry("mark", "\\p{M}"),
            Map.entry("number", "\\p{N}"),
            Map.entry("punctuation", "\\p{P}"),
            Map.entry("symbol", "\\p{S}"),
            Map.entry("separator", "\\p{Z}"),
            Map.entry("other", "\\p{C}"),
            Map.entry("decimalnumber", "\\p{Nd}"),
            Map.entry("uppercaseletter", "\\p{Lu}"),
            Map.entry("lowercaseletter", "\\p{Ll}"),
            Map.entry("titlecaseletter", "\\p{Lt}"),
            Map.entry("modifierletter", "\\p{Lm}"),
            Map.entry("otherletter", "\\p{Lo}"),
            Map.entry("nonspacingmark", "\\p{Mn}"),
            Map.entry("spacingmark", "\\p{Mc}"),
            Map.entry("enclosingmark", "\\p{Me}"),
            Map.entry("letternumber", "\\p{Nl}"),
            Map.entry("othernumber", "\\p{No}"),
            Map.entry("connectorpunctuation", "\\p{Pc}"),
            Map.entry("spaceseparator", "\\p{Zs}"),
            Map.entry("control", "\\p{Cc}"),
            Map.entry("format", "\\p{Cf}"),
            Map.entry("privateuse", "\\p{Co}"),
            Map.entry("unassigned", "\\p{Cn}"),
            Map.entry("surrogate", "\\p{Cs}"),
            Map.entry("graph", "^\\p{IsWhite_Space}\\p{Cc}\\p{Cs}\\p{Cn}"),
            Map.entry("print", "^\\p{Cc}\\p{Cs}\\p{Cn}\\p{Zl}\\p{Zp}"));

    private final String original;
    private final Pattern pattern;

    private OnigRegex(String original, Pattern pattern) {
        this.original = original;
        this.pattern = pattern;
    }

    /** Compiles an Oniguruma pattern; the message of the exception says what cannot be translated. */
    static OnigRegex compile(String onig) {
        String java = translate(onig);
        try {
            return new OnigRegex(onig, Pattern.compile(java, Pattern.MULTILINE | Pattern.UNIX_LINES));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "regex /" + abbreviate(onig) + "/: " + e.getDescription() + " (as java.util.regex: "
                            + abbreviate(java) + ")",
                    e);
        } catch (StackOverflowError e) {
            throw new IllegalArgumentException("regex /" + abbreviate(onig) + "/ nests too deeply to compile");
        }
    }

    String original() {
        return original;
    }

    Pattern pattern() {
        return pattern;
    }

    /**
     * Every match in {@code s} from left to right, as Oniguruma's iterator returns them: after an
     * empty match the search moves on by one character (never into a surrogate pair), an empty match
     * right where the previous match ended is skipped, and a match that would start between the
     * halves of a surrogate pair is skipped.
     *
     * @throws IllegalArgumentException when the search exceeds its budget (see the class comment)
     */
    @Override
    public void forEachMatch(String s, Patterns.MatchSink sink) {
        BoundedText text = new BoundedText(s, STEPS_BASE + STEPS_PER_CHAR * s.length());
        Matcher m = pattern.matcher(text);
        int n = s.length();
        int from = 0;
        int lastEnd = -1;
        try {
            while (from <= n && m.find(from)) {
                int start = m.start();
                int end = m.end();
                if (start == end) {
                    if (end != lastEnd && !splitsPair(s, start)) {
                        sink.match(start, end);
                        lastEnd = end;
                    }
                    from = end < n ? end + Character.charCount(s.codePointAt(end)) : n + 1;
                } else {
                    if (!splitsPair(s, start) && !splitsPair(s, end)) {
                        sink.match(start, end);
                        lastEnd = end;
                    }
                    from = end;
                }
            }
        } catch (BoundedText.Exhausted e) {
            throw tooExpensive(s.length(), "took more than " + text.budget + " steps");
        } catch (StackOverflowError e) {
            throw tooExpensive(s.length(), "overflowed the stack");
        }
    }

    private IllegalArgumentException tooExpensive(int length, String what) {
        return new IllegalArgumentException("regex /" + abbreviate(original) + "/ " + what + " on a piece of " + length
                + " chars; the pattern backtracks too much for this input");
    }

    private static boolean splitsPair(String s, int i) {
        return i > 0
                && i < s.length()
                && Character.isHighSurrogate(s.charAt(i - 1))
                && Character.isLowSurrogate(s.charAt(i));
    }

    static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    /** A string read through a counter: every {@code charAt} costs one step of a fixed budget. */
    static final class BoundedText implements CharSequence {
        static final class Exhausted extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String s;
        final long budget;
        private long left;

        BoundedText(String s, long budget) {
            this.s = s;
            this.budget = budget;
            this.left = budget;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw new Exhausted();
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.substring(start, end);
        }

        @Override
        public String toString() {
            return s;
        }
    }

    // ---------------------------------------------------------------- translation

    /** The java.util.regex form of an Oniguruma pattern (compile with MULTILINE | UNIX_LINES). */
    static String translate(String p) {
        StringBuilder out = new StringBuilder(p.length() + 32);
        int depth = 0; // character-class nesting
        int lastAtom = -1; // where the last complete atom starts in out, for "{n,m}+"
        ArrayDeque<Integer> groups = new ArrayDeque<>();
        int i = 0;
        int n = p.length();
        while (i < n) {
            char c = p.charAt(i);
            if (c == '\\') {
                if (depth == 0) {
                    lastAtom = out.length();
                }
                i = escape(p, i, depth > 0, out);
                continue;
            }
            if (depth > 0) {
                if (c == '[') {
                    if (p.startsWith("[:", i) || p.startsWith("[:^", i)) {
                        int close = p.indexOf(":]", i + 2);
                        if (close > 0) {
                            boolean negate = p.charAt(i + 2) == '^';
                            String name = p.substring(i + (negate ? 3 : 2), close);
                            out.append(classOf(property(name, p), negate));
                            i = close + 2;
                            continue;
                        }
                    }
                    depth++;
                    out.append('[');
                    i++;
                    i = classStart(p, i, out);
                    continue;
                }
                if (c == ']') {
                    depth--;
                }
                out.append(c);
                i++;
                continue;
            }
            switch (c) {
                case '[' -> {
                    depth = 1;
                    lastAtom = out.length();
                    out.append('[');
                    i = classStart(p, i + 1, out);
                }
                case '(' -> {
                    groups.push(out.length());
                    int next = group(p, i, out);
                    if (p.charAt(next - 1) == ')') {
                        groups.pop(); // a comment or an option group such as (?i) closes at once
                        lastAtom = -1;
                    }
                    i = next;
                }
                case ')' -> {
                    lastAtom = groups.isEmpty() ? -1 : groups.pop();
                    out.append(')');
                    i++;
                }
                case '{' -> {
                    int at = out.length();
                    i = brace(p, i, out);
                    boolean quantifier = out.length() > at && out.charAt(at) == '{';
                    if (quantifier && i < n && p.charAt(i) == '+' && lastAtom >= 0) {
                        // Oniguruma (Ruby syntax): "X{n,m}+" repeats "X{n,m}"; Java would read a possessive quantifier
                        out.insert(lastAtom, "(?:").append(")");
                    }
                }
                case '|' -> {
                    lastAtom = -1;
                    out.append(c);
                    i++;
                }
                case '*', '+', '?' -> {
                    out.append(c);
                    i++;
                }
                default -> {
                    lastAtom = out.length();
                    out.append(c);
                    i++;
                }
            }
        }
        if (depth > 0) {
            throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: unclosed character class");
        }
        return out.toString();
    }

    /**
     * "A word character ends here", for look-behind. java.util.regex measures a class as one char
     * in a look-behind, so {@code (?<=\\w)} never sees a supplementary character; the characters
     * above U+FFFF are therefore spelled out as surrogate pairs (built once, a few KiB).
     */
    private static final class WordBehind {
        static final String PATTERN = build();

        private static String build() {
            StringBuilder b = new StringBuilder("(?:[").append(WORD_ALONE).append("&&[^\\x{D800}-\\x{DFFF}]]");
            Pattern word = Pattern.compile("[" + WORD + "]");
            for (int high = 0xD800; high <= 0xDBFF; high++) {
                StringBuilder lows = new StringBuilder();
                int runStart = -1;
                for (int low = 0xDC00; low <= 0xE000; low++) {
                    boolean in = low < 0xE000
                            && word.matcher(new String(new char[] {(char) high, (char) low}))
                                    .matches();
                    if (in && runStart < 0) {
                        runStart = low;
                    } else if (!in && runStart >= 0) {
                        lows.append(String.format("\\x{%X}", runStart));
                        if (low - 1 > runStart) {
                            lows.append(String.format("-\\x{%X}", low - 1));
                        }
                        runStart = -1;
                    }
                }
                if (!lows.isEmpty()) {
                    b.append(String.format("|\\x{%X}[", high)).append(lows).append(']');
                }
            }
            return b.append(')').toString();
        }
    }

    /** A bracketed class for a property body ("^..." marks a negated body). */
    private static String classOf(String body, boolean negate) {
        if (body.startsWith("^")) {
            negate = !negate;
            body = body.substring(1);
        }
        return (negate ? "[^" : "[") + body + "]";
    }

    /** After '[' : a leading '^' and a leading ']' (a literal in Oniguruma). */
    private static int classStart(String p, int i, StringBuilder out) {
        if (i < p.length() && p.charAt(i) == '^') {
            out.append('^');
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            out.append("\\]");
            i++;
        }
        return i;
    }

    private static int escape(String p, int i, boolean inClass, StringBuilder out) {
        if (i + 1 >= p.length()) {
            throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: trailing backslash");
        }
        int e = p.codePointAt(i + 1);
        int next = i + 1 + Character.charCount(e);
        switch (e) {
            case 's' -> out.append(inClass ? SPACE : "[" + SPACE + "]");
            case 'S' -> out.append("[^" + SPACE + "]");
            case 'w' -> out.append(inClass ? WORD : "[" + WORD_ALONE + "]");
            case 'W' -> out.append("[^" + (inClass ? WORD : WORD_ALONE) + "]");
            case 'd' -> out.append("\\p{Nd}");
            case 'D' -> out.append("\\P{Nd}");
            case 'h' -> out.append(inClass ? HEX : "[" + HEX + "]");
            case 'H' -> out.append("[^" + HEX + "]");
            case 'v' -> out.append("\\x0B");
            case 'N' -> out.append("[^\\n]");
            case 'b' ->
                out.append(
                        inClass
                                ? "\\x08"
                                : "(?:(?<=" + WordBehind.PATTERN + ")(?![" + WORD_ALONE + "])|(?<!" + WordBehind.PATTERN
                                        + ")(?=[" + WORD_ALONE + "]))");
            case 'B' ->
                out.append("(?:(?<=" + WordBehind.PATTERN + ")(?=[" + WORD_ALONE + "])|(?<!" + WordBehind.PATTERN
                        + ")(?![" + WORD_ALONE + "]))");
            case 'p', 'P' -> {
                String name;
                if (next < p.length() && p.charAt(next) == '{') {
                    int close = p.indexOf('}', next);
                    if (close < 0) {
                        throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: unclosed \\p{");
                    }
                    name = p.substring(next + 1, close);
                    next = close + 1;
                } else if (next < p.length()) {
                    name = p.substring(next, next + 1);
                    next++;
                } else {
                    throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: \\p without a property");
                }
                boolean negate = e == 'P';
                if (name.startsWith("^")) {
                    negate = !negate;
                    name = name.substring(1);
                }
                out.append(classOf(property(name, p), negate));
            }
            case 'x' -> {
                if (next < p.length() && p.charAt(next) == '{') {
                    int close = p.indexOf('}', next);
                    if (close < 0) {
                        throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: unclosed \\x{");
                    }
                    out.append(p, i, close + 1);
                    next = close + 1;
                } else {
                    int end = next;
                    while (end < p.length() && end < next + 2 && Character.digit(p.charAt(end), 16) >= 0) {
                        end++;
                    }
                    String hex = end == next ? "0" : p.substring(next, end);
                    out.append("\\x{").append(hex).append('}');
                    next = end;
                }
            }
            case 'K', 'g', 'y', 'Y', 'O', 'X' ->
                throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: \\" + Character.toString(e)
                        + " has no java.util.regex equivalent");
            default -> {
                if (e >= 'a' && e <= 'z' && "tnrfaezbBAGQEkcu".indexOf(e) < 0
                        || e >= 'A' && e <= 'Z' && "AZBGRQE".indexOf(e) < 0) {
                    throw new IllegalArgumentException(
                            "regex /" + abbreviate(p) + "/: unknown escape \\" + Character.toString(e));
                }
                out.append(p, i, next);
            }
        }
        return next;
    }

    /** The body (no brackets; "^..." when negated) of a class for an Oniguruma property name. */
    private static String property(String name, String p) {
        if (CATEGORIES.contains(name)) {
            return "\\p{" + name + "}";
        }
        String key =
                name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(" ", "");
        String known = PROPERTIES.get(key);
        if (known != null) {
            return known;
        }
        if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: unknown property \\p{" + name + "}");
        }
        try {
            Pattern.compile("\\p{Is" + name + "}"); // a script or binary property Java knows
        } catch (PatternSyntaxException ex) {
            throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: unknown property \\p{" + name + "}");
        }
        return "\\p{Is" + name + "}";
    }

    private static int group(String p, int i, StringBuilder out) {
        if (!p.startsWith("(?", i)) {
            out.append('(');
            return i + 1;
        }
        int j = i + 2;
        if (j >= p.length()) {
            throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: unterminated group");
        }
        char k = p.charAt(j);
        switch (k) {
            case ':', '=', '!', '>' -> {
                out.append(p, i, j + 1);
                return j + 1;
            }
            case '#' -> {
                int close = p.indexOf(')', j);
                if (close < 0) {
                    throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: unterminated comment");
                }
                return close + 1;
            }
            case '<', '\'' -> {
                if (k == '<' && j + 1 < p.length() && (p.charAt(j + 1) == '=' || p.charAt(j + 1) == '!')) {
                    out.append(p, i, j + 2);
                    return j + 2;
                }
                char close = k == '<' ? '>' : '\'';
                int end = p.indexOf(close, j + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: unterminated group name");
                }
                String name = p.substring(j + 1, end);
                if (!name.matches("[A-Za-z][A-Za-z0-9]*")) {
                    throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: group name '" + name
                            + "' is not one java.util.regex accepts");
                }
                out.append("(?<").append(name).append('>');
                return end + 1;
            }
            default -> {
                // option letters: (?imx-imx) or (?imx-imx:...)
                StringBuilder flags = new StringBuilder();
                while (j < p.length() && p.charAt(j) != ')' && p.charAt(j) != ':') {
                    char f = p.charAt(j);
                    switch (f) {
                        case 'i' -> flags.append("iu");
                        case 'm' -> flags.append('s');
                        case 'x' -> flags.append('x');
                        case '-' -> flags.append('-');
                        default ->
                            throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: option (?" + f
                                    + ") has no java.util.regex equivalent");
                    }
                    j++;
                }
                if (j >= p.length()) {
                    throw new IllegalArgumentException("regex /" + abbreviate(p) + "/: unterminated group");
                }
                out.append("(?").append(flags).append(p.charAt(j));
                return j + 1;
            }
        }
    }

    /** '{' : a quantifier ({n}, {n,}, {n,m}, {,m}) or a literal brace. */
    private static int brace(String p, int i, StringBuilder out) {
        int j = i + 1;
        int digitsA = 0;
        while (j < p.length() && Character.isDigit(p.charAt(j)) && p.charAt(j) < 128) {
            j++;
            digitsA++;
        }
        int afterA = j;
        boolean comma = j < p.length() && p.charAt(j) == ',';
        int digitsB = 0;
        if (comma) {
            j++;
            while (j < p.length() && Character.isDigit(p.charAt(j)) && p.charAt(j) < 128) {
                j++;
                digitsB++;
            }
        }
        boolean closed = j < p.length() && p.charAt(j) == '}';
        boolean quantifier = closed && (digitsA > 0 || comma && digitsB > 0) && i > 0;
        if (!quantifier) {
            out.append("\\{");
            return i + 1;
        }
        out.append('{');
        out.append(digitsA == 0 ? "0" : p.substring(i + 1, afterA));
        if (comma) {
            out.append(',').append(p, afterA + 1, j);
        }
        out.append('}');
        return j + 1;
    }
}
