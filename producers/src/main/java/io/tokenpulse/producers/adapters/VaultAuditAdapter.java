package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.Reader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Vault's file and socket audit devices ({@code publish --format vault-audit}): JSON entries one per line, written
 * back to back without newlines (a socket device's stream as a listener saved it), pretty-printed over many lines
 * ({@code jq .}), or as a JSON array. Entries become events as {@link VaultEntryMapper} says: uses from request entries,
 * lifecycle from response entries, so no request counts twice. Garbage, truncated entries and entries that are
 * not Vault's are rejected with their line; the entries around them go through.
 */
public final class VaultAuditAdapter implements InputAdapter {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final String tenantOverride;
    private final InputLimits limits;
    private final ParseReport report = new ParseReport();

    /** Tenant of each entry: its namespace path (or id), and {@code root} when it has none. */
    public VaultAuditAdapter() {
        this(null);
    }

    /** @param tenantOverride the tenant of every event, instead of the namespace; null keeps the namespace */
    public VaultAuditAdapter(String tenantOverride) {
        this(tenantOverride, InputLimits.DEFAULTS);
    }

    public VaultAuditAdapter(String tenantOverride, InputLimits limits) {
        this.tenantOverride = tenantOverride == null || tenantOverride.isBlank() ? null : tenantOverride;
        this.limits = limits;
    }

    @Override
    public Stream<LineResult> parse(Reader input) {
        report.clear();
        return new JsonRecords(input, JSON, Set.of(), limits, new VaultEntryMapper(tenantOverride, report)).stream();
    }

    @Override
    public ParseReport report() {
        return report;
    }
}
