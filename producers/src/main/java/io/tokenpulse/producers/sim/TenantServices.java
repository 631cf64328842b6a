package io.tokenpulse.producers.sim;

import java.util.List;

/**
 * A tenant's services as the stories choose among them: {@code steady} ones never migrate (injected tokens live
 * there, so they are never also bound to a retired version), {@code migrating} ones move to v2 and retire v1.
 */
record TenantServices(String tenant, int number, List<Service> all, List<Service> steady, List<Service> migrating) {
    TenantServices {
        all = List.copyOf(all);
        steady = List.copyOf(steady);
        migrating = List.copyOf(migrating);
    }

    static TenantServices of(String tenant, int number, List<Service> services) {
        return new TenantServices(tenant, number, services, services.stream().filter(s -> !s.migrates()).toList(),
                services.stream().filter(Service::migrates).toList());
    }
}
