package org.tornadogpt.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.io.IOException;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * PNG plots of a run's losses in the style of the book's figure 5.12 ({@code plot_losses}):
 * training loss solid, validation loss dash-dot, against "Epochs" on the bottom axis, with a second
 * "Tokens seen" axis on top, legend in the upper right. {@link #writePerplexity} draws the same for
 * {@code exp(loss)}, on a logarithmic axis when the values span more than a factor of 100.
 *
 * <p>Runs headless. Rows whose loss is NaN are left out of that curve. Files are written through a
 * temporary file and a rename, so a viewer never sees a half-written PNG. Rendering needs the JDK's
 * font support (fontconfig on Linux); callers that plot during training may want to catch and
 * report failures instead of stopping the run.
 */
public final class LossPlots {

    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    public static final String LOSS_FILE = "loss.png";
    public static final String PERPLEXITY_FILE = "perplexity.png";

    // matplotlib's first two default colours (C0, C1), as in the book's figures
    private static final Color TRAIN_COLOR = new Color(0x1f, 0x77, 0xb4);
    private static final Color VAL_COLOR = new Color(0xff, 0x7f, 0x0e);
    private static final Color GRID_COLOR = new Color(0xdd, 0xdd, 0xdd);
    private static final Color FRAME_COLOR = new Color(0x33, 0x33, 0x33);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final double LOG_SCALE_RATIO = 100.0; // two decades: at least two labelled ticks

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private LossPlots() {
    }

    /** The loss plot, {@value #WIDTH}x{@value #HEIGHT} px. */
    public static void writeLoss(Path png, List<LossRow> rows) throws IOException {
        writeLoss(png, rows, WIDTH, HEIGHT);
    }

    public static void writeLoss(Path png, List<LossRow> rows, int width, int height) throws IOException {
        save(png, lossChart(rows, width, height), width, height);
    }

    /** The perplexity plot, {@value #WIDTH}x{@value #HEIGHT} px. */
    public static void writePerplexity(Path png, List<LossRow> rows) throws IOException {
        writePerplexity(png, rows, WIDTH, HEIGHT);
    }

    public static void writePerplexity(Path png, List<LossRow> rows, int width, int height) throws IOException {
        save(png, perplexityChart(rows, width, height), width, height);
    }

    static JFreeChart lossChart(List<LossRow> rows, int width, int height) {
        return chart(rows, "Loss", "Training loss", "Validation loss", LossRow::trainLoss, LossRow::valLoss, false,
                width, height);
    }

    static JFreeChart perplexityChart(List<LossRow> rows, int width, int height) {
        return chart(rows, "Perplexity", "Training perplexity", "Validation perplexity",
                LossRow::trainPerplexity, LossRow::valPerplexity, true, width, height);
    }

    private static JFreeChart chart(List<LossRow> rows, String yLabel, String trainLabel, String valLabel,
                                    ToDoubleFunction<LossRow> train, ToDoubleFunction<LossRow> val, boolean logIfWide,
                                    int width, int height) {
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("plot size too small: " + width + "x" + height);
        }
        int xTicks = Math.clamp(width / 80, 3, 10);
        int yTicks = Math.clamp(height / 60, 3, 8);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no loss rows to plot");
        }
        XYSeries trainSeries = new XYSeries(trainLabel, false, true);
        XYSeries valSeries = new XYSeries(valLabel, false, true);
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (LossRow r : rows) {
            double t = train.applyAsDouble(r);
            double v = val.applyAsDouble(r);
            if (Double.isFinite(t)) {
                trainSeries.add(r.epoch(), t);
                yMin = Math.min(yMin, t);
                yMax = Math.max(yMax, t);
            }
            if (Double.isFinite(v)) {
                valSeries.add(r.epoch(), v);
                yMin = Math.min(yMin, v);
                yMax = Math.max(yMax, v);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setLegendLine(new Line2D.Double(-16, 0, 16, 0));
        addSeries(data, renderer, trainSeries, TRAIN_COLOR, new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
        addSeries(data, renderer, valSeries, VAL_COLOR, new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND,
                10f, new float[] {10f, 4f, 2f, 4f}, 0f)); // dash-dot, matplotlib's "-."

        // bottom axis: epochs
        double e0 = rows.stream().mapToDouble(LossRow::epoch).min().orElseThrow();
        double e1 = rows.stream().mapToDouble(LossRow::epoch).max().orElseThrow();
        double span = e1 > e0 ? e1 - e0 : 1.0;
        double lo = e0 - 0.03 * span;
        double hi = (e1 > e0 ? e1 : e0 + 1.0) + 0.03 * span;
        NumberAxis epochs = new NumberAxis("Epochs");
        style(epochs);
        epochs.setRange(lo, hi);
        double epochStep = niceStep(hi - lo, xTicks);
        // whole epochs once there are several, like matplotlib's MaxNLocator(integer=True) in the book
        epochs.setTickUnit(new NumberTickUnit(span >= 2 ? Math.max(1.0, epochStep) : epochStep));

        // top axis: tokens seen, mapped linearly onto the epoch axis through the first and last rows
        NumberAxis tokens = new NumberAxis("Tokens seen");
        style(tokens);
        tokens.setNumberFormatOverride(new CompactFormat());
        LossRow first = rows.getFirst();
        LossRow last = rows.getLast();
        double t0 = first.tokensSeen();
        double slope = last.epoch() != first.epoch()
                ? (last.tokensSeen() - first.tokensSeen()) / (last.epoch() - first.epoch())
                : first.epoch() > 0 && first.tokensSeen() > 0 ? first.tokensSeen() / first.epoch() : 1.0;
        double tLo = t0 + (lo - first.epoch()) * slope;
        double tHi = t0 + (hi - first.epoch()) * slope;
        tokens.setRange(Math.min(tLo, tHi), Math.max(tLo, tHi) + (tLo == tHi ? 1 : 0));
        tokens.setTickUnit(new NumberTickUnit(Math.max(1.0, niceStep(tokens.getRange().getLength(), xTicks))));

        ValueAxis y = yAxis(yLabel, yMin, yMax, logIfWide, yTicks);

        XYPlot plot = new XYPlot(data, epochs, y, renderer);
        plot.setDomainAxis(1, tokens);
        plot.setDomainAxisLocation(0, AxisLocation.BOTTOM_OR_RIGHT);
        plot.setDomainAxisLocation(1, AxisLocation.TOP_OR_LEFT);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID_COLOR);
        plot.setRangeGridlinePaint(GRID_COLOR);
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlinePaint(FRAME_COLOR);
        plot.setOutlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);

        LegendTitle legend = new LegendTitle(plot);
        legend.setItemFont(LEGEND_FONT);
        legend.setBackgroundPaint(new Color(255, 255, 255, 220));
        legend.setFrame(new BlockBorder(GRID_COLOR));
        legend.setPadding(new RectangleInsets(4, 8, 4, 8));
        legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 4));
        XYTitleAnnotation inPlot = new XYTitleAnnotation(0.985, 0.975, legend, RectangleAnchor.TOP_RIGHT);
        inPlot.setMaxWidth(0.5);
        plot.addAnnotation(inPlot);

        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        return chart;
    }

    private static void addSeries(XYSeriesCollection data, XYLineAndShapeRenderer renderer, XYSeries series,
                                  Color color, BasicStroke stroke) {
        if (series.isEmpty()) {
            return;
        }
        int i = data.getSeriesCount();
        data.addSeries(series);
        renderer.setSeriesPaint(i, color);
        renderer.setSeriesStroke(i, stroke);
        // a lone point has no line to draw; mark it
        renderer.setSeriesShapesVisible(i, series.getItemCount() < 2);
        renderer.setSeriesShape(i, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
    }

    private static ValueAxis yAxis(String label, double min, double max, boolean logIfWide, int ticks) {
        if (!(min <= max)) { // no finite value at all
            min = 0;
            max = 1;
        }
        if (logIfWide && min > 0 && max / min > LOG_SCALE_RATIO) {
            LogAxis axis = new LogAxis(label);
            style(axis);
            axis.setBase(10);
            axis.setSmallestValue(1e-300);
            axis.setNumberFormatOverride(new CompactFormat());
            axis.setTickUnit(new NumberTickUnit(1.0)); // one labelled tick per power of ten
            axis.setMinorTickMarksVisible(true);
            double logLo = Math.log10(min);
            double logHi = Math.log10(max);
            double pad = 0.04 * (logHi - logLo);
            axis.setRange(Math.pow(10, logLo - pad), Math.pow(10, logHi + pad));
            return axis;
        }
        NumberAxis axis = new NumberAxis(label);
        style(axis);
        double pad = max > min ? 0.05 * (max - min) : Math.max(Math.abs(max) * 0.05, 0.5);
        axis.setRange(min - pad, max + pad);
        axis.setTickUnit(new NumberTickUnit(niceStep(max - min + 2 * pad, ticks)));
        if (max / Math.max(min, 1e-300) > 1000) {
            axis.setNumberFormatOverride(new CompactFormat());
        }
        return axis;
    }

    /** A step of 1, 2 or 5 times a power of ten that cuts {@code span} into about {@code ticks} parts. */
    static double niceStep(double span, int ticks) {
        double raw = span / ticks;
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1.0;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        double nice = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
        return nice * mag;
    }

    private static void style(ValueAxis axis) {
        axis.setLabelFont(LABEL_FONT);
        axis.setTickLabelFont(TICK_FONT);
        axis.setLabelPaint(FRAME_COLOR);
        axis.setTickLabelPaint(FRAME_COLOR);
        axis.setAxisLinePaint(FRAME_COLOR);
        axis.setTickMarkPaint(FRAME_COLOR);
        axis.setTickMarkOutsideLength(4f);
    }

    private static void save(Path png, JFreeChart chart, int width, int height) throws IOException {
        AtomicFile.replace(png, tmp -> ChartUtils.saveChartAsPNG(tmp.toFile(), chart, width, height));
    }

    /** 950, 1.5k, 12k, 1.5M, 2G: short tick labels for token counts and large perplexities. */
    static final class CompactFormat extends NumberFormat {

        @Override
        public StringBuffer format(double v, StringBuffer out, FieldPosition pos) {
            double a = Math.abs(v);
            String s;
            if (a >= 1e9) {
                s = trim(v / 1e9) + "G";
            } else if (a >= 1e6) {
                s = trim(v / 1e6) + "M";
            } else if (a >= 1e3) {
                s = trim(v / 1e3) + "k";
            } else if (a >= 1 || a == 0) {
                s = trim(v);
            } else {
                s = String.format(Locale.ROOT, "%.3g", v).replaceAll("0+$", "").replaceAll("\\.$", "");
            }
            return out.append(s);
        }

        @Override
        public StringBuffer format(long v, StringBuffer out, FieldPosition pos) {
            return format((double) v, out, pos);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            return null;
        }

        private static String trim(double v) {
            String s = String.format(Locale.ROOT, "%.1f", v);
            return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
        }
    }
}
