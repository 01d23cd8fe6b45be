package dev.ripple.io.reader;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where the io_uring reader can be opened; elsewhere (not Linux, a kernel
 * without io_uring, a seccomp sandbox) its tests are skipped with the reason.
 */
final class UringAvailable implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return UringReader.available()
                ? ConditionEvaluationResult.enabled("io_uring available")
                : ConditionEvaluationResult.disabled("io_uring unavailable here: "
                        + UringReader.unavailableReason().orElse(""));
    }
}
