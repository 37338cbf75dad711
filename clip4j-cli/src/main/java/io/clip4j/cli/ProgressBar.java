package io.clip4j.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr with count, rate and ETA, redrawn at most a few times a second.
 * It draws only when stderr is a terminal (or {@code CLIP4J_PROGRESS=1}); otherwise it stays silent
 * so that logs are not filled with carriage returns.
 */
final class ProgressBar implements AutoCloseable {

    private final PrintStream out;
    private final String label;
    private final String unit;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long total;
    private long done;
    private long lastDraw;
    private String extra = "";

    ProgressBar(String label, long total, String unit) {
        this(System.err, label, total, unit, defaultEnabled());
    }

    ProgressBar(PrintStream out, String label, long total, String unit, boolean enabled) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.enabled = enabled;
    }

    static boolean defaultEnabled() {
        String env = System.getenv("CLIP4J_PROGRESS");
        if (env != null) {
            return !env.equals("0");
        }
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    synchronized void setTotal(long total) {
        this.total = total;
    }

    /** Free text shown after the counters (e.g. the current loss). */
    synchronized void setExtra(String extra) {
        this.extra = extra == null ? "" : extra;
    }

    synchronized void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastDraw > 200_000_000L || done >= total) {
            lastDraw = now;
            draw(false);
        }
    }

    synchronized long done() {
        return done;
    }

    /** Items per second so far. */
    synchronized double rate() {
        double s = (System.nanoTime() - start) / 1e9;
        return s > 0 ? done / s : 0;
    }

    private void draw(boolean last) {
        if (!enabled) {
            return;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        int width = 28;
        StringBuilder sb = new StringBuilder("\r").append(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(width, width * done / Math.max(1, total));
            sb.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
            sb.append(done).append('/').append(total);
        } else {
            sb.append(done);
        }
        sb.append(String.format(Locale.ROOT, "  %.1f %s/s", rate, unit));
        if (total > 0 && rate > 0 && done < total) {
            sb.append("  ETA ").append(formatDuration((total - done) / rate));
        } else {
            sb.append("  ").append(formatDuration(secs));
        }
        if (!extra.isEmpty()) {
            sb.append("  ").append(extra);
        }
        sb.append("\u001b[K");
        if (last) {
            sb.append('\n');
        }
        out.print(sb);
        out.flush();
    }

    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    @Override
    public synchronized void close() {
        if (enabled && done > 0) {
            draw(true);
        }
    }
}
