package dev.hotloop.api.transport.http;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.OpenAiError;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads the request bodies of every HTTP endpoint within {@code hotloop.api.max-request-size} and the body timeouts. */
@Component
public class RequestBodies {

    private final int maxRequestBytes;
    private final ApiProperties.Http limits;

    RequestBodies(ApiProperties properties) {
        this.maxRequestBytes = (int) properties.maxRequestSize().toBytes();
        this.limits = properties.http();
    }

    /** The whole body, or a 413 past the size limit, or a 408 when it stops arriving or arrives too slowly. */
    Mono<byte[]> read(ServerRequest request) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxRequestBytes) {
            return Mono.error(tooLarge());
        }
        // here rather than in Reactor Netty, whose read and request timeouts also close upgraded WebSocket connections
        Flux<DataBuffer> received = request.exchange()
                .getRequest()
                .getBody()
                .timeout(
                        limits.readTimeout(),
                        Mono.error(() -> timedOut("no part of the body arrived for "
                                + limits.readTimeout().toMillis() + " ms")));
        return DataBufferUtils.join(received, maxRequestBytes)
                .timeout(
                        limits.bodyTimeout(),
                        Mono.error(() -> timedOut("the body took longer than "
                                + limits.bodyTimeout().toMillis() + " ms to arrive")))
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge());
    }

    private static ApiException timedOut(String why) {
        return new ApiException(
                408,
                new OpenAiError("Request timed out: " + why + ".", "invalid_request_error", null, "request_timeout"));
    }

    private ApiException tooLarge() {
        return ApiException.tooLarge("Request body too large: the limit is " + maxRequestBytes + " bytes.");
    }
}
