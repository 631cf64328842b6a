package io.tokenpulse.app.config;

import java.util.List;

/**
 * The settings table of docs/SETTINGS.md, one line per definition of {@link AppConfigDef}, in its order: the key
 * (a prefix as {@code prefix*}), the built-in default or what applies without one, and what the setting is for.
 * {@code GeneratedDocsTest} fails when a setting of {@link AppConfig} has no line here or a line names a setting
 * that does not exist.
 */
public final class SettingDocs {
    /**
     * A documented setting. {@code fixedDefault} is null for settings with a built-in default (shown from
     * {@link AppConfig#defaults()}); for the others it says what applies when the setting is absent.
     */
    public record Doc(String key, String fixedDefault, String meaning) {
    }

    private SettingDocs() {
    }

    public static List<Doc> all() {
        return AppConfigDef.all().stream().map(s -> new Doc(s.key(), s.whenAbsent(), s.doc())).toList();
    }
}
