package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * AWS CloudTrail logs ({@code publish --format cloudtrail}), in either shape they come in:
 * <ul>
 *   <li>a delivery file as CloudTrail writes it to S3, {@code {"Records":[...]}} (several may follow each other,
 *   as {@code zcat *.json.gz} gives), read as a stream so a large file is never held whole;</li>
 *   <li>JSON Lines of event records, one per line (what CloudTrail Lake exports and most log shippers write); a
 *   line may also hold a whole one-line delivery file.</li>
 * </ul>
 * The shape is told from the first object's first member. Gzip is detected by {@link InputDecoding}.
 *
 * <p>Records become events as {@link CloudTrailRecordMapper} says. Positions: the line a record starts on;
 * reasons name the record within a delivery file ({@code Records[17]}). In a delivery file, JSON that stops
 * parsing ends the file (a streaming parser cannot find the next record after a syntax error): the records
 * before it all go through, and one rejection says where and why the rest was not read.
 */
public final class CloudTrailAdapter implements InputAdapter {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int PEEK = 1 << 16;
    private static final Pattern DELIVERY_FILE = Pattern.compile("\\A\\uFEFF?\\s*\\{\\s*\"Records\"\\s*:");

    private final String tenantOverride;
    private final ParseReport report = new ParseReport();

    /** Tenant of each record: its recipientAccountId, or else its userIdentity.accountId. */
    public CloudTrailAdapter() {
        this(null);
    }

    /** @param tenantOverride the tenant of every event, instead of the record's account; null keeps the account */
    public CloudTrailAdapter(String tenantOverride) {
        this.tenantOverride = tenantOverride == null || tenantOverride.isBlank() ? null : tenantOverride;
    }

    @Override
    public Stream<LineResult> parse(Reader input) {
        report.clear();
        BufferedReader reader = input instanceof BufferedReader b ? b : new BufferedReader(input, PEEK);
        CloudTrailRecordMapper mapper = new CloudTrailRecordMapper(tenantOverride, report);
        boolean deliveryFile;
        try {
            deliveryFile = startsLikeDeliveryFile(reader);
        } catch (IOException e) {
            return Stream.of(JsonLineRecords.unreadable(0, e));
        }
        ResultIterator it = deliveryFile ? new CloudTrailDeliveryRecords(reader, JSON, mapper)
                : new JsonLineRecords(reader, JSON, (node, line, where, out) -> {
                    // A line holding a whole delivery file (one-line S3 objects concatenated with newlines).
                    if (node.isObject() && node.size() == 1 && node.has("Records") && node.get("Records").isArray()) {
                        int i = 0;
                        for (var rec : node.get("Records")) {
                            mapper.map(rec, line, Nodes.prefix(where) + "Records[" + i++ + "]", out);
                        }
                    } else {
                        mapper.map(node, line, where, out);
                    }
                });
        return it.stream();
    }

    @Override
    public ParseReport report() {
        return report;
    }

    private static boolean startsLikeDeliveryFile(BufferedReader reader) throws IOException {
        reader.mark(PEEK);
        char[] buf = new char[PEEK];
        int n = 0;
        int r;
        while (n < buf.length && (r = reader.read(buf, n, buf.length - n)) > 0) {
            n += r;
        }
        reader.reset();
        return DELIVERY_FILE.matcher(new String(buf, 0, n)).find();
    }
}
