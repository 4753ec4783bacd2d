package org.tornadogpt.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-crafted (possibly broken) safetensors files for tests. */
final class StFiles {

    private StFiles() {
    }

    /** Writes 8-byte LE length + JSON padded with spaces to a multiple of 8 + data. */
    static Path write(Path file, String json, byte[] data) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int n = (h.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(8 + n + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(n).put(h);
        for (int i = h.length; i < n; i++) {
            b.put((byte) ' ');
        }
        b.put(data);
        Files.write(file, b.array());
        return file;
    }

    /** Little-endian float32 bytes. */
    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** n zero bytes. */
    static byte[] zeros(int n) {
        return new byte[n];
    }
}
