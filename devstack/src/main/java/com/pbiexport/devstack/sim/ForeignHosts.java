package com.pbiexport.devstack.sim;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opt-in hostile answers of the Power BI simulator, off by default: point a finished export's
 * {@code resourceLocation} at another host, or answer the file download with a redirect to another host. A client
 * that followed either would hand its bearer token to that host; the worker must refuse both. Kept apart from
 * {@link Faults} because these are not faults a real service has by accident but an attack a test stages.
 * Thread-safe; changes apply to the next call.
 */
public final class ForeignHosts {

    /** What the simulator does with file locations now. */
    public sealed interface Mode permits Off, ForeignResourceLocation, RedirectDownload { }

    /** Normal answers (the default). */
    public record Off() implements Mode { }

    /** Succeeded exports report {@code resourceLocation} on {@code base} (same path) instead of this server. */
    public record ForeignResourceLocation(URI base) implements Mode {
        public ForeignResourceLocation {
            requireBase(base);
        }
    }

    /** File downloads answer {@code status} (301, 302, 303, 307 or 308) with {@code Location} on {@code base}. */
    public record RedirectDownload(URI base, int status) implements Mode {
        public RedirectDownload {
            requireBase(base);
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                throw new IllegalArgumentException("a redirect status is 301, 302, 303, 307 or 308, not " + status);
            }
        }
    }

    private final AtomicReference<Mode> mode = new AtomicReference<>(new Off());

    public Mode mode() {
        return mode.get();
    }

    public void set(Mode next) {
        mode.set(Objects.requireNonNull(next, "mode"));
    }

    public void off() {
        set(new Off());
    }

    /** The resourceLocation to report for a file this server would serve at {@code ownUrl}. */
    public String resourceLocation(String ownUrl) {
        return mode.get() instanceof ForeignResourceLocation f ? rebase(f.base(), ownUrl) : ownUrl;
    }

    /** The redirect (status, Location) to answer a download at {@code ownUrl} with, if one is staged. */
    public Optional<Redirect> downloadRedirect(String ownUrl) {
        return mode.get() instanceof RedirectDownload r
                ? Optional.of(new Redirect(r.status(), rebase(r.base(), ownUrl)))
                : Optional.empty();
    }

    /** A staged redirect answer. */
    public record Redirect(int status, String location) { }

    /** {@code base}'s scheme and authority with {@code url}'s path and query. */
    static String rebase(URI base, String url) {
        URI u = URI.create(url);
        String origin = base.getScheme() + "://" + base.getRawAuthority();
        return origin + (u.getRawPath() == null ? "" : u.getRawPath())
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    private static void requireBase(URI base) {
        Objects.requireNonNull(base, "base");
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || base.getRawAuthority() == null) {
            throw new IllegalArgumentException("the foreign host must be an absolute http(s) URL, was " + base);
        }
    }
}
