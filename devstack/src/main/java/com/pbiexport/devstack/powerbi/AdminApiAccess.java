package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.sim.Counters;

/**
 * Who may call the read-only admin APIs, checked after the token and "Service principals can use Fabric APIs"
 * checks every route shares, in this order:
 * <ol>
 *   <li>a delegated (user) token: 401. Real Power BI admits a Fabric administrator with {@code Tenant.Read.All};
 *       the scenario models no users, so no user is an administrator (simulator's choice);</li>
 *   <li>a service principal whose tenant has "Service principals can access read-only admin APIs" off, or on for
 *       groups the app is not in: 401 PowerBINotAuthorizedException (nested or empty), without
 *       {@code X-PowerBI-Error-Info} (the reported answer is a bare 401);</li>
 *   <li>an {@code X-PowerBI-Profile-Id} header: 400 InvalidRequest. Microsoft's reference notes on each API
 *       that a profile may call it ("can be called by a service principal profile"); GetGroupsAsAdmin has no such
 *       note, and an admin API acts for the tenant, not a profile. Microsoft documents no answer: the 400 is the
 *       simulator's choice;</li>
 *   <li>the tenant's quota ({@link AdminApiQuota}): 429 TooManyRequests with Retry-After.</li>
 * </ol>
 */
final class AdminApiAccess {
    static final String CALLS = "adminApiCalls";
    static final String THROTTLED = "adminApiThrottled";

    private final AdminApiQuota quota;
    private final Counters counters;

    AdminApiAccess(AdminApiQuota quota, Counters counters) {
        this.quota = quota;
        this.counters = counters;
    }

    void admit(Caller caller, String profileHeader) {
        if (!caller.servicePrincipal() || caller.clientId() == null
                || !caller.tenant().settings().allowsReadOnlyAdminApis(caller.clientId())) {
            throw ApiError.notAuthorized("Not allowed to call the read-only admin APIs").toFailure();
        }
        if (profileHeader != null && !profileHeader.isBlank()) {
            throw ApiError.invalidRequest("Parameter X-PowerBI-Profile-Id is not supported by admin APIs").toFailure();
        }
        long wait = quota.tryAcquire(caller.tenant().id());
        if (wait > 0) {
            counters.increment(THROTTLED);
            throw ApiError.tooManyRequests((int) Math.min(Integer.MAX_VALUE, wait)).toFailure();
        }
    }
}
