/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.WorkerGrid (interface): global and local
 * work sizes of a kernel launch. Only recorded on the JVM; getLocalWork() is null until set.
 */
package uk.ac.manchester.tornado.api;

public interface WorkerGrid {

    int dimension();

    long[] getGlobalWork();

    long[] getLocalWork();

    void setGlobalWork(long x, long y, long z);

    void setLocalWork(long x, long y, long z);

    void setLocalWorkToNull();
}
