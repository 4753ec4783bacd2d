/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.GridScheduler: worker grids keyed by
 * "graphName.taskId" (e.g. "s0.t0"). The JVM runtime records them and otherwise ignores them.
 */
package uk.ac.manchester.tornado.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

public class GridScheduler {

    private final Map<String, WorkerGrid> grids = new LinkedHashMap<>();

    public GridScheduler() {
    }

    public GridScheduler(String taskKey, WorkerGrid workerGrid) {
        addWorkerGrid(taskKey, workerGrid);
    }

    public void addWorkerGrid(String taskKey, WorkerGrid workerGrid) {
        grids.put(Objects.requireNonNull(taskKey, "task key"), Objects.requireNonNull(workerGrid, "worker grid"));
    }

    public WorkerGrid get(String taskKey) {
        return grids.get(taskKey);
    }

    public boolean contains(String taskKey) {
        return grids.containsKey(taskKey);
    }

    @Override
    public String toString() {
        return "GridScheduler" + grids;
    }
}
