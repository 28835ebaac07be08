package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The candidate causes of a general or ambiguous code, most likely first, and what tells them apart: the part of a
 * message that replaces a guess. Texts name the current tenant-setting names (2025 rename) and the former ones.
 */
final class Candidates {
    static final String SETTING_APIS = "'Service principals can call Fabric public APIs' (replacing 'Service principals "
            + "can use Fabric APIs', formerly 'Allow service principals to use Power BI APIs')";
    static final String SETTING_ADMIN_APIS = "'" + WorkspaceEvidence.TENANT_SETTING + "' (formerly 'Allow service "
            + "principals to use read-only admin APIs')";
    static final String SETTING_IMAGES = "'Export reports as image files'";
    static final String SETTING_PDF_PPTX = "'Export reports as PowerPoint presentations or PDF documents'";

    private Candidates() {
    }

    /** " Candidates, most likely first: (1) ...; (2) .... Tell apart: ..." or empty for a code that names one cause. */
    static String forCode(ErrorCode code, Optional<PowerBiCall> call, Optional<String> format,
                          Optional<String> profileId) {
        List<String> c = new ArrayList<>();
        String tell;
        switch (code) {
            case PBI_UNAUTHORIZED -> {
                c.add("the token's audience is not this API's Power BI (scope override, or tenants.<alias>.cloud "
                        + "not the API root's cloud)");
                c.add("the tenant setting " + SETTING_APIS + " does not cover the app");
                c.add("the workspace belongs to another tenant than the token's tid");
                c.add("the app cannot access the workspace");
                tell = "`doctor` decodes the token's claims and tries the sibling cloud's token on the same call";
            }
            case PBI_FORBIDDEN -> {
                c.add("the app is not a member of the workspace (or its role does not allow this call)");
                c.add("the workspace is not on an active dedicated capacity, or is on Premium Per User");
                c.addAll(exportSettings(format));
                tell = "`doctor --workspace W --report R --format F --trial`";
            }
            case PBI_EXPORT_FORBIDDEN_AMBIGUOUS -> {
                c.addAll(exportSettings(format));
                c.add("the app's access on this route (membership or role)");
                tell = "`doctor --trial` with this format and with another one (a format setting blocks one format, a "
                        + "sensitivity label blocks PDF and PPTX), and the report's label in the Power BI service";
            }
            case PBI_NOT_FOUND -> {
                if (call.filter(PowerBiCall::isFileRoute).isPresent()) {
                    c.add("the export expired or Power BI no longer knows it (it keeps files 24 hours)");
                }
                c.add("wrong reportId, or a report the app cannot see");
                c.add("the workspace is invisible to the app (not a member, or no such workspace)");
                profileId.ifPresent(p -> c.add("profile " + p + " is unknown to Power BI for this app"));
                tell = "`doctor --workspace W --report R" + profileId.map(p -> " --profile " + p).orElse("") + "`";
            }
            case PBI_WORKSPACE_AMBIGUOUS -> {
                c.add("the app (or its profile) is not a member of the workspace");
                c.add("no workspace with this id exists in the tenant (check workspaceId)");
                tell = "enable " + SETTING_ADMIN_APIS + " for a group containing the app, then the worker and "
                        + "`doctor` ask the read-only admin API; or look the id up in the admin portal";
            }
            default -> {
                return "";
            }
        }
        StringBuilder sb = new StringBuilder(EvidenceRules.CANDIDATES_MARK);
        for (int i = 0; i < c.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append('(').append(i + 1).append(") ").append(c.get(i));
        }
        return sb.append(". Tell apart: ").append(tell).append('.').toString();
    }

    /** The export-setting and label causes, ranked by the format (PNG is off by default; labels block PDF/PPTX). */
    private static List<String> exportSettings(Optional<String> format) {
        String f = format.map(x -> x.toUpperCase(Locale.ROOT)).orElse("");
        String images = "the tenant setting " + SETTING_IMAGES + " is off (it is off by default)";
        String pdf = "the tenant setting " + SETTING_PDF_PPTX + " is off";
        String label = "the report has a sensitivity label (a service principal cannot export it to PDF or PPTX)";
        return switch (f) {
            case "PNG" -> List.of(images);
            case "PDF", "PPTX" -> List.of(label, pdf);
            case "" -> List.of(pdf, label, images);
            default -> List.of(pdf, label);
        };
    }
}
