package org.tornadogpt.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.weights.SafetensorsFile;
import org.tornadogpt.weights.TensorMapping;

/**
 * The PyTorch reference fixtures: every {@code NAME.weights.safetensors} with a matching
 * {@code NAME.expected.safetensors} in {@code -Dfixtures.dir} (default {@code ../shared/fixtures}).
 * The config comes from each file's metadata; nothing else about sizes or names is assumed.
 */
public final class Fixtures {
    private Fixtures() {}

    public static Path dir() {
        return Path.of(System.getProperty("fixtures.dir", "../shared/fixtures"));
    }

    /** One fixture: its name and both files. */
    public record Fixture(String name, Path weights, Path expected) {
        @Override
        public String toString() {
            return weights.getFileName().toString();
        }

        public GptConfig config() {
            try (SafetensorsFile f = SafetensorsFile.open(weights)) {
                return GptConfig.fromMetadata(f.metadata());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public TensorMapping.Scheme scheme() {
            try (SafetensorsFile f = SafetensorsFile.open(weights)) {
                return "scratch".equals(f.metadata().get("variant")) ? TensorMapping.Scheme.SCRATCH : TensorMapping.Scheme.HF;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public TensorMapping mapping() {
            return new TensorMapping(config(), scheme());
        }

        /** The model with the fixture's initial weights. */
        public GptModel loadModel() {
            TensorMapping map = mapping();
            GptModel m = new GptModel(map.config());
            try (SafetensorsFile f = SafetensorsFile.open(weights)) {
                map.load(f, "", m.params());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return m;
        }

        public SafetensorsFile openExpected() {
            try {
                return SafetensorsFile.open(expected);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A metadata value of the expected file, as a string. */
        public String meta(String key) {
            try (SafetensorsFile f = openExpected()) {
                String v = f.metadata().get(key);
                if (v == null) throw new IllegalStateException(expected.getFileName() + ": metadata key " + key + " missing");
                return v;
            }
        }
    }

    /** All fixtures found; empty (and the parameterized tests then fail loudly) when the dir is missing. */
    public static List<Fixture> all() {
        Path d = dir();
        if (!Files.isDirectory(d)) throw new IllegalStateException("fixtures directory " + d.toAbsolutePath() + " not found; set -Dfixtures.dir=DIR");
        try (Stream<Path> s = Files.list(d)) {
            List<Fixture> out = s.filter(p -> p.getFileName().toString().endsWith(".weights.safetensors"))
                    .sorted()
                    .map(p -> {
                        String file = p.getFileName().toString();
                        String name = file.substring(0, file.length() - ".weights.safetensors".length());
                        return new Fixture(name, p, p.resolveSibling(name + ".expected.safetensors"));
                    })
                    .filter(f -> Files.isRegularFile(f.expected()))
                    .toList();
            if (out.isEmpty()) throw new IllegalStateException("no fixtures (*.weights.safetensors + *.expected.safetensors) in " + d.toAbsolutePath());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
