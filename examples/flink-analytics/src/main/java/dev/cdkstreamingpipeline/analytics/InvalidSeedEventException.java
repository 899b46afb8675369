package dev.cdkstreamingpipeline.analytics;

/** A record that is not a valid seed event; the message says why, for logs and tests. */
public class InvalidSeedEventException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidSeedEventException(String message) {
        super(message);
    }
}
