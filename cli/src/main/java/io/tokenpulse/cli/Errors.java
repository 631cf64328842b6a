package io.tokenpulse.cli;

/** One readable line for an error that ends a command: the message chain, without stack traces. */
public final class Errors {
    private Errors() {
    }

    public static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        Throwable t = e;
        String last = null;
        while (t != null) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && (last == null || !last.contains(m))) {
                if (b.length() > 0) {
                    b.append(": ");
                }
                b.append(m);
                last = m;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return b.length() == 0 ? e.getClass().getSimpleName() : b.toString();
    }
}
