package dev.hotloop.protocol.error;

/**
 * Every {@code error.code} the services send or read, so that a sender and its readers share one definition. Where
 * OpenAI documents a code for the same failure, it is OpenAI's (see {@code ErrorCodesTest}).
 */
public final class ErrorCodes {

    // a failed response's error.code: OpenAI's three, since validating SDKs accept no others there

    public static final String SERVER_ERROR = "server_error";
    public static final String RATE_LIMIT_EXCEEDED = "rate_limit_exceeded";
    public static final String INVALID_PROMPT = "invalid_prompt";

    // request errors

    public static final String MISSING_REQUIRED_PARAMETER = "missing_required_parameter";
    public static final String INVALID_TYPE = "invalid_type";
    public static final String INVALID_VALUE = "invalid_value";
    public static final String INVALID_JSON = "invalid_json";
    public static final String UNKNOWN_PARAMETER = "unknown_parameter";
    public static final String UNSUPPORTED_PARAMETER = "unsupported_parameter";
    public static final String MUTUALLY_EXCLUSIVE_PARAMETERS = "mutually_exclusive_parameters";
    public static final String OBJECT_ABOVE_MAX_PROPERTIES = "object_above_max_properties";
    public static final String STRING_ABOVE_MAX_LENGTH = "string_above_max_length";
    public static final String ARRAY_ABOVE_MAX_LENGTH = "array_above_max_length";
    public static final String INTEGER_BELOW_MIN_VALUE = "integer_below_min_value";
    public static final String DECIMAL_OUT_OF_RANGE = "decimal_out_of_range";
    public static final String INVALID_FUNCTION_NAME = "invalid_function_name";
    public static final String DUPLICATE_FUNCTION_NAME = "duplicate_function_name";
    public static final String INVALID_API_KEY = "invalid_api_key";
    public static final String MODEL_NOT_FOUND = "model_not_found";
    public static final String RESPONSE_NOT_FOUND = "response_not_found";
    public static final String PREVIOUS_RESPONSE_NOT_FOUND = "previous_response_not_found";
    public static final String RESPONSE_ALREADY_EXISTS = "response_already_exists";
    public static final String CONVERSATION_NOT_FOUND = "conversation_not_found";
    public static final String ITEM_NOT_FOUND = "item_not_found";
    public static final String DUPLICATE_ITEM_ID = "duplicate_item_id";
    /** A response could not append to its conversation: the conversation changed since the response read it. */
    public static final String CONVERSATION_CHANGED = "conversation_changed";

    public static final String NOT_FOUND = "not_found";
    public static final String UNKNOWN_URL = "unknown_url";
    public static final String REQUEST_TOO_LARGE = "request_too_large";

    // WebSocket mode

    public static final String WEBSOCKET_CONNECTION_LIMIT_REACHED = "websocket_connection_limit_reached";
    public static final String WEBSOCKET_STREAM_LIMIT_REACHED = "websocket_stream_limit_reached";
    public static final String INVALID_FRAME = "invalid_frame";
    public static final String INVALID_STREAM_ID = "invalid_stream_id";
    public static final String UNSUPPORTED_EVENT_TYPE = "unsupported_event_type";

    // an overloaded upstream, as upstream streams report it (read, never sent)

    public static final String SERVER_IS_OVERLOADED = "server_is_overloaded";
    public static final String SLOW_DOWN = "slow_down";

    // hotloop's services

    public static final String SESSION_STORE_UNAVAILABLE = "session_store_unavailable";
    public static final String TOOL_RUNNER_UNAVAILABLE = "tool_runner_unavailable";
    public static final String TOOL_RUNNER_OVERLOADED = "tool_runner_overloaded";
    public static final String TOOL_RUNNER_SHUTTING_DOWN = "tool_runner_shutting_down";
    public static final String TOOL_NOT_FOUND = "tool_not_found";
    public static final String EXECUTION_CANCELLED = "execution_cancelled";
    public static final String WORKSPACE_IN_USE = "workspace_in_use";

    // the hosted mcp tool

    public static final String MCP_SERVER_URL_NOT_ALLOWED = "mcp_server_url_not_allowed";
    public static final String UNKNOWN_APPROVAL_REQUEST = "unknown_approval_request";

    private ErrorCodes() {}
}
