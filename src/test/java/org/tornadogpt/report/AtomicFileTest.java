package org.tornadogpt.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @Test
    void plotsAndCsvGetTheUsualPermissionsAndNoTemporaryFileStays(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path csv = dir.resolve("run/losses.csv"), png = dir.resolve("run/loss.png");
        List<LossRow> rows = LossPlotsTest.syntheticRun();
        LossCsv.write(csv, rows);
        LossCsv.write(csv, rows); // replacing an existing file
        LossPlots.writeLoss(png, rows);
        // Files.createTempFile makes owner-only files (rw-------); a report file is made like any other
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(csv));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(png));
        try (var files = Files.list(dir.resolve("run"))) {
            assertEquals(List.of("loss.png", "losses.csv"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("losses.csv");
        Files.writeString(f, "old", StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> AtomicFile.replace(f, tmp -> {
            Files.writeString(tmp, "half", StandardCharsets.UTF_8);
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f, StandardCharsets.UTF_8));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("losses.csv"), files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
