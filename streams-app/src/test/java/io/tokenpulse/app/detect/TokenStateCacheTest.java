package io.tokenpulse.app.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.state.TokenState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token store's object cache: the judge's objects stay in memory between records, and every changed one reaches
 * the store (and so the changelog) when Kafka Streams flushes before a commit, or when it is pushed out.
 */
class TokenStateCacheTest {
    private static final Instant AT = Pipeline.NOW.minusSeconds(3600);

    @TempDir
    Path dir;

    @Test
    void aChangedStateReachesTheStoreAtTheFlushNotBefore() throws Exception {
        try (Pipeline p = new Pipeline(dir)) {
            KeyValueStore<String, TokenState> under = store(p);
            TokenStateCache cache = new TokenStateCache(under, 10);
            init(cache);
            TokenState s = state("t1");
            cache.put("t1", s);
            assertSame(s, cache.get("t1"), "the writing thread reads the object it wrote");
            assertNull(under.get("t1"), "not serialised per record");
            assertNull(CompletableFuture.supplyAsync(() -> cache.get("t1")).get(), "a query thread reads the store as of the last flush");
            s.setOwner("changed in place");
            cache.put("t1", s);
            cache.flushCache();
            assertEquals("changed in place", under.get("t1").getOwner(), "written before the commit");
            assertEquals("changed in place", CompletableFuture.supplyAsync(() -> cache.get("t1")).get().getOwner());
        }
    }

    @Test
    void aChangedStatePushedOutIsWrittenAndOneClosedUnwrittenIsDropped() throws Exception {
        try (Pipeline p = new Pipeline(dir)) {
            KeyValueStore<String, TokenState> under = store(p);
            TokenStateCache cache = new TokenStateCache(under, 2);
            init(cache);
            cache.put("a", state("a"));
            cache.put("b", state("b"));
            assertNull(under.get("a"));
            cache.put("c", state("c"));
            assertEquals("a", under.get("a").getTokenId(), "the least recently used, written as it goes");
            assertNull(under.get("b"));
            assertEquals("a", cache.get("a").getTokenId(), "read back from the store");
            cache.close();
            init(cache);
            assertNull(cache.get("b"), "a task closed without a commit keeps nothing it did not write");
            assertNull(cache.get("c"));
        }
    }

    @Test
    void thePipelineWritesEveryJudgedTokenToTheChangelogOfTheRecordsCommit() {
        try (Pipeline p = new Pipeline(dir)) {
            p.send(p.topics.lifecycle(), "t1", Pipeline.lifecycle("e1", "t1", LifecycleType.ISSUED, AT).build());
            p.send(p.topics.usage(), "t1", Pipeline.usage("u1", "t1", AT.plusSeconds(1)).build());
            String changelog = p.driver.producedTopicNames().stream().filter(n -> n.endsWith(DetectionTopology.TOKEN_STORE + "-changelog"))
                    .findFirst().orElseThrow();
            var records = p.driver.createOutputTopic(changelog, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
            assertTrue(records.size() >= 2, "one state per record's commit: " + records.size());
            TokenState last = DetectionTopology.tokenStateSerde(p.topics).deserializer().deserialize(changelog, records.get(records.size() - 1).value());
            assertEquals(p.tokenState("t1").orElseThrow(), last, "the changelog holds the state as judged");
        }
    }

    private static KeyValueStore<String, TokenState> store(Pipeline p) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("token-state-test"), Serdes.String(),
                p.topics.storeSerde(TokenState.class)).withLoggingDisabled().build();
    }

    private static void init(TokenStateCache cache) {
        MockProcessorContext<String, String> context = new MockProcessorContext<>();
        cache.init(context.getStateStoreContext(), cache);
    }

    private static TokenState state(String id) {
        return TokenState.newBuilder().setTokenId(id).setTenant("acme").setFirstEventAt(AT).setLastEventAt(AT).build();
    }
}
