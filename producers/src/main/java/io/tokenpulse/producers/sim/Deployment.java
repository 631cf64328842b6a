package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.DeploymentType;

/** A DEPLOYED or RETIRED of one version of a tenant's service. */
record Deployment(long at, String tenant, String service, String version, DeploymentType type) {
}
