package io.tokenpulse.app.docs;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.SettingDocs;
import io.tokenpulse.app.detect.AlertFactory;
import io.tokenpulse.app.detect.StateConditions;
import io.tokenpulse.avro.AlertType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The parts of the docs that the code can write, so they cannot drift from it: the settings table of
 * docs/SETTINGS.md (from the definitions of {@code AppConfigDef}, through {@link SettingDocs}) and the alert catalogue of
 * docs/CONTRACT.md (from {@link AlertType}, {@link AlertFactory} and {@link AlertDocs}). Each lives between a
 * {@code <!-- generated:NAME:begin ... -->} and a {@code <!-- generated:NAME:end -->} line; the text around them is
 * written by hand.
 *
 * <p>{@code GeneratedDocsTest} compares; {@link #REGENERATE} rewrites.
 */
public final class GeneratedDocs {
    /** The command that rewrites the generated parts, quoted by the test that finds them stale. */
    public static final String REGENERATE = "./mvnw -q -pl streams-app -am test -Dtest=GeneratedDocsTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dtokenpulse.docs.write=true";

    /** A generated block: the file it lives in (relative to the repository root), its name, its content. */
    public record Block(String file, String name, Supplier<String> content) {
    }

    public static final List<Block> BLOCKS = List.of(
            new Block("docs/SETTINGS.md", "settings", GeneratedDocs::settingsTable),
            new Block("docs/CONTRACT.md", "alerts", GeneratedDocs::alertCatalogue));

    private GeneratedDocs() {
    }

    public static String settingsTable() {
        Map<String, String> defaults = AppConfig.defaults();
        StringBuilder b = new StringBuilder("| key | default | what it is for |\n|---|---|---|\n");
        for (SettingDocs.Doc d : SettingDocs.all()) {
            String shown = d.fixedDefault() != null ? d.fixedDefault()
                    : defaults.get(d.key()).isEmpty() ? "empty" : "`" + defaults.get(d.key()) + "`";
            b.append("| `").append(d.key()).append("` | ").append(shown).append(" | ").append(d.meaning()).append(" |\n");
        }
        return b.toString();
    }

    public static String alertCatalogue() {
        StringBuilder b = new StringBuilder("| type | kind | severity | action | raised when |\n|---|---|---|---|---|\n");
        for (AlertType t : AlertType.values()) {
            b.append("| ").append(t.name())
                    .append(" | ").append(StateConditions.TYPES.contains(t) ? "state" : "event")
                    .append(" | ").append(AlertFactory.severityFor(t))
                    .append(" | ").append(AlertFactory.actionFor(t))
                    .append(" | ").append(AlertDocs.condition(t)).append(" |\n");
        }
        return b.toString();
    }

    /** {@code text} with the block's content replaced by {@code content}; throws when its markers are missing. */
    public static String replaceBlock(String text, String name, String content) {
        String begin = "<!-- generated:" + name + ":begin";
        String end = "<!-- generated:" + name + ":end -->";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalStateException("no " + begin + " ... " + end + " markers");
        }
        int afterBegin = text.indexOf('\n', b) + 1;
        return text.substring(0, afterBegin) + content + text.substring(e);
    }

    /** The files whose generated parts differ from what the code says now; with {@code write}, rewrites them. */
    public static List<String> stale(Path root, boolean write) {
        List<String> stale = new ArrayList<>();
        for (Block block : BLOCKS) {
            Path file = root.resolve(block.file());
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                String fresh = replaceBlock(text, block.name(), block.content().get());
                if (!fresh.equals(text)) {
                    stale.add(block.file() + " (" + block.name() + ")");
                    if (write) {
                        Files.writeString(file, fresh, StandardCharsets.UTF_8);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return stale;
    }
}
