package org.tornadogpt.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's {@code losses.csv}:
 * <pre>
 * step,epoch,tokens_seen,train_loss,val_loss,train_perplexity,val_perplexity
 * 5,0.5555555555555556,5120,7.93,8.11,2779.8,3328.7
 * </pre>
 * Perplexity is {@code exp(loss)}. A value that was not measured (NaN) is an empty cell, infinity is
 * {@code inf}; numbers are written in Java's shortest round-trip form, so {@link #read} gives back
 * exactly what was written. Readable by pandas ({@code pd.read_csv}) and spreadsheets as is.
 */
public final class LossCsv {

    public static final String FILE_NAME = "losses.csv";
    public static final String HEADER = "step,epoch,tokens_seen,train_loss,val_loss,train_perplexity,val_perplexity";

    private LossCsv() {
    }

    /** Writes the header and all rows, replacing the file (through a temporary file and a rename). */
    public static void write(Path file, List<LossRow> rows) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (LossRow r : rows) {
            sb.append(format(r)).append('\n');
        }
        AtomicFile.replace(file, tmp -> Files.writeString(tmp, sb, StandardCharsets.UTF_8));
    }

    /**
     * Appends rows, first writing the header if the file is missing or empty.
     *
     * @throws IOException if the file exists with a different header
     */
    public static void append(Path file, List<LossRow> rows) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (!Files.exists(file) || Files.size(file) == 0) {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            sb.append(HEADER).append('\n');
        } else {
            String first;
            try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
                first = lines.findFirst().orElse("");
            }
            if (!first.equals(HEADER)) {
                throw new IOException(file + " is not a losses file of this format (header '" + first + "')");
            }
        }
        for (LossRow r : rows) {
            sb.append(format(r)).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public static void append(Path file, LossRow row) throws IOException {
        append(file, List.of(row));
    }

    /**
     * Reads all rows (the perplexity columns are derived and ignored).
     *
     * @throws IOException if the header is not {@link #HEADER} or a row is malformed (naming its line)
     */
    public static List<LossRow> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + ": expected header '" + HEADER + "'"
                    + (lines.isEmpty() ? ", file is empty" : ", found '" + lines.get(0) + "'"));
        }
        List<LossRow> rows = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                rows.add(parse(line));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }

    /**
     * Keeps only rows with {@code step <= lastStep}; for resuming from a checkpoint taken at
     * {@code lastStep} after the run had logged further. Does nothing if the file does not exist.
     */
    public static void truncateAfter(Path file, long lastStep) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<LossRow> keep = new ArrayList<>();
        for (LossRow r : read(file)) {
            if (r.step() <= lastStep) {
                keep.add(r);
            }
        }
        write(file, keep);
    }

    /** One CSV line, without the newline. */
    public static String format(LossRow r) {
        return r.step() + "," + num(r.epoch()) + "," + r.tokensSeen() + "," + num(r.trainLoss()) + ","
                + num(r.valLoss()) + "," + num(r.trainPerplexity()) + "," + num(r.valPerplexity());
    }

    /** Parses a line written by {@link #format}. */
    public static LossRow parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 7) {
            throw new IllegalArgumentException("expected 7 comma-separated fields, found " + f.length + ": '" + line + "'");
        }
        try {
            return new LossRow(Long.parseLong(f[0].trim()), parseNum(f[1]), Long.parseLong(f[2].trim()),
                    parseNum(f[3]), parseNum(f[4]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in '" + line + "': " + e.getMessage(), e);
        }
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.toString(v);
    }

    private static double parseNum(String s) {
        String t = s.trim();
        return switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "", "nan" -> Double.NaN;
            case "inf", "+inf", "infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(t);
        };
    }
}
