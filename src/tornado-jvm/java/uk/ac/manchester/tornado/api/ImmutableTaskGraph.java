/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.ImmutableTaskGraph: produced only by
 * TaskGraph.snapshot(), with no public constructor or methods. Holds the graph name and a frozen
 * task list that TornadoExecutionPlan reads (package-private).
 */
package uk.ac.manchester.tornado.api;

import java.util.List;

import uk.ac.manchester.tornado.api.common.TaskPackage;

public final class ImmutableTaskGraph {

    private final String taskGraphName;
    private final List<TaskPackage> tasks;

    ImmutableTaskGraph(String taskGraphName, List<TaskPackage> tasks) {
        this.taskGraphName = taskGraphName;
        this.tasks = tasks;
    }

    String name() {
        return taskGraphName;
    }

    List<TaskPackage> tasks() {
        return tasks;
    }

    void execute() {
        for (TaskPackage task : tasks) {
            TaskInvoker.invoke(task);
        }
    }

    @Override
    public String toString() {
        return "ImmutableTaskGraph[" + taskGraphName + ", " + tasks.size() + " tasks]";
    }
}
