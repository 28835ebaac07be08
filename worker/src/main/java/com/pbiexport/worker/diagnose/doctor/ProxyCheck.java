package com.pbiexport.worker.diagnose.doctor;

import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.net.ProxyProbe;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code proxy} line: for the Entra ID and Power BI hosts, which proxy is used (or "direct", and why) and
 * whether the proxy let a CONNECT (https) or a forwarded request (plain http) through. A refusal fails with the
 * code the token request or the Power BI call would fail with ({@code AUTH_UNAVAILABLE}, {@code PBI_TRANSPORT}).
 */
final class ProxyCheck {

    private ProxyCheck() {
    }

    /** @param outcomes Entra ID first, then Power BI */
    static CheckResult result(List<ProxyProbe.Outcome> outcomes) {
        String detail = outcomes.stream().map(ProxyProbe.Outcome::describe).collect(Collectors.joining("; "));
        for (ProxyProbe.Outcome o : outcomes) {
            if (!o.ok()) {
                ErrorCode code = o.name().startsWith("Entra") ? ErrorCode.AUTH_UNAVAILABLE : ErrorCode.PBI_TRANSPORT;
                return CheckResult.fail(DoctorCheck.PROXY, Diagnosis.of(code, detail));
            }
        }
        return CheckResult.pass(DoctorCheck.PROXY, detail.isEmpty() ? "direct: no proxy configured" : detail);
    }
}
