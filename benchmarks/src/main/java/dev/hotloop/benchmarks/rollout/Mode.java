package dev.hotloop.benchmarks.rollout;

/** How a client drives the rollout: through hotloop in one of four ways, or straight to the model (the floor). */
enum Mode {
    FLOOR("floor: chat completions straight to the model, full history"),
    HTTP_STATELESS("stateless HTTP (store:false, full history)"),
    HTTP_PREVIOUS("HTTP previous_response_id (store)"),
    WEBSOCKET_STATELESS("WebSocket store:false (previous_response_id)"),
    WEBSOCKET_STORE("WebSocket store (previous_response_id)");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
