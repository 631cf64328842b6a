package io.tokenpulse.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenpulse.avro.UsageOutcome;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An enum value's index is its place among the schema's symbols, as Avro writes it; other indexes are refused. */
class EnumIndexTest {

    @Test
    void indexesFollowTheSchemasSymbolsBothWays() throws IOException {
        EnumIndex<UsageOutcome> outcomes = EnumIndex.of(UsageOutcome.class, UsageOutcome.getClassSchema());
        List<String> symbols = UsageOutcome.getClassSchema().getEnumSymbols();
        for (int i = 0; i < symbols.size(); i++) {
            UsageOutcome o = UsageOutcome.valueOf(symbols.get(i));
            assertEquals(i, outcomes.indexOf(o));
            assertEquals(o, outcomes.at(i));
        }
        assertThrows(IOException.class, () -> outcomes.at(-1));
        assertThrows(IOException.class, () -> outcomes.at(symbols.size()));
    }
}
