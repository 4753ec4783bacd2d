/*
 * tornado-gpt: clean-room JVM version of TornadoVM's DataTransferMode: a class of int constants
 * (from docs/tornado-api-facts.md). UNDER_DEMAND is what older docs call "USER_DEFINED".
 */
package uk.ac.manchester.tornado.api.enums;

public final class DataTransferMode {

    public static final int FIRST_EXECUTION = 0;
    public static final int EVERY_EXECUTION = 1;
    public static final int UNDER_DEMAND = 2;

    private DataTransferMode() {
    }
}
