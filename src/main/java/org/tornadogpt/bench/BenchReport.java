package org.tornadogpt.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats benchmark rows as a table for people, JSON lines, or CSV. */
public final class BenchReport {
    private BenchReport() {}

    static final String[] COLUMNS = {"device", "device_id", "backend", "backend_type", "workload", "model", "batch_size",
            "context", "warmup", "steps", "median_ms", "min_ms", "tokens_per_s", "gflops", "peak_rss_mib", "check_value",
            "ratio_vs_jvm", "error"};

    /** A fixed-width table with a header and the FLOP formula as a footnote. */
    public static String table(List<BenchRow> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"DEVICE", "BACKEND", "MEDIAN MS/STEP", "TOKENS/S", "GFLOP/S", "PEAK RSS", "LOSS", "VS JVM"});
        for (BenchRow r : rows) {
            String dev = (r.deviceId().equals("-") ? "" : r.deviceId() + " ") + r.device();
            String be = r.backend() + (r.backend().equals("tornado") ? " (" + r.backendType() + ")" : "");
            if (!r.ok()) {
                cells.add(new String[] {dev, be, "failed: " + r.error(), "", "", "", "", ""});
                continue;
            }
            cells.add(new String[] {dev, be, fmt("%.1f", r.medianMs()), fmt("%.1f", r.tokensPerS()), fmt("%.2f", r.gflops()),
                    r.peakRssBytes() < 0 ? "?" : fmt("%d MiB", r.peakRssBytes() >> 20),
                    Double.isNaN(r.checkValue()) ? "-" : fmt("%.6f", r.checkValue()),
                    Double.isNaN(r.ratioVsJvm()) ? "-" : fmt("%.2fx", r.ratioVsJvm())});
        }
        int cols = cells.get(0).length;
        int[] w = new int[cols];
        for (String[] row : cells) {
            if (row[2].startsWith("failed: ")) {
                w[0] = Math.max(w[0], row[0].length());
                w[1] = Math.max(w[1], row[1].length());
                continue;
            }
            for (int c = 0; c < cols; c++) w[c] = Math.max(w[c], row[c].length());
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : cells) {
            for (int c = 0; c < cols; c++) {
                boolean left = c < 2 || row[2].startsWith("failed: ");
                String cell = row[c];
                if (c > 0) sb.append("  ");
                if (row[2].startsWith("failed: ") && c == 2) {
                    sb.append(cell);
                    break;
                }
                sb.append(left ? pad(cell, w[c], true) : pad(cell, w[c], false));
            }
            int end = sb.length();
            while (end > 0 && sb.charAt(end - 1) == ' ') end--;
            sb.setLength(end);
            sb.append('\n');
        }
        if (!rows.isEmpty()) {
            BenchRow r = rows.get(0);
            sb.append(fmt("%s, model %s, B=%d, T=%d, median of %d steps after %d warm-up; VS JVM = JVM median / row median%n",
                    r.workload(), r.model(), r.batchSize(), r.context(), r.steps(), r.warmup()));
        }
        sb.append(Flops.DESCRIPTION).append('\n');
        sb.append("PEAK RSS: the process's VmHWM during the row (reset per row where the OS allows), including the JVM and the model\n");
        return sb.toString();
    }

    /** One JSON object per row, one per line. */
    public static String jsonLines(List<BenchRow> rows) {
        StringBuilder sb = new StringBuilder();
        for (BenchRow r : rows) {
            Object[] v = values(r);
            sb.append('{');
            for (int i = 0; i < COLUMNS.length; i++) {
                if (i > 0) sb.append(',');
                sb.append('"').append(COLUMNS[i]).append("\":").append(json(v[i]));
            }
            sb.append("}\n");
        }
        return sb.toString();
    }

    /** CSV with a header line (RFC 4180 quoting). */
    public static String csv(List<BenchRow> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (BenchRow r : rows) {
            Object[] v = values(r);
            for (int i = 0; i < v.length; i++) {
                if (i > 0) sb.append(',');
                sb.append(csv(v[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static Object[] values(BenchRow r) {
        return new Object[] {r.device(), r.deviceId(), r.backend(), r.backendType(), r.workload(), r.model(), r.batchSize(),
                r.context(), r.warmup(), r.steps(), r.medianMs(), r.minMs(), r.tokensPerS(), r.gflops(),
                r.peakRssBytes() < 0 ? Double.NaN : r.peakRssBytes() / (double) (1 << 20), r.checkValue(), r.ratioVsJvm(), r.error()};
    }

    static String json(Object o) {
        if (o == null) return "null";
        if (o instanceof Double d) return d.isNaN() || d.isInfinite() ? "null" : fmt("%.6g", d).replaceAll("(\\.[0-9]*?)0+(e|$)", "$1$2").replace(".e", "e").replaceAll("\\.$", "");
        if (o instanceof Number n) return n.toString();
        String s = o.toString();
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    static String csv(Object o) {
        if (o == null) return "";
        if (o instanceof Double d) return d.isNaN() || d.isInfinite() ? "" : json(d);
        String s = o.toString();
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) return "\"" + s.replace("\"", "\"\"") + "\"";
        return s;
    }

    static String pad(String s, int w, boolean left) {
        if (s.length() >= w) return s;
        String sp = " ".repeat(w - s.length());
        return left ? s + sp : sp + s;
    }

    static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }
}
