package io.tokenpulse.local;

import java.time.Duration;
import java.util.List;

/**
 * What {@link LocalStack#up} did.
 *
 * @param alreadyRunning the stack was up before; nothing was started
 * @param kafkaStartup how long Kafka took from launch to serving, or {@link Duration#ZERO} if not started now
 * @param registryStartup the same for the registry
 * @param createdTopics topics created by this call
 */
public record UpResult(boolean alreadyRunning, String bootstrapServers, String registryUrl,
                       Duration kafkaStartup, Duration registryStartup, List<String> createdTopics) {
}
