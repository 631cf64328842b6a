package io.tokenpulse.schemas;

/** Record keys that are built from several fields, in one place for producers, the pipeline and tests. */
public final class Keys {
    private Keys() {
    }

    /**
     * The key of a service-deployments record, {@code tenant/service@version}: the contract compacts that topic by service
     * and version, and two tenants may run services of the same name.
     */
    public static String deployment(String tenant, String service, String version) {
        return tenant + "/" + service + "@" + version;
    }
}
