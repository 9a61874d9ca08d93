package dev.switchboard.picker.flowcontrol;

/** Why admission turned a request away; {@link #reason} is the value of the dropped-reason response header. */
public enum Rejection {
    /** The pool is saturated and the request is sheddable (flow control off), or the queue is full (on). */
    SATURATED("rejected-saturated"),
    /** The request waited in the queue for the whole {@code defaultRequestTTL}. */
    TTL_EXPIRED("rejected-ttl-expired"),
    /** The pool has no endpoints to send the request to. */
    NO_ENDPOINTS("rejected-no-endpoints"),
    /** The pool has endpoints, but the picker's filters let none of them serve this request. */
    NO_CANDIDATES("rejected-no-candidates");

    /** The reference EPP's name for this outcome. */
    public final String reason;

    Rejection(String reason) {
        this.reason = reason;
    }

    /**
     * The HTTP status a client gets: 503 when the pool has no endpoints at all, else 429 (saturated, TTL expired,
     * or every endpoint filtered out, which the reference EPP also answers as resource exhausted).
     */
    public int status() {
        return this == NO_ENDPOINTS ? 503 : 429;
    }
}
