package org.tornadogpt.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tornadogpt.report.LossCsv;
import org.tornadogpt.report.LossRow;

/**
 * Where a run stands between two steps; saved in every checkpoint (as {@code train.*} metadata) and
 * restored by {@code --resume}. Every random choice of a run is a pure function of the seed and a
 * position (epoch, step, evaluation round), so the seed and these counters are the whole RNG state.
 *
 * @param step           optimizer steps done
 * @param epoch          0-based epoch the next step belongs to
 * @param batchInEpoch   index of the next training batch within that epoch
 * @param tokensSeen     input tokens trained on so far
 * @param optimizerSteps AdamW's step counter t (bias correction); equals {@code step} unless a run changed it
 * @param elapsedSeconds wall time of the training loop over all earlier segments of the run
 * @param rows           every evaluation so far (what losses.csv holds)
 */
public record TrainState(long step, int epoch, int batchInEpoch, long tokensSeen, long optimizerSteps,
                         double elapsedSeconds, List<LossRow> rows) {

    public TrainState {
        rows = List.copyOf(rows);
    }

    public static TrainState start() {
        return new TrainState(0, 0, 0, 0, 0, 0.0, List.of());
    }

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("step", Long.toString(step));
        m.put("epoch", Integer.toString(epoch));
        m.put("batch_in_epoch", Integer.toString(batchInEpoch));
        m.put("tokens_seen", Long.toString(tokensSeen));
        m.put("optimizer_steps", Long.toString(optimizerSteps));
        m.put("elapsed_seconds", Double.toString(elapsedSeconds));
        StringBuilder csv = new StringBuilder(LossCsv.HEADER).append('\n');
        for (LossRow r : rows) csv.append(LossCsv.format(r)).append('\n');
        m.put("losses_csv", csv.toString());
        return m;
    }

    /** Reads what {@link #toMetadata()} wrote; a missing or malformed entry is an IllegalArgumentException naming it. */
    public static TrainState fromMetadata(Map<String, String> m) {
        List<LossRow> rows = new ArrayList<>();
        String csv = m.getOrDefault("losses_csv", "");
        String[] lines = csv.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].isBlank()) rows.add(LossCsv.parse(lines[i]));
        }
        return new TrainState(longKey(m, "step"), (int) longKey(m, "epoch"), (int) longKey(m, "batch_in_epoch"),
                longKey(m, "tokens_seen"), longKey(m, "optimizer_steps"),
                Double.parseDouble(m.getOrDefault("elapsed_seconds", "0")), rows);
    }

    static long longKey(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException("training state entry '" + key + "' is missing");
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training state entry '" + key + "' is not an integer: '" + v + "'");
        }
    }
}
