package io.tokenpulse.cli;

/** Durations for people: the two largest units, e.g. {@code 3h05m}, {@code 2d4h}, {@code 45s}; "-" for none. */
public final class HumanDuration {
    private HumanDuration() {
    }

    public static String of(Long ms) {
        if (ms == null) {
            return "-";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + "m" + (s % 60 == 0 ? "" : String.format("%02ds", s % 60));
        }
        long h = m / 60;
        if (h < 24) {
            return h + "h" + String.format("%02dm", m % 60);
        }
        return h / 24 + "d" + h % 24 + "h";
    }
}
