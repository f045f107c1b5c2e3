package dev.hotloop.protocol.error;

/** The {@code error.type} values hotloop sends: OpenAI's, so that SDKs classify errors as they do for OpenAI. */
public final class ErrorTypes {

    /** The request's doing: bad input, an unknown id, a missing key; every 4xx. */
    public static final String INVALID_REQUEST = "invalid_request_error";
    /** The server's or an upstream's doing: every 5xx, and rate limits upstream. */
    public static final String SERVER = "server_error";

    private ErrorTypes() {}
}
