package dev.ripple.core.settings;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared rules say the same sentence for every API, and a front end renames only the inputs. */
class InvalidSettingExceptionTest {

    /** An API's inputs: one renamed, the others named from the constant. */
    enum Input implements InvalidSettingException.Setting {
        SWEEP_TOKENS,
        SHARE,
        PROMPT_TEXT {
            @Override
            public String component() {
                return "text";
            }
        },
        PROMPT_IDS
    }

    /** Another API's inputs. */
    enum OtherInput implements InvalidSettingException.Setting {
        SWEEP_TOKENS
    }

    /** A subclass as thin as the API's own. */
    static final class InvalidTestException extends InvalidSettingException {
        static final Rules<Input, InvalidTestException> RULES = new Rules<>(InvalidTestException::new);

        private InvalidTestException(List<Input> inputs, Message<Input> message, Throwable cause) {
            super(inputs, message, cause);
        }
    }

    private static final InvalidSettingException.Rules<Input, InvalidTestException> RULES = InvalidTestException.RULES;

    @Test
    void aComponentIsTheConstantInCamelCaseUnlessTheEnumSaysOtherwise() {
        assertEquals("sweepTokens", Input.SWEEP_TOKENS.component());
        assertEquals("share", Input.SHARE.component());
        assertEquals("promptIds", Input.PROMPT_IDS.component());
        assertEquals("text", Input.PROMPT_TEXT.component());
    }

    @Test
    void positiveRefusesZeroAndBelow() {
        assertDoesNotThrow(() -> RULES.requirePositive(Input.SWEEP_TOKENS, 1));
        InvalidTestException e =
                assertThrows(InvalidTestException.class, () -> RULES.requirePositive(Input.SWEEP_TOKENS, 0));
        assertEquals("sweepTokens must be positive, got 0", e.getMessage());
        assertSame(Input.SWEEP_TOKENS, e.input());
        assertEquals(List.of(Input.SWEEP_TOKENS), e.inputs());
        assertEquals("--sweep-tokens must be positive, got 0", e.describe(Input.class, i -> "--sweep-tokens"));
    }

    @Test
    void nonNegativeSaysTheValueAsGivenAndRefusesNaN() {
        assertDoesNotThrow(() -> RULES.requireNonNegative(Input.SHARE, 0));
        assertEquals(
                "share must not be negative, got -0.5",
                assertThrows(InvalidTestException.class, () -> RULES.requireNonNegative(Input.SHARE, -0.5f))
                        .getMessage());
        assertEquals(
                "share must not be negative, got -1",
                assertThrows(InvalidTestException.class, () -> RULES.requireNonNegative(Input.SHARE, -1L))
                        .getMessage());
        assertEquals(
                "share must be a number ≥ 0, got NaN",
                assertThrows(InvalidTestException.class, () -> RULES.requireNonNegative(Input.SHARE, Double.NaN))
                        .getMessage());
    }

    @Test
    void aShareIsZeroToOneAndAPositiveShareLeavesOutZero() {
        assertDoesNotThrow(() -> RULES.requireShare(Input.SHARE, 0));
        assertDoesNotThrow(() -> RULES.requireShare(Input.SHARE, 1));
        for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
            assertEquals(
                    "share must be a share in [0, 1], got " + bad,
                    assertThrows(InvalidTestException.class, () -> RULES.requireShare(Input.SHARE, bad))
                            .getMessage());
        }
        assertDoesNotThrow(() -> RULES.requirePositiveShare(Input.SHARE, 1));
        for (double bad : new double[] {0, 1.5, Double.NaN}) {
            assertEquals(
                    "share must be a share in (0, 1], got " + bad,
                    assertThrows(InvalidTestException.class, () -> RULES.requirePositiveShare(Input.SHARE, bad))
                            .getMessage());
        }
    }

    @Test
    void needsAndOneOfNameBothInputsTheOneAtFaultFirst() {
        InvalidTestException needs = RULES.needs(Input.PROMPT_IDS, Input.PROMPT_TEXT);
        assertEquals("promptIds needs text", needs.getMessage());
        assertEquals(List.of(Input.PROMPT_IDS, Input.PROMPT_TEXT), needs.inputs());
        assertEquals("PROMPT_IDS needs PROMPT_TEXT", needs.describe(Input.class, Input::name));

        InvalidTestException oneOf = RULES.oneOf(Input.PROMPT_TEXT, Input.PROMPT_IDS, "the prompt");
        assertEquals("give the prompt as text or as promptIds, one of them", oneOf.getMessage());
        assertSame(Input.PROMPT_TEXT, oneOf.input());
    }

    @Test
    void anAPIsOwnRuleKeepsItsWordsAndCause() {
        assertEquals(
                "sweepTokens must be in 1..4, got 9",
                RULES.refuse(Input.SWEEP_TOKENS, "must be in 1..4, got 9").getMessage());
        IllegalStateException cause = new IllegalStateException("too small");
        InvalidTestException e = RULES.refuse(
                List.of(Input.SHARE, Input.SWEEP_TOKENS),
                n -> n.apply(Input.SHARE) + ", " + n.apply(Input.SWEEP_TOKENS) + ": too small",
                cause);
        assertEquals("share, sweepTokens: too small", e.getMessage());
        assertEquals("-s, -t: too small", e.describe(Input.class, i -> i == Input.SHARE ? "-s" : "-t"));
        assertSame(cause, e.getCause());
    }

    @Test
    void aDeserializedRefusalDescribesItselfAsFirstSaid() throws Exception {
        InvalidTestException e = RULES.needs(Input.PROMPT_IDS, Input.PROMPT_TEXT);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        InvalidTestException back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (InvalidTestException) in.readObject();
        }
        assertEquals(e.inputs(), back.inputs());
        assertEquals("promptIds needs text", back.describe(Input.class, i -> "--x"));
    }

    /**
     * {@code describe} names inputs through the caller's enum, so a caller that names the wrong
     * API's enum learns it at once, as the documented {@link ClassCastException}, not as a message
     * that names the wrong options.
     */
    @Test
    void describingWithAnotherAPIsEnumThrowsClassCastException() {
        InvalidTestException e = RULES.needs(Input.PROMPT_IDS, Input.PROMPT_TEXT);
        assertThrows(ClassCastException.class, () -> e.describe(OtherInput.class, OtherInput::name));
        // the enum decides, not the constant's name: OtherInput has a SWEEP_TOKENS too
        InvalidTestException positive =
                assertThrows(InvalidTestException.class, () -> RULES.requirePositive(Input.SWEEP_TOKENS, 0));
        assertThrows(ClassCastException.class, () -> positive.describe(OtherInput.class, OtherInput::name));
    }

    @Test
    void aRefusalNamesAtLeastOneInput() {
        assertThrows(IllegalArgumentException.class, () -> RULES.refuse(List.of(), n -> "nothing", null));
    }
}
