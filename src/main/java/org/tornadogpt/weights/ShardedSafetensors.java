package org.tornadogpt.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A checkpoint split over several safetensors files, described by a Hugging Face
 * {@code model.safetensors.index.json}: {@code {"metadata": {...}, "weight_map": {tensor: shard file}}}.
 * Shard files are resolved relative to the index file's directory and must stay inside it.
 *
 * <p>{@link #open(Path)} maps and validates every shard and checks that each tensor in the weight map is
 * present in its shard. Lookups then behave like one {@link SafetensorsFile}; errors about a tensor's data
 * name the shard that holds it, errors about the weight map name the index file.
 */
public final class ShardedSafetensors implements TensorSource {

    private final Path indexFile;
    private final Map<String, String> metadata;
    private final Map<String, SafetensorsFile> byTensor;
    private final List<SafetensorsFile> shards;

    private ShardedSafetensors(Path indexFile, Map<String, String> metadata,
                               Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> shards) {
        this.indexFile = indexFile;
        this.metadata = metadata;
        this.byTensor = byTensor;
        this.shards = shards;
    }

    /** Opens an index file and all the shards it names. */
    public static ShardedSafetensors open(Path indexFile) throws IOException {
        Objects.requireNonNull(indexFile, "indexFile");
        JsonNode root = Json.parseObject(indexFile, Json.readFile(indexFile, "index"), "index");
        JsonNode wm = root.get("weight_map");
        if (wm == null || wm.isNull()) {
            throw WeightFormatException.of(indexFile, "has no weight_map");
        }
        if (!wm.isObject()) {
            throw WeightFormatException.of(indexFile, "weight_map is not a JSON object: " + Json.brief(wm));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode md = root.get("metadata");
        if (md != null && !md.isNull()) {
            if (!md.isObject()) {
                throw WeightFormatException.of(indexFile, "metadata is not a JSON object: " + Json.brief(md));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = md.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                metadata.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
            }
        }
        Path dir = indexFile.toAbsolutePath().normalize().getParent();
        Map<String, SafetensorsFile> openShards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String tensor = e.getKey();
                JsonNode f = e.getValue();
                if (!f.isTextual() || f.textValue().isEmpty()) {
                    throw WeightFormatException.tensor(indexFile, tensor,
                            "weight_map entry is not a file name: " + Json.brief(f));
                }
                String shardName = f.textValue();
                SafetensorsFile shard = openShards.get(shardName);
                if (shard == null) {
                    Path p = dir.resolve(shardName).normalize();
                    if (!p.startsWith(dir) || p.equals(dir)) {
                        throw WeightFormatException.tensor(indexFile, tensor,
                                "shard '" + shardName + "' is outside the index file's directory");
                    }
                    if (!Files.isRegularFile(p)) {
                        throw WeightFormatException.tensor(indexFile, tensor, "shard '" + shardName + "' not found");
                    }
                    shard = SafetensorsFile.open(p);
                    openShards.put(shardName, shard);
                }
                if (!shard.contains(tensor)) {
                    throw WeightFormatException.tensor(indexFile, tensor,
                            "is mapped to shard '" + shardName + "', which does not contain it");
                }
                byTensor.put(tensor, shard);
            }
        } catch (IOException | RuntimeException | Error e) {
            openShards.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new ShardedSafetensors(indexFile, Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(byTensor), List.copyOf(new ArrayList<>(openShards.values())));
    }

    /** The index file. */
    public Path indexFile() {
        return indexFile;
    }

    /** The opened shards, in order of first mention in the weight map. */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    /** The {@code metadata} object of the index file, values rendered as strings (e.g. {@code total_size}). */
    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Set<String> names() {
        return byTensor.keySet();
    }

    @Override
    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    private SafetensorsFile shard(String name) throws WeightFormatException {
        SafetensorsFile s = byTensor.get(name);
        if (s == null) {
            throw WeightFormatException.tensor(indexFile, name, "not found in the weight_map ("
                    + byTensor.size() + " tensors)");
        }
        return s;
    }

    @Override
    public TensorInfo info(String name) throws WeightFormatException {
        return shard(name).info(name);
    }

    @Override
    public MemorySegment raw(String name) throws WeightFormatException {
        return shard(name).raw(name);
    }

    @Override
    public Path fileOf(String name) throws WeightFormatException {
        return shard(name).path();
    }

    @Override
    public void close() {
        for (SafetensorsFile s : shards) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return "ShardedSafetensors[" + indexFile + ", " + shards.size() + " shards, " + byTensor.size() + " tensors]";
    }
}
