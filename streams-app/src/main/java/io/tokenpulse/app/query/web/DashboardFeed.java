package io.tokenpulse.app.query.web;

import io.tokenpulse.app.config.Topics;
import io.tokenpulse.app.query.AvroMaps;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads token-alerts, token-reports and service-deployments from their start, on every partition, into this
 * instance's {@link AlertBuffer}, {@link ReportHistory} and {@link Deployments}. Every instance reads everything
 * (no consumer group, nothing committed): any instance answers the dashboard alone, and a restart rebuilds from the
 * topics. {@code read_committed}: an alert of a transaction the pipeline aborted never reaches a browser.
 */
public final class DashboardFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardFeed.class);
    /** Short enough that an alert reaches the feed well within the dashboard's 2 s promise. */
    private static final Duration POLL = Duration.ofMillis(100);
    /** New partitions (a topic grown, a topic created after start) are picked up this often. */
    private static final long REFRESH_MS = 30_000;

    private final Topics topics;
    private final Deserializer<TokenAlert> alertValues;
    private final Deserializer<PostureReport> reportValues;
    private final Deserializer<ServiceDeploymentEvent> deploymentValues;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AlertBuffer alerts;
    private final ReportHistory reports;
    private final Deployments deployments;
    private final Thread thread;
    private volatile boolean running = true;
    private long skipped;

    public DashboardFeed(Map<String, Object> kafkaClient, String clientId, Topics topics, AlertBuffer alerts,
                         ReportHistory reports, Deployments deployments) {
        this.topics = topics;
        this.alertValues = topics.alerts().valueSerde().deserializer();
        this.reportValues = topics.reports().valueSerde().deserializer();
        this.deploymentValues = topics.deployments().valueSerde().deserializer();
        this.alerts = alerts;
        this.reports = reports;
        this.deployments = deployments;
        Map<String, Object> props = new java.util.HashMap<>(kafkaClient);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // A reader must never create an output topic under a guessed configuration; the app creates them.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "tokenpulse-dashboard-feed");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        Set<TopicPartition> assigned = new HashSet<>();
        long nextRefresh = 0;
        try {
            while (running) {
                if (System.currentTimeMillis() >= nextRefresh) {
                    Set<TopicPartition> all = partitions();
                    boolean everyTopic = all.stream().map(TopicPartition::topic).distinct().count() == 3;
                    nextRefresh = System.currentTimeMillis() + (everyTopic ? REFRESH_MS : 1_000);
                    if (!all.equals(assigned)) {
                        Set<TopicPartition> added = new HashSet<>(all);
                        added.removeAll(assigned);
                        consumer.assign(all);
                        consumer.seekToBeginning(added);
                        assigned = all;
                        log.info("Dashboard feed reads {} partitions of {}, {} and {}", all.size(),
                                topics.alerts().name(), topics.reports().name(), topics.deployments().name());
                    }
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(POLL.toMillis());
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    apply(r);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // close() woke us: fall through and close the consumer.
        } catch (RuntimeException e) {
            log.error("The dashboard feed stopped; the live feed and report history stay as they were", e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private Set<TopicPartition> partitions() {
        Set<TopicPartition> out = new HashSet<>();
        for (String topic : List.of(topics.alerts().name(), topics.reports().name(), topics.deployments().name())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            for (PartitionInfo p : infos == null ? new ArrayList<PartitionInfo>() : infos) {
                out.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        return out;
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            if (r.topic().equals(topics.alerts().name())) {
                TokenAlert a = alertValues.deserialize(r.topic(), r.headers(), r.value());
                alerts.append(a.getTenant(), AvroMaps.of(a));
            } else if (r.topic().equals(topics.reports().name())) {
                PostureReport p = reportValues.deserialize(r.topic(), r.headers(), r.value());
                reports.add(p.getTenant(), p.getOwner(), p.getGranularity().name(), p.getWindowStart().toEpochMilli(), AvroMaps.of(p));
            } else if (r.topic().equals(topics.deployments().name())) {
                ServiceDeploymentEvent d = deploymentValues.deserialize(r.topic(), r.headers(), r.value());
                deployments.add(d.getTenant(), d.getService(), d.getVersion(), d.getType().name());
            }
        } catch (RuntimeException e) {
            // Input topics may hold records the pipeline dead-lettered; the dashboard skips them the same way.
            if (skipped++ == 0) {
                log.warn("Dashboard feed skips {}-{}@{} (further skips at debug): {}", r.topic(), r.partition(), r.offset(), e.toString());
            } else {
                log.debug("Dashboard feed skips {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
            }
        }
    }

    /**
     * Tells the feed to stop and returns at once: its thread closes the consumer on its way out. The app closes the
     * dashboard before its HTTP server, and a peer must not get answers from an instance that is leaving.
     */
    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            consumer.wakeup();
        } else {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }
}
