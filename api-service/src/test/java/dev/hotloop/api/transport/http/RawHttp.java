package dev.hotloop.api.transport.http;

import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.testsupport.WireSpecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Plain HTTP for the requests an SDK would refuse to send: broken JSON, wrong types, huge bodies, SSE as bytes. What
 * comes back as JSON or SSE is held to the published specifications.
 */
record RawHttp(String baseUrl, String apiKey) {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Reply(int status, String body) {

        JsonNode json() {
            return ProtocolJson.mapper().readTree(body);
        }

        JsonNode error() {
            return json().path("error");
        }

        /** The {@code data:} payloads of an SSE body, parsed. */
        List<JsonNode> events() {
            List<JsonNode> events = new ArrayList<>();
            for (String line : body.split("\n")) {
                if (line.startsWith("data:")) {
                    events.add(ProtocolJson.mapper().readTree(line.substring(5).trim()));
                }
            }
            return events;
        }
    }

    Reply post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Reply post(String path, String body) {
        return post(path, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + apiKey)
                .DELETE());
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + apiKey)
                .GET());
    }

    /** Sends the request, holding a JSON or SSE answer to the published specifications. */
    private static Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = WireSpecs.get()
                    .checkHttpResponse(HTTP.send(
                            request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
            return new Reply(response.statusCode(), response.body());
        } catch (HttpTimeoutException e) {
            // the server runs in this JVM: what its threads were doing tells why the answer never came
            System.err.println("No answer within 30 s to " + request.build() + "; the JVM's threads:");
            for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
                System.err.print(thread);
            }
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
