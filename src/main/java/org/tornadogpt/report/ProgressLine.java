package org.tornadogpt.report;

import java.io.Console;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The training progress line:
 * <pre>
 * step 12/90 | epoch 2 | loss 5.123 | 1234 tok/s | ETA 1m23s
 * </pre>
 * On a terminal it rewrites one line in place with {@code \r}; otherwise (a log file, a pipe, CI)
 * it prints plain lines, at most one per {@code minInterval}, plus the last step. Throughput and
 * ETA are measured from the first {@link #update}, so one-time warm-up in the first step (JIT,
 * kernel compilation) does not distort them; they show {@code --} until a second update arrives.
 *
 * <p>Not thread-safe: call it from the training loop only.
 */
public final class ProgressLine {

    /** Default spacing of plain (non-terminal) lines. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final long totalSteps;
    private final PrintWriter out;
    private final boolean interactive;
    private final long minIntervalNanos;
    private final LongSupplier nanoClock;

    private boolean started;
    private long baseStep;
    private long baseTokens;
    private long baseNanos;
    private long lastPrintNanos;
    private boolean printedAny;      // plain mode: whether any line was printed
    private String current;          // the latest rendered line
    private boolean currentPrinted;  // whether 'current' has been shown
    private int shownWidth;          // length of the line now on the terminal (interactive)
    private boolean finished;

    public ProgressLine(long totalSteps, PrintStream out, boolean interactive, Duration minInterval) {
        this(totalSteps, out, interactive, minInterval, System::nanoTime);
    }

    /** With an explicit clock (nanoseconds, like {@link System#nanoTime()}), for tests. */
    public ProgressLine(long totalSteps, PrintStream out, boolean interactive, Duration minInterval, LongSupplier nanoClock) {
        this(totalSteps, new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)), interactive, minInterval, nanoClock);
    }

    /** Writing to a {@link PrintWriter} (what picocli commands print to). */
    public ProgressLine(long totalSteps, PrintWriter out, boolean interactive, Duration minInterval) {
        this(totalSteps, out, interactive, minInterval, System::nanoTime);
    }

    public ProgressLine(long totalSteps, PrintWriter out, boolean interactive, Duration minInterval, LongSupplier nanoClock) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total steps must be positive: " + totalSteps);
        }
        this.totalSteps = totalSteps;
        this.out = out;
        this.interactive = interactive;
        this.minIntervalNanos = minInterval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** To standard output, rewriting in place when it is a terminal. */
    public static ProgressLine toStdout(long totalSteps) {
        return new ProgressLine(totalSteps, System.out, stdoutIsTerminal(), DEFAULT_INTERVAL);
    }

    /**
     * Whether standard output is a terminal. On JDK 22+ {@link System#console()} is non-null even when
     * output is redirected, so {@link Console#isTerminal()} decides.
     */
    public static boolean stdoutIsTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    public long totalSteps() {
        return totalSteps;
    }

    public boolean interactive() {
        return interactive;
    }

    /**
     * Reports progress after an optimizer step.
     *
     * @param step       steps done so far (1-based; a resumed run continues its count)
     * @param epoch      the epoch being trained, as shown
     * @param loss       latest training loss (NaN shows as "nan")
     * @param tokensSeen input tokens processed so far (cumulative)
     */
    public void update(long step, int epoch, double loss, long tokensSeen) {
        long now = nanoClock.getAsLong();
        if (!started) {
            started = true;
            baseStep = step;
            baseTokens = tokensSeen;
            baseNanos = now;
        }
        current = format(step, epoch, loss, tokensSeen, now);
        currentPrinted = false;
        finished = false;
        if (interactive) {
            redraw();
        } else if (!printedAny || now - lastPrintNanos >= minIntervalNanos || step >= totalSteps) {
            printPlain(now);
        }
    }

    private void printPlain(long now) {
        out.println(current);
        out.flush();
        currentPrinted = true;
        printedAny = true;
        lastPrintNanos = now;
    }

    /** Prints a message on its own line (e.g. an evaluation result) without garbling the progress line. */
    public void message(String text) {
        if (interactive && shownWidth > 0) {
            out.print("\r" + " ".repeat(shownWidth) + "\r");
            shownWidth = 0;
            out.println(text);
            if (current != null && !finished) {
                redraw();
            }
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** Ends the progress output: completes the terminal line, or prints the last update if it was held back. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (interactive) {
            if (shownWidth > 0) {
                out.println();
                shownWidth = 0;
            }
        } else if (current != null && !currentPrinted) {
            printPlain(nanoClock.getAsLong());
        }
        out.flush();
    }

    private void redraw() {
        int pad = Math.max(0, shownWidth - current.length());
        out.print("\r" + current + " ".repeat(pad));
        out.flush();
        shownWidth = current.length();
        currentPrinted = true;
    }

    String format(long step, int epoch, double loss, long tokensSeen, long now) {
        double seconds = (now - baseNanos) / 1e9;
        long doneSteps = step - baseStep;
        String rate = "--";
        String eta = "--";
        if (seconds > 0 && doneSteps > 0) {
            rate = Long.toString(Math.round((tokensSeen - baseTokens) / seconds));
            eta = formatDuration(Math.max(0, totalSteps - step) * seconds / doneSteps);
        }
        String lossText = Double.isNaN(loss) ? "nan" : String.format(Locale.ROOT, "%.3f", loss);
        return "step " + step + "/" + totalSteps + " | epoch " + epoch + " | loss " + lossText + " | " + rate
                + " tok/s | ETA " + eta;
    }

    /** 45s, 1m23s, 2h05m, 3d04h. */
    public static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
        }
        return (s / 86400) + "d" + String.format(Locale.ROOT, "%02d", (s % 86400) / 3600) + "h";
    }
}
