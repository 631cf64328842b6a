package io.tokenpulse.app.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The due index answers what is due whether or not it skips the scan, and a put below what it knew is seen. */
class DueIndexTest {

    @Test
    void whatIsDueIsFoundAcrossSkippedScansAndEarlierPuts() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("due-test"),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<String, String>().getStateStoreContext(), store);
        DueIndex due = new DueIndex(store);
        due.put(100, "a");
        due.put(300, "b");
        assertEquals(List.of(), due.dueBetween(0, 50, 10));
        assertEquals(List.of(), due.dueBetween(51, 99, 10), "nothing before 100");
        assertEquals(List.of(new DueIndex.Due(100, "a")), due.dueBetween(100, 150, 10));
        due.remove(100, "a");
        assertEquals(List.of(), due.dueBetween(151, 200, 10));
        due.put(250, "c"); // below the 300 the index last saw
        assertEquals(List.of(new DueIndex.Due(250, "c")), due.dueBetween(201, 260, 10));
        due.remove(250, "c");
        assertEquals(List.of(new DueIndex.Due(300, "b")), due.dueBetween(261, 400, 10));
        due.remove(300, "b");
        assertEquals(List.of(), due.dueBetween(401, Long.MAX_VALUE - 1, 10), "empty");
        due.put(500, "d");
        due.put(500, "e");
        assertEquals(List.of(new DueIndex.Due(500, "d")), due.dueBetween(401, 600, 1), "at most max");
        assertEquals(List.of(new DueIndex.Due(500, "d"), new DueIndex.Due(500, "e")), due.dueBetween(401, 600, 10));
    }
}
