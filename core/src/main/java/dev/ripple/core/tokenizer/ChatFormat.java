package dev.ripple.core.tokenizer;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat formats of the model families {@code ripple generate} runs, rendered in Java instead of
 * evaluating the Jinja template of tokenizer_config.json. {@link #detect} recognises which one a
 * template is by the markers it writes; anything else is refused rather than guessed.
 *
 * <ul>
 *   <li>{@link #LLAMA2}: Meta's Llama 2 chat template: {@code <s>[INST] <<SYS>>\n...\n<</SYS>>\n\nuser [/INST] answer </s>},
 *       roles alternating user/assistant after an optional system message, contents stripped.
 *       Mistral's {@code [INST]} template (no {@code <<SYS>>}, other spacing) is a different format and
 *       is not detected as this one.</li>
 *   <li>{@link #LLAMA3}: {@code <|begin_of_text|><|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>},
 *       contents trimmed, generation prompt {@code <|start_header_id|>assistant<|end_header_id|>\n\n}.
 *       Llama 3.1 and later templates add a default system header (knowledge cut-off date, tools)
 *       that is not rendered.</li>
 *   <li>{@link #CHATML}: {@code <|im_start|>role\ncontent<|im_end|>\n} (Qwen and others), generation prompt
 *       {@code <|im_start|>assistant\n}; a default system message written literally in the template (as Qwen's
 *       are) is found by {@link #defaultSystemPrompt(String)}.</li>
 * </ul>
 */
public enum ChatFormat {
    LLAMA2,
    LLAMA3,
    CHATML;

    /** The format a Jinja chat template renders, when it is one of these. */
    public static Optional<ChatFormat> detect(String chatTemplateJinja) {
        if (chatTemplateJinja == null) {
            return Optional.empty();
        }
        String t = chatTemplateJinja;
        if (t.contains("<|start_header_id|>") && t.contains("<|end_header_id|>") && t.contains("<|eot_id|>")) {
            return Optional.of(LLAMA3);
        }
        if (t.contains("<|im_start|>") && t.contains("<|im_end|>")) {
            return Optional.of(CHATML);
        }
        if (t.contains("[INST]") && t.contains("[/INST]") && t.contains("<<SYS>>")) {
            return Optional.of(LLAMA2);
        }
        return Optional.empty();
    }

    /** {@link #detect}, or an exception saying why the template is refused. */
    public static ChatFormat require(String chatTemplateJinja) throws UnsupportedChatTemplateException {
        Optional<ChatFormat> f = detect(chatTemplateJinja);
        if (f.isPresent()) {
            return f.get();
        }
        String hint = chatTemplateJinja != null && chatTemplateJinja.contains("[INST]")
                ? "it writes [INST] without Llama 2's <<SYS>> block (Mistral's format), which renders differently"
                : "it writes none of the markers of Llama 2 ([INST] with <<SYS>>), Llama 3 (<|start_header_id|>)"
                        + " or ChatML (<|im_start|>)";
        throw new UnsupportedChatTemplateException("unsupported chat template: " + hint + "; name the format"
                + " explicitly (llama2, llama3, chatml) if the model was trained with one of them, or send plain text");
    }

    /** {@code llama2}, {@code llama3} or {@code chatml} (any case). */
    public static ChatFormat parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "llama2", "llama-2" -> LLAMA2;
            case "llama3", "llama-3" -> LLAMA3;
            case "chatml" -> CHATML;
            default ->
                throw new IllegalArgumentException("unknown chat format '" + name + "' (llama2, llama3, chatml)");
        };
    }

    /**
     * The token that ends an assistant turn, which generation stops at besides EOS: {@code <|eot_id|>}
     * for Llama 3, {@code <|im_end|>} for ChatML; Llama 2 ends a turn with EOS itself.
     */
    public Optional<String> endOfTurn() {
        return switch (this) {
            case LLAMA2 -> Optional.empty();
            case LLAMA3 -> Optional.of("<|eot_id|>");
            case CHATML -> Optional.of("<|im_end|>");
        };
    }

    /**
     * The prompt text of a conversation, special tokens written as text (encode it with
     * {@code encode(text, false)} so they are matched as added tokens).
     *
     * @param addGenerationPrompt end with the header that starts the assistant's answer (Llama 3, ChatML;
     *                            Llama 2's prompt ends with {@code [/INST]} either way)
     * @param bosToken            the BOS token string (Llama 2, Llama 3), e.g. {@code <s>}; may be empty
     * @param eosToken            the EOS token string that closes an assistant turn in Llama 2
     * @throws IllegalArgumentException when the roles do not fit the format (Llama 2: an optional system
     *                                  message, then user and assistant alternating, starting with user)
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        StringBuilder out = new StringBuilder();
        switch (this) {
            case LLAMA2 -> {
                String system = null;
                List<ChatMessage> turns = messages;
                if (!messages.isEmpty() && messages.get(0).role().equals("system")) {
                    system = messages.get(0).content();
                    turns = messages.subList(1, messages.size());
                }
                for (int i = 0; i < turns.size(); i++) {
                    ChatMessage m = turns.get(i);
                    String expected = i % 2 == 0 ? "user" : "assistant";
                    if (!m.role().equals(expected)) {
                        throw new IllegalArgumentException(
                                "Llama 2 chat: message " + (messages.size() - turns.size() + i)
                                        + " has role '" + m.role() + "' where '" + expected
                                        + "' is expected (an optional system"
                                        + " message, then user and assistant alternating)");
                    }
                    String content = i == 0 && system != null
                            ? "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + m.content()
                            : m.content();
                    if (m.role().equals("user")) {
                        out.append(bosToken)
                                .append("[INST] ")
                                .append(strip(content))
                                .append(" [/INST]");
                    } else {
                        out.append(' ').append(strip(content)).append(' ').append(eosToken);
                    }
                }
            }
            case LLAMA3 -> {
                for (int i = 0; i < messages.size(); i++) {
                    ChatMessage m = messages.get(i);
                    if (i == 0) {
                        out.append(bosToken);
                    }
                    out.append("<|start_header_id|>")
                            .append(m.role())
                            .append("<|end_header_id|>\n\n")
                            .append(strip(m.content()))
                            .append("<|eot_id|>");
                }
                if (addGenerationPrompt) {
                    out.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
                }
            }
            case CHATML -> {
                for (ChatMessage m : messages) {
                    out.append("<|im_start|>")
                            .append(m.role())
                            .append('\n')
                            .append(m.content())
                            .append("<|im_end|>\n");
                }
                if (addGenerationPrompt) {
                    out.append("<|im_start|>assistant\n");
                }
            }
        }
        return out.toString();
    }

    private static final Pattern CHATML_SYSTEM =
            Pattern.compile("<\\|im_start\\|>system(?:\\n|\\\\n)([^{}<'\"]+?)<\\|im_end\\|>");

    /**
     * The system message a ChatML template inserts when the conversation has none, when the template
     * writes it literally (Qwen: {@code You are a helpful assistant.}); empty for other templates.
     */
    public static Optional<String> defaultSystemPrompt(String chatTemplateJinja) {
        if (chatTemplateJinja == null || detect(chatTemplateJinja).orElse(null) != CHATML) {
            return Optional.empty();
        }
        Matcher m = CHATML_SYSTEM.matcher(chatTemplateJinja);
        return m.find() ? Optional.of(m.group(1).replace("\\n", "\n")) : Optional.empty();
    }

    /** Python's {@code str.strip()} (which Jinja's {@code trim} is): Unicode white space and U+001C..U+001F. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && isPythonSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    private static boolean isPythonSpace(int cp) {
        return Chars.isWhitespace(cp) || cp >= 0x1C && cp <= 0x1F;
    }
}
