package org.tornadogpt.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LossCsvTest {

    private static final List<LossRow> ROWS = List.of(
            new LossRow(1, 0.1111111111111111, 512, 9.781842231750488, 9.93310832977295),
            new LossRow(5, 0.5555555555555556, 2560, 7.93, Double.NaN),
            new LossRow(10, 1.0, 5120, 6.5, 6.75));

    @Test
    void writeAndReadBack(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve(LossCsv.FILE_NAME);
        LossCsv.write(csv, ROWS);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("step,epoch,tokens_seen,train_loss,val_loss,train_perplexity,val_perplexity", lines.get(0));
        assertEquals(4, lines.size());
        // not measured -> empty cells; perplexity = exp(loss)
        assertEquals("5,0.5555555555555556,2560,7.93,," + Math.exp(7.93) + ",", lines.get(2));
        assertEquals("10,1.0,5120,6.5,6.75," + Math.exp(6.5) + "," + Math.exp(6.75), lines.get(3));

        List<LossRow> back = LossCsv.read(csv);
        assertEquals(ROWS, back); // records compare doubles exactly, NaN equal to NaN
        assertTrue(Double.isNaN(back.get(1).valLoss()));
        assertFalse(back.get(1).hasValLoss());
    }

    @Test
    void appendCreatesHeaderThenAppends(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("run/losses.csv"); // parent is created
        LossCsv.append(csv, ROWS.get(0));
        LossCsv.append(csv, ROWS.subList(1, 3));
        assertEquals(ROWS, LossCsv.read(csv));
        assertEquals(1, Files.readAllLines(csv).stream().filter(l -> l.startsWith("step,")).count());
    }

    @Test
    void appendRefusesAForeignFile(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("other.csv");
        Files.writeString(csv, "a,b,c\n1,2,3\n");
        IOException e = assertThrows(IOException.class, () -> LossCsv.append(csv, ROWS.get(0)));
        assertTrue(e.getMessage().contains("header 'a,b,c'"), e.getMessage());
        assertThrows(IOException.class, () -> LossCsv.read(csv));
    }

    @Test
    void malformedRowNamesItsLine(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("losses.csv");
        Files.writeString(csv, LossCsv.HEADER + "\n1,0.1,512,9.7,9.9,1,1\n2,0.2,x,9.6,,1,\n");
        IOException e = assertThrows(IOException.class, () -> LossCsv.read(csv));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        Files.writeString(csv, LossCsv.HEADER + "\n1,0.1,512\n");
        assertThrows(IOException.class, () -> LossCsv.read(csv));
    }

    @Test
    void infinityAndPythonStyleValues() {
        LossRow inf = new LossRow(3, 0.3, 99, Double.POSITIVE_INFINITY, 800.0);
        String line = LossCsv.format(inf);
        assertEquals("3,0.3,99,inf,800.0,inf,inf", line); // exp(800) overflows to inf
        assertEquals(inf, LossCsv.parse(line));
        // what pandas/numpy may write back
        LossRow p = LossCsv.parse("7,0.7,700,nan,Infinity,nan,inf");
        assertTrue(Double.isNaN(p.trainLoss()));
        assertEquals(Double.POSITIVE_INFINITY, p.valLoss());
    }

    @Test
    void truncateAfterForResume(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("losses.csv");
        LossCsv.write(csv, ROWS);
        LossCsv.truncateAfter(csv, 5);
        assertEquals(ROWS.subList(0, 2), LossCsv.read(csv));
        LossCsv.truncateAfter(dir.resolve("missing.csv"), 5); // no file: nothing to do
        assertFalse(Files.exists(dir.resolve("missing.csv")));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }
}
