package dev.hotloop.api;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.client.okhttp.OkHttpClient;
import com.openai.core.ClientOptions;
import com.openai.core.RequestOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.WebSocketClient;
import dev.hotloop.testsupport.WireSpecs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official client's transport in the tests: OkHttp as {@code OpenAIOkHttpClient} builds it, with every body, SSE
 * event and WebSocket frame it receives held to both published specifications ({@link WireSpecs}) before the client
 * reads it. A violation fails the call it belongs to (on WebSocket: the connection, as a transport failure).
 */
public final class SpecCheckedTransport implements HttpClient, WebSocketClient {

    private final OkHttpClient delegate = OkHttpClient.builder().build();

    private SpecCheckedTransport() {}

    /** The official OpenAI Java SDK on this transport, validating every response it reads too, never retrying. */
    public static OpenAIClient client(String baseUrl, String apiKey) {
        return new OpenAIClientImpl(ClientOptions.builder()
                .httpClient(new SpecCheckedTransport())
                .baseUrl(baseUrl)
                .apiKey(apiKey)
                .maxRetries(0)
                .responseValidation(true)
                .build());
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions options) {
        return checked(request, delegate.execute(request, options));
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
        return delegate.executeAsync(request, options).thenApply(response -> checked(request, response));
    }

    @Override
    public CompletableFuture<Connection> connectWebSocket(
            HttpRequest request, RequestOptions options, int maxQueuedMessages, Listener listener) {
        return delegate.connectWebSocket(request, options, maxQueuedMessages, new Listener() {
            @Override
            public void onMessage(String text) {
                try {
                    WireSpecs.get().checkWebSocketFrame(JsonMapper.shared().readTree(text));
                } catch (AssertionError violation) {
                    listener.onFailure(violation);
                    return;
                }
                listener.onMessage(text);
            }

            @Override
            public void onClosed(int code) {
                listener.onClosed(code);
            }

            @Override
            public void onFailure(Throwable error) {
                listener.onFailure(error);
            }
        });
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static HttpResponse checked(HttpRequest request, HttpResponse response) {
        String contentType = String.join(",", response.headers().values("Content-Type"));
        String method = request.method().name();
        if (contentType.startsWith("text/event-stream")) {
            return new Checked(response, new EventCheckingStream(response.body()));
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (contentType.startsWith("application/json") && body.length > 0) {
            WireSpecs.get()
                    .checkHttpBody(
                            method,
                            request.url(),
                            response.statusCode(),
                            JsonMapper.shared().readTree(body));
        }
        return new Checked(response, new ByteArrayInputStream(body));
    }

    /** The response with its body replaced by the checked copy. */
    private record Checked(HttpResponse response, InputStream body) implements HttpResponse {

        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public Headers headers() {
            return response.headers();
        }

        @Override
        public void close() {
            response.close();
        }
    }

    /** Passes an SSE body through unchanged, checking each event's {@code data} as its blank line arrives. */
    private static final class EventCheckingStream extends FilterInputStream {

        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final StringBuilder data = new StringBuilder();

        EventCheckingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                accept(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                accept(buffer[offset + i]);
            }
            return n;
        }

        private void accept(int b) {
            if (b != '\n') {
                line.write(b);
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
            line.reset();
            if (text.startsWith("data:")) {
                data.append(text.substring(5).strip());
            } else if (text.isEmpty() && !data.isEmpty()) {
                String event = data.toString();
                data.setLength(0);
                WireSpecs.get().checkEvent(JsonMapper.shared().readTree(event));
            }
        }
    }
}
