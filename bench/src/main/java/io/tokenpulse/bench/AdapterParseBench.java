package io.tokenpulse.bench;

import io.tokenpulse.producers.adapters.CloudTrailAdapter;
import io.tokenpulse.producers.adapters.InputAdapter;
import io.tokenpulse.producers.adapters.InputDecoding;
import io.tokenpulse.producers.adapters.JsonLinesAdapter;
import io.tokenpulse.producers.adapters.LineResult;
import io.tokenpulse.producers.adapters.VaultAuditAdapter;
import io.tokenpulse.registry.InMemorySchemaRegistryClient;
import io.tokenpulse.serde.SpecificAvroSerializer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.specific.SpecificRecord;

/**
 * Input adapter throughput without a broker: parse a generated file and serialize every event to Avro in the
 * Confluent wire format (in-memory registry), as {@code publish} does before handing records to the producer.
 * Each input is read twice and the second run is reported, so the JIT has warmed up.
 * Args: records per input (default 1,000,000), working directory (default a temp directory).
 */
public final class AdapterParseBench {
    private static final String KEY = "AKIA%016d";

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("tokenpulse-adapter-bench");
        Files.createDirectories(dir);
        Path jsonl = write(dir.resolve("canonical.jsonl"), n, false, AdapterParseBench::canonicalLine);
        Path ctLines = write(dir.resolve("cloudtrail.jsonl"), n, false, AdapterParseBench::cloudTrailRecord);
        Path ctDelivery = writeDelivery(dir.resolve("cloudtrail-delivery.json.gz"), n);
        Path vault = write(dir.resolve("vault-audit.log"), n, false, AdapterParseBench::vaultEntry);
        System.out.printf("%,d records per input in %s%n", n, dir);
        System.out.printf("%-34s %12s %12s %14s %14s %10s%n", "input", "records", "events", "records/s", "events/s", "MB");
        run("jsonl (canonical usage lines)", jsonl, JsonLinesAdapter::new);
        run("cloudtrail (JSON Lines)", ctLines, CloudTrailAdapter::new);
        run("cloudtrail (delivery files, gzip)", ctDelivery, CloudTrailAdapter::new);
        run("vault-audit (request+response)", vault, VaultAuditAdapter::new);
    }

    private static void run(String name, Path file, Supplier<InputAdapter> adapter) throws IOException {
        measure(file, adapter.get());
        long[] r = measure(file, adapter.get());
        double s = r[3] / 1e9;
        System.out.printf("%-34s %,12d %,12d %,14.0f %,14.0f %10.1f%n", name, r[0], r[1], r[0] / s, r[1] / s, Files.size(file) / 1e6);
        if (r[2] != 0) {
            System.out.printf("  (%,d rejections: the generated input should have none)%n", r[2]);
        }
    }

    /** records (input lines or records), events, rejections, nanoseconds. */
    private static long[] measure(Path file, InputAdapter adapter) throws IOException {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        Map<Class<?>, SpecificAvroSerializer<SpecificRecord>> serializers = new HashMap<>();
        long[] counts = new long[3];
        long bytes = 0;
        long start = System.nanoTime();
        try (InputStream in = Files.newInputStream(file); Reader reader = InputDecoding.reader(in);
             var results = adapter.parse(reader)) {
            var it = results.iterator();
            while (it.hasNext()) {
                LineResult r = it.next();
                if (r instanceof LineResult.Accepted a) {
                    SpecificRecord v = a.event().value();
                    @SuppressWarnings("unchecked")
                    SpecificAvroSerializer<SpecificRecord> ser = serializers.computeIfAbsent(v.getClass(),
                            c -> new SpecificAvroSerializer<>((Class<SpecificRecord>) c, registry));
                    bytes += ser.serialize(a.event().topic().defaultName(), v).length;
                    counts[1]++;
                } else {
                    counts[2]++;
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        counts[0] = adapter instanceof VaultAuditAdapter ? countLines(file) : counts[1] + counts[2];
        if (bytes == 0 && counts[1] > 0) {
            throw new IllegalStateException("nothing serialized");
        }
        return new long[] {counts[0], counts[1], counts[2], elapsed};
    }

    private static long countLines(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }

    private interface Line {
        String of(int i);
    }

    private static Path write(Path file, int n, boolean gzip, Line line) throws IOException {
        try (Writer w = new BufferedWriter(new OutputStreamWriter(
                gzip ? new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) : Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
            for (int i = 0; i < n; i++) {
                w.write(line.of(i));
                w.write('\n');
            }
        }
        return file;
    }

    /** Delivery files of 1,000 records each, back to back as zcat gives them, gzipped as S3 holds them. */
    private static Path writeDelivery(Path file, int n) throws IOException {
        try (Writer w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16),
                StandardCharsets.UTF_8), 1 << 16)) {
            for (int i = 0; i < n; i++) {
                w.write(i % 1000 == 0 ? "{\"Records\":[" : ",");
                w.write(cloudTrailRecord(i));
                if (i % 1000 == 999 || i == n - 1) {
                    w.write("]}");
                }
            }
        }
        return file;
    }

    private static String time(int i) {
        return Instant.ofEpochSecond(1_772_000_000L + i).toString();
    }

    private static String canonicalLine(int i) {
        return "{\"kind\":\"usage\",\"eventId\":\"u" + i + "\",\"tokenId\":\"" + String.format(KEY, i % 10_000)
                + "\",\"tenant\":\"111122223333\",\"occurredAt\":\"" + time(i) + "\",\"scope\":\"s3:GetObject\",\"outcome\":\"ALLOWED\","
                + "\"principal\":\"arn:aws:iam::111122223333:user/u" + (i % 10_000) + "\",\"sourceIp\":\"192.0.2." + (i % 250)
                + "\",\"userAgent\":\"aws-cli/2.15.0\",\"region\":\"us-east-1\"}";
    }

    private static String cloudTrailRecord(int i) {
        return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDACKCEVSQ6C2EXAMPLE\","
                + "\"arn\":\"arn:aws:iam::111122223333:user/u" + (i % 10_000) + "\",\"accountId\":\"111122223333\",\"accessKeyId\":\""
                + String.format(KEY, i % 10_000) + "\",\"userName\":\"u" + (i % 10_000) + "\"},\"eventTime\":\"" + time(i)
                + "\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"awsRegion\":\"us-east-1\","
                + "\"sourceIPAddress\":\"192.0.2." + (i % 250) + "\",\"userAgent\":\"aws-cli/2.15.0\","
                + "\"requestParameters\":{\"bucketName\":\"reports\",\"key\":\"q" + i + ".csv\"},\"responseElements\":null,"
                + "\"requestID\":\"R" + i + "\",\"eventID\":\"e" + i + "\",\"readOnly\":true,"
                + "\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::reports/q" + i + ".csv\"}],"
                + "\"eventType\":\"AwsApiCall\",\"managementEvent\":false,\"recipientAccountId\":\"111122223333\"}";
    }

    /** Alternating request and response entries of one read each: half the lines become a use. */
    private static String vaultEntry(int i) {
        int req = i / 2;
        String acc = String.format("hmac-sha256:%064x", req % 10_000);
        return "{\"time\":\"" + time(req) + "\",\"type\":\"" + (i % 2 == 0 ? "request" : "response") + "\","
                + "\"auth\":{\"client_token\":\"hmac-sha256:" + String.format("%064x", req) + "\",\"accessor\":\"" + acc
                + "\",\"display_name\":\"token\",\"policies\":[\"default\",\"app\"],\"token_type\":\"service\"},"
                + "\"request\":{\"id\":\"r" + req + "\",\"operation\":\"read\",\"mount_type\":\"kv\",\"client_token_accessor\":\"" + acc
                + "\",\"namespace\":{\"id\":\"root\"},\"path\":\"secret/data/app" + (req % 100) + "\",\"remote_address\":\"10.0."
                + (req % 250) + ".1\",\"remote_port\":51234}" + (i % 2 == 0 ? "" : ",\"response\":{\"mount_type\":\"kv\",\"data\":{\"x\":\"hmac-sha256:00\"}}")
                + "}";
    }
}
