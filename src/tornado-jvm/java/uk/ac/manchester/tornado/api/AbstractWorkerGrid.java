/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.AbstractWorkerGrid. Stores the first
 * dimension() entries of the global/local work sizes; getters return copies.
 */
package uk.ac.manchester.tornado.api;

import java.util.Arrays;

public abstract class AbstractWorkerGrid implements WorkerGrid {

    private final int dimension;
    private long[] globalWork;
    private long[] localWork;

    protected AbstractWorkerGrid(int dimension, long x, long y, long z) {
        this.dimension = dimension;
        setGlobalWork(x, y, z);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public long[] getGlobalWork() {
        return globalWork.clone();
    }

    @Override
    public long[] getLocalWork() {
        return localWork == null ? null : localWork.clone();
    }

    @Override
    public void setGlobalWork(long x, long y, long z) {
        globalWork = Arrays.copyOf(new long[] { x, y, z }, dimension);
    }

    @Override
    public void setLocalWork(long x, long y, long z) {
        localWork = Arrays.copyOf(new long[] { x, y, z }, dimension);
    }

    @Override
    public void setLocalWorkToNull() {
        localWork = null;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[global=" + Arrays.toString(globalWork) + ", local="
                + (localWork == null ? "null" : Arrays.toString(localWork)) + "]";
    }
}
