package com.pbiexport.worker.diagnose.doctor;

import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.contracts.ErrorCode;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of the doctor's checklist. A failure carries the shared {@link ErrorCode} (the same code the worker
 * puts in {@code ExportFailed} for that cause) and its remediation as {@code fix}. Never holds a secret or a token.
 *
 * @param detail what was found (claims, ids, names, Power BI's answer); for a failure it starts with the code
 * @param fix    the code's remediation for a failure, empty otherwise
 */
public record CheckResult(DoctorCheck check, CheckStatus status, String detail, String fix, Optional<ErrorCode> code) {

    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(code, "code");
    }

    public static CheckResult pass(DoctorCheck check, String detail) {
        return new CheckResult(check, CheckStatus.PASS, detail, "", Optional.empty());
    }

    public static CheckResult skip(DoctorCheck check, String why) {
        return new CheckResult(check, CheckStatus.SKIP, why, "", Optional.empty());
    }

    /**
     * A failure of the worker's own infrastructure ({@code kafka}, {@code sink}): no export error code applies,
     * so the detail says what was found and the fix names the setting or the command.
     */
    public static CheckResult fail(DoctorCheck check, String detail, String fix) {
        return new CheckResult(check, CheckStatus.FAIL, detail, fix, Optional.empty());
    }

    /** A failure explained by the shared classifier: detail {@code CODE: message}, fix = the remediation. */
    public static CheckResult fail(DoctorCheck check, Diagnosis d) {
        return fail(check, d, "");
    }

    /** The same, with evidence the doctor gathered itself appended to the classifier's message. */
    public static CheckResult fail(DoctorCheck check, Diagnosis d, String evidence) {
        String detail = d.code().name() + ": " + d.message()
                + d.powerBiRequestId().map(id -> " (RequestId " + id + ")").orElse("")
                + (evidence == null || evidence.isBlank() ? "" : ". " + evidence);
        return new CheckResult(check, CheckStatus.FAIL, detail, d.remediation(), Optional.of(d.code()));
    }

    /** The stable check name, e.g. {@code workspace}. */
    public String name() {
        return check.wireName();
    }
}
