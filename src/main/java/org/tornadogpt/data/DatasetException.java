package org.tornadogpt.data;

/** Input data that cannot be trained or evaluated on (empty text, bad split ratios, ...). The message is one line meant for the user. */
public class DatasetException extends IllegalArgumentException {

    public DatasetException(String message) {
        super(message);
    }
}
