package dev.ripple.core.tokenizer;

/**
 * A model's chat template is missing or is not one of the formats {@link ChatFormat} renders. The
 * message says which it is and what to do (name a format explicitly, or send plain text).
 */
public final class UnsupportedChatTemplateException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnsupportedChatTemplateException(String message) {
        super(message);
    }
}
