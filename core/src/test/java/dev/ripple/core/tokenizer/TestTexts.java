package dev.ripple.core.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Texts the tokenizer is compared with the oracle on: Europarl in eleven languages, code, numbers,
 * hand-picked edge cases and seeded random text over many Unicode blocks (emoji, CJK, combining
 * marks, control characters, white space of every kind, special-token strings).
 */
final class TestTexts {
    private TestTexts() {}

    /** Lines of this project's own Java sources and some whole files (indentation, blank lines). */
    static List<String> code(int maxLines) {
        List<String> out = new ArrayList<>();
        Path root = Path.of("src/main/java");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException(
                    "tests run in the core module directory; " + root.toAbsolutePath() + " is missing");
        }
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> sources =
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            for (Path p : sources) {
                String text = Files.readString(p);
                if (out.size() < 20) {
                    out.add(text); // whole files: newlines and runs of spaces inside one text
                }
                for (String line : text.lines().toList()) {
                    if (out.size() >= maxLines) {
                        return out;
                    }
                    out.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static final List<String> EDGE_CASES = List.of(
            "",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\r\n",
            "\t",
            " \t\n\r ",
            "a",
            " a",
            "a ",
            "  a  ",
            "Hello world",
            "Hello  world",
            "Hello   world\n\n\nBye",
            "don't I'll we've they're she's it'd I'm DON'T I'LL",
            "'s 't 're 'S 'ſ",
            "1234567890",
            "3.14159 2,718 1e-10 0x1F -42 +7 1/2 ½ ² Ⅻ ٣٤٥ १२३ １２３",
            "2024-12-06T04:12:00Z",
            "$1,000,000.00 (approx.) — 12% off!",
            "café naïve Ångström ﬁne Œuvre",
            "Σίσυφος ΣΑΣ ὈΔΥΣΣΕΎΣ",
            "İstanbul ıi",
            "Привет, мир!",
            "مرحبا بالعالم",
            "שלום עולם",
            "नमस्ते दुनिया",
            "สวัสดีชาวโลก",
            "こんにちは世界",
            "你好，世界！我们的",
            "안녕하세요 세계",
            "😀 😃 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️",
            "🇪🇺🇫🇷",
            "e\u0301 a\u0308\u0304 \u0915\u094d\u0937",
            "\u0000\u0001\u0007\u001b[31m red \u007f\u0085\u009f",
            "\u00a0\u2000\u2009\u200a\u202f\u205f\u3000 spaces",
            "\u200b\u200c\u200d\u2060\ufeff zero width",
            "\u2028line\u2029para",
            "\ufffd\ufffe\uffff",
            "\ue000\uf8ff private",
            "\ud835\udc00\ud835\udd6b math",
            "<s>Hello</s>",
            "<s> Hello </s>",
            " <s>",
            "<unk>",
            "<|begin_of_text|>Hi<|eot_id|>",
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
            "[CLS] hi [SEP] [MASK]",
            "<|endoftext|>x<|endoftext|>",
            "<0x41> <0xE2>",
            "▁▁ ▁a",
            "ĠĠ Ċ",
            "       ",
            "\n \n \n",
            "a\n\n\n\n\n\nb",
            "  \t  \t  x",
            "x" + " ".repeat(50) + "y",
            "-".repeat(200),
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "The quick brown fox jumps over the lazy dog.",
            "THE QUICK BROWN FOX",
            "ßẞ ﬀ ﬃ ǅ ǈ",
            "Ⅷ ⅷ ① ⑩ ㊿ ¼",
            "a\u0000b",
            "tab\tseparated\tvalues",
            "path/to/file.txt C:\\Windows\\System32",
            "https://example.org/a?b=c&d=e#f",
            "user@example.com",
            "#include <stdio.h>\nint main(void) { return 0; }",
            "def f(x):\n    return x ** 2\n",
            "if (a && b || !c) { x += 1; }",
            "{\"key\": [1, 2, 3], \"k2\": null}");

    private static final String[] SPECIALS = {
        "<s>",
        "</s>",
        "<unk>",
        "<|begin_of_text|>",
        "<|end_of_text|>",
        "<|eot_id|>",
        "<|start_header_id|>",
        "[CLS]",
        "[SEP]",
        "[MASK]",
        "[PAD]",
        "[UNK]",
        "<|endoftext|>",
        "<0x0A>",
        "<0xE2>",
        "▁",
        "Ġ",
        "<|reserved_special_token_5|>"
    };
    private static final String[] WORDS = {
        "the",
        "The",
        "Commission",
        "Parliament",
        "don",
        "'t",
        "'s",
        "'LL",
        "re",
        "über",
        "naïve",
        "ελληνικά",
        "русский",
        "日本語",
        "中文",
        "한국어",
        "हिन्दी",
        "ไทย",
        "עברית",
        "عربي"
    };
    private static final int[][] BLOCKS = {
        {0x20, 0x7E},
        {0xA0, 0xFF},
        {0x100, 0x24F},
        {0x300, 0x36F},
        {0x370, 0x3FF},
        {0x400, 0x4FF},
        {0x590, 0x5FF},
        {0x600, 0x6FF},
        {0x900, 0x97F},
        {0xE00, 0xE7F},
        {0x1100, 0x11FF},
        {0x2000, 0x206F},
        {0x2070, 0x209F},
        {0x20A0, 0x20CF},
        {0x2100, 0x214F},
        {0x2150, 0x218F},
        {0x2460, 0x24FF},
        {0x2500, 0x27BF},
        {0x3000, 0x303F},
        {0x3040, 0x30FF},
        {0x3400, 0x4DBF},
        {0x4E00, 0x9FFF},
        {0xAC00, 0xD7A3},
        {0xE000, 0xE0FF},
        {0xF900, 0xFAFF},
        {0xFE00, 0xFE0F},
        {0xFF00, 0xFFEF},
        {0xFFF0, 0xFFFF},
        {0x10000, 0x1007F},
        {0x1D400, 0x1D7FF},
        {0x1F300, 0x1FAFF},
        {0x20000, 0x2A6DF},
        {0xE0000, 0xE007F},
        {0x0, 0x1F},
        {0x7F, 0x9F}
    };
    private static final String[] SPACES = {
        " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2028", "\u0085", "\u000b", "\u2009", " \n ", "\n\n", "   "
    };

    /** Seeded random texts; every call with the same seed gives the same texts. */
    static List<String> random(long seed, int count, int maxParts) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder b = new StringBuilder();
            int parts = 1 + r.nextInt(maxParts);
            for (int k = 0; k < parts; k++) {
                switch (r.nextInt(10)) {
                    case 0 -> b.append(SPECIALS[r.nextInt(SPECIALS.length)]);
                    case 1, 2 -> b.append(WORDS[r.nextInt(WORDS.length)]);
                    case 3 -> b.append(SPACES[r.nextInt(SPACES.length)]);
                    case 4 -> b.append(r.nextInt(1_000_000_000));
                    case 5 -> b.append("\ud83d\udc68\u200d\ud83d\udc69\ud83c\udffd".repeat(1 + r.nextInt(2)));
                    default -> {
                        int[] block = BLOCKS[r.nextInt(BLOCKS.length)];
                        int n = 1 + r.nextInt(6);
                        for (int c = 0; c < n; c++) {
                            int cp = block[0] + r.nextInt(block[1] - block[0] + 1);
                            if (Character.isSurrogate((char) cp) && cp < 0x10000) {
                                cp = 'x';
                            }
                            b.appendCodePoint(cp);
                        }
                    }
                }
            }
            out.add(b.toString());
        }
        return out;
    }

    /** Numbers in many shapes. */
    static List<String> numbers(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(
                    switch (r.nextInt(6)) {
                        case 0 -> Long.toString(r.nextLong());
                        case 1 -> String.format("%.6f", r.nextDouble() * 1e6);
                        case 2 -> String.format("%,d", r.nextInt());
                        case 3 -> r.nextInt(100) + "%" + " of " + r.nextInt(10_000) + " in " + (1900 + r.nextInt(200));
                        case 4 -> String.format("%e", r.nextDouble());
                        default ->
                            "v" + r.nextInt(10) + "." + r.nextInt(100) + "." + r.nextInt(1000) + "-rc" + r.nextInt(5);
                    });
        }
        return out;
    }
}
