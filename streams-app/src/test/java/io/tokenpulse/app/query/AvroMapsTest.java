package io.tokenpulse.app.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.Granularity;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.Severity;
import io.tokenpulse.avro.TokenAlert;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one JSON rendering of the contract's records: field names as in the schemas, readable values, stable order. */
class AvroMapsTest {
    @Test
    void anAlertIsOneLineWithIsoTimesEnumSymbolsNullsAndSortedEvidence() {
        TokenAlert alert = TokenAlert.newBuilder()
                .setAlertId("a-1").setType(AlertType.OVER_PRIVILEGED).setSeverity(Severity.MEDIUM)
                .setTenant("acme").setTokenId("tok-1").setOwner(null).setPrincipal("svc")
                .setEventTime(Instant.parse("2026-01-02T03:04:05Z")).setEmittedAt(Instant.parse("2026-01-02T03:04:06.789Z"))
                .setSummary("uses 1 of 2 scopes").setEvidence(Map.of("z", "last", "a", "first"))
                .setAction(ActionType.NARROW_SCOPES).setSuggestedScopes(List.of("repo:read"))
                .build();
        assertEquals("{\"alertId\":\"a-1\",\"type\":\"OVER_PRIVILEGED\",\"severity\":\"MEDIUM\",\"tenant\":\"acme\","
                + "\"tokenId\":\"tok-1\",\"owner\":null,\"principal\":\"svc\",\"eventTime\":\"2026-01-02T03:04:05Z\","
                + "\"emittedAt\":\"2026-01-02T03:04:06.789Z\",\"summary\":\"uses 1 of 2 scopes\","
                + "\"evidence\":{\"a\":\"first\",\"z\":\"last\"},\"action\":\"NARROW_SCOPES\","
                + "\"suggestedScopes\":[\"repo:read\"]}", AvroMaps.json(alert));
    }

    @Test
    void aReportKeepsNumbersAsNumbersAndCountsByTypeSorted() {
        PostureReport r = PostureReport.newBuilder()
                .setTenant("acme").setOwner("payments").setGranularity(Granularity.HOURLY)
                .setWindowStart(Instant.parse("2026-01-01T00:00:00Z")).setWindowEnd(Instant.parse("2026-01-01T01:00:00Z"))
                .setActiveTokens(4).setTokensWithoutExpiry(1).setTokensOverMaxLifetime(0).setUnusedTokens(2)
                .setOverPrivilegedTokens(1).setLeastPrivilegeRatio(0.75).setLifespanP50Ms(3_600_000L).setLifespanP95Ms(null)
                .setIncidents(0).setResidualExposure(0).setExpiryBreakage(3)
                .setAlertsByType(Map.of("UNUSED_TOKEN", 2L, "NEW_SOURCE", 1L)).setLateEvents(5)
                .build();
        assertEquals("{\"tenant\":\"acme\",\"owner\":\"payments\",\"granularity\":\"HOURLY\","
                + "\"windowStart\":\"2026-01-01T00:00:00Z\",\"windowEnd\":\"2026-01-01T01:00:00Z\",\"activeTokens\":4,"
                + "\"tokensWithoutExpiry\":1,\"tokensOverMaxLifetime\":0,\"unusedTokens\":2,\"overPrivilegedTokens\":1,"
                + "\"leastPrivilegeRatio\":0.75,\"lifespanP50Ms\":3600000,\"lifespanP95Ms\":null,\"incidents\":0,"
                + "\"timeToDetectMeanMs\":null,\"timeToDetectP50Ms\":null,\"timeToDetectP95Ms\":null,"
                + "\"timeToRevokeMeanMs\":null,\"timeToRevokeP50Ms\":null,\"timeToRevokeP95Ms\":null,"
                + "\"timeToReplaceMeanMs\":null,\"timeToReplaceP50Ms\":null,\"timeToReplaceP95Ms\":null,"
                + "\"residualExposure\":0,\"expiryBreakage\":3,\"alertsByType\":{\"NEW_SOURCE\":1,\"UNUSED_TOKEN\":2},"
                + "\"lateEvents\":5}", AvroMaps.json(r));
    }
}
