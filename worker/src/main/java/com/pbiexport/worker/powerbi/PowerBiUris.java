package com.pbiexport.worker.powerbi;

import org.apache.hc.core5.net.URIBuilder;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds the URLs of one API root: {@code <root>/v1.0/myorg/...}, ids encoded segment by segment. */
final class PowerBiUris {
    private final URI apiRoot;
    private final List<String> basePath;

    PowerBiUris(URI apiRoot) {
        this.apiRoot = apiRoot;
        this.basePath = basePath(apiRoot);
    }

    /** {@code [groups/{g}/]reports/{r}/more...} (no {@code groups} segment for My workspace). */
    URI report(ExportTarget target, String... more) {
        List<String> segments = new ArrayList<>();
        if (!target.isMyWorkspace()) {
            segments.add("groups");
            segments.add(target.workspaceId());
        }
        segments.add("reports");
        segments.add(target.reportId());
        segments.addAll(Arrays.asList(more));
        return api(segments);
    }

    URI api(List<String> segments) {
        List<String> all = new ArrayList<>(basePath);
        all.addAll(segments);
        try {
            return new URIBuilder(apiRoot).setPathSegments(all).build(); // encodes ids segment by segment
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot build a Power BI URL from " + segments, e);
        }
    }

    static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /** The root's own path (if any) followed by {@code v1.0/myorg}, unless the root already ends with them. */
    private static List<String> basePath(URI apiRoot) {
        List<String> segments = new ArrayList<>();
        for (String s : (apiRoot.getPath() == null ? "" : apiRoot.getPath()).split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        int n = segments.size();
        if (!(n >= 2 && segments.get(n - 2).equalsIgnoreCase("v1.0") && segments.get(n - 1).equalsIgnoreCase("myorg"))) {
            segments.add("v1.0");
            segments.add("myorg");
        }
        return List.copyOf(segments);
    }
}
