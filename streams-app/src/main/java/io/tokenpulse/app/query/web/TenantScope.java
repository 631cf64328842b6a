package io.tokenpulse.app.query.web;

import io.tokenpulse.app.query.ApiRequest;
import java.util.function.Predicate;

/**
 * Which tenants the caller of a request may see: the one function every dashboard answer (alert list, live feed,
 * report history, tenant and service lists) filters through. Per-credential tenant scoping plugs in here; until it
 * exists, every authenticated caller sees every tenant, as on the rest of the API.
 */
@FunctionalInterface
public interface TenantScope {
    TenantScope ALL = request -> tenant -> true;

    /** Called after authentication succeeded; the predicate is asked once per tenant name. */
    Predicate<String> tenants(ApiRequest request);
}
