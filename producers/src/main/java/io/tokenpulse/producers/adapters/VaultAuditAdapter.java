package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.Reader;
import java.util.stream.Stream;

/**
 * Vault's file audit device ({@code publish --format vault-audit}): JSON entries, one per line, or written back
 * to back without newlines. Entries become events as {@link VaultEntryMapper} says: uses from request entries,
 * lifecycle from response entries, so no request counts twice. Garbage, truncated entries and entries that are
 * not Vault's are rejected with their line; the entries around them go through.
 */
public final class VaultAuditAdapter implements InputAdapter {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final String tenantOverride;
    private final ParseReport report = new ParseReport();

    /** Tenant of each entry: its namespace path (or id), and {@code root} when it has none. */
    public VaultAuditAdapter() {
        this(null);
    }

    /** @param tenantOverride the tenant of every event, instead of the namespace; null keeps the namespace */
    public VaultAuditAdapter(String tenantOverride) {
        this.tenantOverride = tenantOverride == null || tenantOverride.isBlank() ? null : tenantOverride;
    }

    @Override
    public Stream<LineResult> parse(Reader input) {
        report.clear();
        BufferedReader reader = input instanceof BufferedReader b ? b : new BufferedReader(input, 1 << 16);
        return new JsonLineRecords(reader, JSON, new VaultEntryMapper(tenantOverride, report)).stream();
    }

    @Override
    public ParseReport report() {
        return report;
    }
}
