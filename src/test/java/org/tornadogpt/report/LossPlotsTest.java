package org.tornadogpt.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LossPlotsTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /**
     * A run shaped like the book's chapter 5 (10 epochs, 9 steps each, evaluated every 5 steps,
     * 512 tokens per step): training loss falls to ~0.4, validation bottoms out near 6.4 then rises.
     */
    static List<LossRow> syntheticRun() {
        List<LossRow> rows = new ArrayList<>();
        for (int step = 1; step <= 90; step += 5) {
            double epoch = step / 9.0;
            double train = 0.4 + 9.5 * Math.exp(-step / 22.0);
            double val = 6.2 + 3.8 * Math.exp(-step / 12.0) + 0.012 * step;
            rows.add(new LossRow(step, epoch, step * 512L, train, val));
        }
        return rows;
    }

    private static BufferedImage checkPng(Path png, int w, int h) throws IOException {
        assertTrue(Files.size(png) > 1000);
        try (InputStream in = Files.newInputStream(png)) {
            assertArrayEquals(PNG_SIGNATURE, in.readNBytes(8));
        }
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "not a readable image");
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        return img;
    }

    private static long countColor(BufferedImage img, int rgb, int tolerance) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) <= tolerance
                        && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) <= tolerance
                        && Math.abs((p & 0xff) - (rgb & 0xff)) <= tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Also leaves copies under target/report-plots/ for a look. */
    private static void keep(Path png) throws IOException {
        Path dir = Path.of("target", "report-plots");
        Files.createDirectories(dir);
        Files.copy(png, dir.resolve(png.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void lossPlotIsAnImageOfTheRightSizeWithBothCurves(@TempDir Path dir) throws IOException {
        Path png = dir.resolve(LossPlots.LOSS_FILE);
        LossPlots.writeLoss(png, syntheticRun());
        BufferedImage img = checkPng(png, 800, 500);
        assertTrue(countColor(img, 0x1f77b4, 30) > 300, "training curve (blue) missing");
        assertTrue(countColor(img, 0xff7f0e, 30) > 200, "validation curve (orange) missing");
        keep(png);
    }

    @Test
    void perplexityPlot(@TempDir Path dir) throws IOException {
        Path png = dir.resolve(LossPlots.PERPLEXITY_FILE);
        LossPlots.writePerplexity(png, syntheticRun());
        BufferedImage img = checkPng(png, 800, 500);
        assertTrue(countColor(img, 0x1f77b4, 30) > 300);
        assertTrue(countColor(img, 0xff7f0e, 30) > 200);
        assertInstanceOf(org.jfree.chart.axis.LogAxis.class,
                LossPlots.perplexityChart(syntheticRun(), 800, 500).getXYPlot().getRangeAxis(), "wide range -> log scale");
        keep(png);
    }

    @Test
    void plotAxesAreLabelledLikeTheBook() {
        var plot = LossPlots.lossChart(syntheticRun(), 800, 500).getXYPlot();
        assertEquals("Epochs", plot.getDomainAxis(0).getLabel());
        assertEquals("Tokens seen", plot.getDomainAxis(1).getLabel());
        assertEquals("Loss", plot.getRangeAxis().getLabel());
        assertEquals(2, plot.getDataset().getSeriesCount());
        assertEquals("Training loss", plot.getDataset().getSeriesKey(0));
        assertEquals("Validation loss", plot.getDataset().getSeriesKey(1));
        var renderer = (org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) plot.getRenderer();
        assertNull(((java.awt.BasicStroke) renderer.getSeriesStroke(0)).getDashArray(), "training loss is solid");
        assertEquals(4, ((java.awt.BasicStroke) renderer.getSeriesStroke(1)).getDashArray().length, "validation is dash-dot");
        // the top axis lines up with the bottom one: epoch e <-> e * 9 steps * 512 tokens
        var epochs = plot.getDomainAxis(0).getRange();
        var tokens = plot.getDomainAxis(1).getRange();
        assertEquals(epochs.getLowerBound() * 9 * 512, tokens.getLowerBound(), 1e-6);
        assertEquals(epochs.getUpperBound() * 9 * 512, tokens.getUpperBound(), 1e-6);
    }

    @Test
    void oddInputsStillRender(@TempDir Path dir) throws IOException {
        // one row, no validation at all, a NaN training loss in between, small custom size
        LossPlots.writeLoss(dir.resolve("one.png"), List.of(new LossRow(1, 0.01, 256, 10.9, Double.NaN)), 400, 250);
        checkPng(dir.resolve("one.png"), 400, 250);
        keep(dir.resolve("one.png"));
        List<LossRow> rows = new ArrayList<>(syntheticRun());
        rows.set(3, new LossRow(16, 16 / 9.0, 16 * 512, Double.NaN, Double.NaN));
        LossPlots.writePerplexity(dir.resolve("gap.png"), rows);
        checkPng(dir.resolve("gap.png"), 800, 500);
        keep(dir.resolve("gap.png"));
        assertThrows(IllegalArgumentException.class, () -> LossPlots.writeLoss(dir.resolve("none.png"), List.of()));
        assertFalse(Files.exists(dir.resolve("none.png")));
        assertThrows(IllegalArgumentException.class, () -> LossPlots.writeLoss(dir.resolve("tiny.png"), rows, 50, 50));
        // narrow perplexity range stays linear
        List<LossRow> flat = Arrays.asList(new LossRow(1, 0.5, 100, 1.5, 1.6), new LossRow(2, 1.0, 200, 1.4, 1.55));
        assertInstanceOf(org.jfree.chart.axis.NumberAxis.class, LossPlots.perplexityChart(flat, 800, 500).getXYPlot().getRangeAxis());
    }

    @Test
    void niceSteps() {
        assertEquals(1.0, LossPlots.niceStep(10, 8));
        assertEquals(2.0, LossPlots.niceStep(17, 8));
        assertEquals(5000.0, LossPlots.niceStep(45000, 9));
        assertEquals(0.05, LossPlots.niceStep(0.4, 8), 1e-12);
    }

    @Test
    void compactTickLabels() {
        var f = new LossPlots.CompactFormat();
        assertEquals("0", f.format(0));
        assertEquals("950", f.format(950));
        assertEquals("5k", f.format(5000));
        assertEquals("2.5k", f.format(2500));
        assertEquals("20k", f.format(20000));
        assertEquals("1.5M", f.format(1_500_000));
        assertEquals("2G", f.format(2e9));
        assertEquals("0.5", f.format(0.5));
    }
}
