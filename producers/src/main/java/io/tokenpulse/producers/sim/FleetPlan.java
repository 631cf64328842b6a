package io.tokenpulse.producers.sim;

import java.util.List;
import java.util.Map;

/**
 * The whole run, decided up front: every token's plan, the deployments, the compromises, and the state
 * conditions that only the stories' intent can name (UNUSED_TOKEN, OVER_PRIVILEGED, RETIRED_VERSION_TOKEN).
 */
record FleetPlan(SimConfig config, List<String> tenants, List<TokenPlan> tokens, Map<String, TokenPlan> byId,
                 List<Deployment> deployments, List<IncidentPlan> incidents, List<TruthEntry> designed) {
}
