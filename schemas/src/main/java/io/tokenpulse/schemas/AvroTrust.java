package io.tokenpulse.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12.2 refuses to load generated classes from untrusted packages when it decodes into them.
 * This is the one place that trusts ours: every decoder (the serde, the stores, the tests) calls
 * {@link #ensure()} before it builds a reader, so no entry point needs a system property.
 */
public final class AvroTrust {
    /** Package of the generated SpecificRecord classes (see the avro-maven-plugin configuration). */
    public static final String GENERATED_PACKAGE = "io.tokenpulse.avro";

    private static volatile boolean installed;

    private AvroTrust() {
    }

    public static void ensure() {
        if (installed) {
            return;
        }
        synchronized (AvroTrust.class) {
            if (installed) {
                return;
            }
            ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
            ClassSecurityValidator.ClassSecurityPredicate ours = AvroTrust::isOurs;
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous, ours));
            installed = true;
        }
    }

    /** True for our generated records and the classes nested in them (enums included). */
    static boolean isOurs(Class<?> type) {
        Package p = type.getPackage();
        return p != null && (p.getName().equals(GENERATED_PACKAGE) || p.getName().startsWith(GENERATED_PACKAGE + "."));
    }
}
