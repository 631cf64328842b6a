package io.tokenpulse.producers.sim;

import java.util.List;

/**
 * A tenant's service: the principal its tokens are bound to, its versions and (for a migrating service) the
 * time v2 is deployed and v1 retired. Its clients call from {@code network}.0/24 with one user agent, so a
 * healthy token's sources never look new.
 */
record Service(String tenant, String name, int index, String v1, String v2, long migrateAt, long retireAt,
               String network, String userAgent, List<String> scopePool) {

    boolean migrates() {
        return v2 != null;
    }

    String versionAt(long t) {
        return migrates() && t >= migrateAt ? v2 : v1;
    }

    String owner() {
        return "team-" + name;
    }

    /** The scopes healthy tokens are granted from; the last ones of the pool are the rarely needed, powerful ones. */
    List<String> baseScopes() {
        return scopePool.subList(0, 3);
    }

    List<String> powerScopes() {
        return scopePool.subList(3, scopePool.size());
    }
}
