package io.tokenpulse.app.query;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per API request: who (the credential's name, never its token), which route (the template, so no token id
 * is written), which tenant (only one the caller may read; one out of scope is written as {@code (out of scope)}), the
 * outcome and the status. Written to the logger {@value #LOGGER}, so an operator can route it to a file of its own.
 */
@FunctionalInterface
public interface AuditLog {
    String LOGGER = "tokenpulse.audit";

    void record(Entry entry);

    /**
     * One request as the audit line tells it.
     *
     * @param who       credential name, {@code anonymous} (auth off) or {@code unauthenticated} (refused)
     * @param route     the route template, or {@code unmatched}
     * @param tenant    the tenant asked about, {@code *} for a list across the caller's tenants, {@code -} for none
     * @param forwarded whether a peer instance forwarded the request on the caller's behalf
     */
    record Entry(String who, String method, String route, String tenant, String outcome, int status, boolean forwarded,
                 String remote) {
        /** key=value, values cleaned of anything that could forge a line (control characters, spaces, quotes). */
        public String line() {
            return "who=" + clean(who) + " method=" + clean(method) + " route=" + clean(route) + " tenant=" + clean(tenant)
                    + " outcome=" + outcome + " status=" + status + " forwarded=" + forwarded + " remote=" + clean(remote);
        }

        static String clean(String v) {
            if (v == null) {
                return "-";
            }
            StringBuilder b = new StringBuilder();
            v.codePoints().limit(128).forEach(c -> {
                if (c < 0x21 || c == 0x7f || c == '"' || c == '\\' || c == '=' || (c >= 0x80 && c < 0xa0)) {
                    b.append(String.format("%%%02X", c & 0xff));
                } else {
                    b.appendCodePoint(c);
                }
            });
            return b.toString();
        }
    }

    /** The audit lines go to SLF4J at INFO. */
    static AuditLog toLogger() {
        Logger log = LoggerFactory.getLogger(LOGGER);
        return e -> log.info("{}", e.line());
    }

    static String outcome(int status) {
        if (status >= 200 && status < 300) {
            return "allowed";
        }
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "bad_method";
            case 503 -> "unavailable";
            default -> "error";
        };
    }
}
