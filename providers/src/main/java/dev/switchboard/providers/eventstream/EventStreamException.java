package dev.switchboard.providers.eventstream;

/**
 * A body that is not a valid event stream: a checksum that does not match, a length out of range, a header that
 * runs past its frame. The stream cannot be resynchronised after one (frame boundaries come only from lengths), so a
 * caller ends the response with an error.
 */
public final class EventStreamException extends RuntimeException {
    public EventStreamException(String message) {
        super(message, null, false, false);
    }
}
