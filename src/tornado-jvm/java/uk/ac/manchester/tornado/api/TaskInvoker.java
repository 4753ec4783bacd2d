/*
 * tornado-gpt: runs one TaskPackage on the calling thread by calling its functional interface
 * with the recorded arguments (the JVM stand-in for compiling and launching a kernel).
 * Not part of TornadoVM's API (package-private). Generated; do not edit by hand.
 */
package uk.ac.manchester.tornado.api;

import uk.ac.manchester.tornado.api.common.TaskPackage;
import uk.ac.manchester.tornado.api.common.TornadoFunctions.*;

final class TaskInvoker {

    private TaskInvoker() {
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    static void invoke(TaskPackage task) {
        Object[] p = task.getTaskParameters();
        switch (task.getTaskType()) {
            case 0 -> ((Task) p[0]).apply();
            case 1 -> ((Task1) p[0]).apply(p[1]);
            case 2 -> ((Task2) p[0]).apply(p[1], p[2]);
            case 3 -> ((Task3) p[0]).apply(p[1], p[2], p[3]);
            case 4 -> ((Task4) p[0]).apply(p[1], p[2], p[3], p[4]);
            case 5 -> ((Task5) p[0]).apply(p[1], p[2], p[3], p[4], p[5]);
            case 6 -> ((Task6) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6]);
            case 7 -> ((Task7) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
            case 8 -> ((Task8) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
            case 9 -> ((Task9) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]);
            case 10 -> ((Task10) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10]);
            case 11 -> ((Task11) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]);
            case 12 -> ((Task12) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12]);
            case 13 -> ((Task13) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13]);
            case 14 -> ((Task14) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14]);
            case 15 -> ((Task15) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15]);
            case 16 -> ((Task16) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16]);
            case 17 -> ((Task17) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16], p[17]);
            case 18 -> ((Task18) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16], p[17], p[18]);
            case 19 -> ((Task19) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16], p[17], p[18], p[19]);
            case 20 -> ((Task20) p[0]).apply(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16], p[17], p[18], p[19], p[20]);
            default -> throw new IllegalStateException("unsupported task arity " + task.getTaskType());
        }
    }
}
