package io.tokenpulse.app.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.SettingDocs;
import io.tokenpulse.avro.AlertType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The generated parts of docs/SETTINGS.md and docs/CONTRACT.md say what the code says. Run with
 * {@code -Dtokenpulse.docs.write=true} (see {@link GeneratedDocs#REGENERATE}) to rewrite them.
 */
class GeneratedDocsTest {
    @Test
    void committedDocsMatchTheCode() {
        boolean write = Boolean.getBoolean("tokenpulse.docs.write");
        List<String> stale = GeneratedDocs.stale(RepoRoot.find(), write);
        if (!write) {
            assertEquals(List.of(), stale, "generated docs differ from the code; regenerate them with: "
                    + GeneratedDocs.REGENERATE);
        }
    }

    @Test
    void everySettingOfAppConfigIsDocumentedAndEveryDocumentedSettingExists() throws IllegalAccessException {
        Set<String> documented = SettingDocs.all().stream().map(SettingDocs.Doc::key).collect(Collectors.toSet());
        assertEquals(SettingDocs.all().size(), documented.size(), "a setting is documented twice");

        // Every key with a built-in default is documented, and takes its default from there, not from the doc.
        for (String key : AppConfig.defaults().keySet()) {
            assertTrue(documented.contains(key), key + " has a default but no line in SettingDocs");
        }
        for (SettingDocs.Doc d : SettingDocs.all()) {
            boolean hasDefault = AppConfig.defaults().containsKey(d.key());
            assertEquals(hasDefault, d.fixedDefault() == null, d.key() + ": a setting with a built-in default shows it"
                    + " from AppConfig.defaults(); one without says what applies when it is absent");
        }

        // Every setting name AppConfig declares is documented (prefixes as "prefix*").
        List<String> missing = new ArrayList<>();
        for (Field f : AppConfig.class.getFields()) {
            if (f.getType() != String.class || !Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            String key = (String) f.get(null);
            if (key.equals(AppConfig.AT_LEAST_ONCE) || key.equals(AppConfig.EXACTLY_ONCE_V2)) {
                continue; // values of processing.guarantee, not settings
            }
            boolean found = key.endsWith(".")
                    ? documented.stream().anyMatch(k -> k.startsWith(key))
                    : documented.contains(key);
            if (!found) {
                missing.add(f.getName() + "=" + key);
            }
        }
        assertEquals(List.of(), missing, "AppConfig settings without a line in SettingDocs");
    }

    @Test
    void everyAlertTypeHasAConditionAndTheCatalogueListsEachOnce() {
        String catalogue = GeneratedDocs.alertCatalogue();
        Set<String> rows = new TreeSet<>();
        for (String line : catalogue.split("\n")) {
            if (line.startsWith("| ") && !line.startsWith("| type ")) {
                rows.add(line.substring(2, line.indexOf(" |")));
            }
        }
        Set<String> types = new TreeSet<>();
        for (AlertType t : AlertType.values()) {
            types.add(t.name());
        }
        assertEquals(types, rows);
        assertTrue(catalogue.contains("| REPLACEMENT_OVERDUE | state | CRITICAL | ROTATE | "), catalogue);
        assertTrue(catalogue.contains("| SCOPE_PROBING | event | HIGH | INVESTIGATE | "), catalogue);
    }

    @Test
    void aBlockIsReplacedBetweenItsMarkersOnlyAndMissingMarkersAreAnError() {
        String text = "intro\n<!-- generated:x:begin (how) -->\nold\n<!-- generated:x:end -->\noutro\n";
        assertEquals("intro\n<!-- generated:x:begin (how) -->\nnew\n<!-- generated:x:end -->\noutro\n",
                GeneratedDocs.replaceBlock(text, "x", "new\n"));
        assertThrows(IllegalStateException.class, () -> GeneratedDocs.replaceBlock("no markers", "x", "new\n"));
    }
}
