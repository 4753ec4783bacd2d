/* tornado-gpt: clean-room JVM version of TornadoVM's api.WorkerGrid3D. */
package uk.ac.manchester.tornado.api;

public class WorkerGrid3D extends AbstractWorkerGrid {

    public WorkerGrid3D(int x, int y, int z) {
        super(3, x, y, z);
    }
}
