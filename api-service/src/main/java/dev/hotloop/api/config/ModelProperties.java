package dev.hotloop.api.config;

import dev.hotloop.api.remote.ConnectionPool;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Which models the API serves, and where each one runs.
 *
 * @param defaultModel model used when a request names none
 * @param simulator    the embedded deterministic model
 * @param routes       public model name → its upstreams, tried by weight and failed over in order; a name with a
 *                     dot must be written in brackets ({@code "[gpt-4.1]"}). Without routes, the simulator serves
 *                     every model.
 * @param resilience   retry and circuit-breaking of upstream calls
 */
@Validated
@ConfigurationProperties("hotloop.model")
public record ModelProperties(
        @DefaultValue("hotloop-sim") String defaultModel,
        @DefaultValue Simulator simulator,
        Map<String, @NotEmpty List<@Valid Upstream>> routes,
        @DefaultValue Resilience resilience) {

    public ModelProperties {
        routes = routes == null ? Map.of() : routes;
    }

    /**
     * @param enabled          serve the simulator's models; unset: only when no routes are configured
     * @param models           model names the simulator serves, listed by {@code GET /v1/models}
     * @param serveAnyModel    also answer for model names not listed (handy with SDK demos that name real models)
     * @param timeToFirstToken delay before the first token
     * @param tokensPerSecond  decode speed; 0 or less streams everything at once
     * @param scenario         optional scenario file (YAML or JSON) scripting the simulator's answers
     */
    public record Simulator(
            Boolean enabled,
            @DefaultValue("hotloop-sim") List<String> models,
            @DefaultValue("true") boolean serveAnyModel,
            @DefaultValue("100ms") Duration timeToFirstToken,
            @DefaultValue("500") double tokensPerSecond,
            Path scenario) {

        /** Whether the simulator serves its models, given whether routes are configured. */
        public boolean enabled(boolean routesConfigured) {
            return enabled != null ? enabled : !routesConfigured;
        }
    }

    /** The kinds of upstream a route can send a model's requests to. */
    public enum Provider {
        /** Any server with OpenAI-compatible streaming {@code /chat/completions}: vLLM, Ollama, llama.cpp, OpenAI. */
        OPENAI_CHAT,
        /** An upstream Responses API: OpenAI, or a compatible server. */
        OPENAI_RESPONSES,
        /** The embedded simulator, configured by {@code hotloop.model.simulator}. */
        SIMULATOR
    }

    /** Who runs a request's {@code mcp} tools. */
    public enum McpHosting {
        /** hotloop lists and calls the MCP servers and offers their tools to the model as functions. */
        HOST,
        /** The tools go to the upstream unchanged: for an upstream Responses API that implements MCP (OpenAI). */
        PASS_THROUGH
    }

    /**
     * One upstream of a model. Its key comes from an environment variable or a mounted file, never from this
     * configuration, and is never logged.
     *
     * @param provider           {@code openai-chat}, {@code openai-responses} or {@code simulator}
     * @param url                the OpenAI-style base URL, such as {@code http://vllm:8000/v1}; not for the simulator
     * @param upstreamModel      the model name the upstream knows; default: the public name
     * @param apiKeyEnv          name of the environment variable holding the key
     * @param apiKeyFile         file holding the key (a mounted secret); surrounding whitespace is ignored
     * @param apiKeyHeader       header carrying the key: {@code Authorization} sends {@code Bearer <key>}, any other
     *                           header the bare key (Azure's {@code api-key})
     * @param weight             share of requests this upstream gets; 0 keeps it for failover only
     * @param connectTimeout     TCP (and TLS) connect limit
     * @param firstTokenTimeout  limit from the request to the first streamed token, queueing and prefill included
     * @param readTimeout        longest silence between two streamed events after the first
     * @param maxIdleTime        how long an idle pooled connection is kept; below the upstream's keep-alive
     *                           (uvicorn, under vLLM, closes after 5 s)
     * @param pool               the upstream's connection pool
     * @param maxEventSize       largest server-sent event (or error body) read from the upstream
     * @param headers            extra request headers, such as {@code OpenAI-Organization}
     * @param maxTokensField     {@code openai-chat}: the field carrying {@code max_output_tokens},
     *                           {@code max_tokens} (every server) or {@code max_completion_tokens} (OpenAI reasoning models)
     * @param developerRole      {@code openai-chat}: the role {@code developer} messages are sent as, {@code system}
     *                           (chat templates of open models know no other) or {@code developer}
     * @param promptCacheKey     send {@code prompt_cache_key} (the request's, else one derived from the conversation's
     *                           start) so that the upstream routes a conversation to the same prefix cache
     * @param previousResponseId {@code openai-responses}: store responses upstream and send only the new items with
     *                           the upstream's {@code previous_response_id}; false: stateless, {@code store:false} and
     *                           the full input every turn
     * @param renderCacheBudget  the bytes of earlier requests' rendered history kept (a few conversations of 100k
     *                           tokens by default), so that a continuation encodes only its new items; 0 keeps none
     * @param mcp                {@code host} or {@code pass-through}: who runs the request's {@code mcp} tools; default:
     *                           {@code pass-through} for {@code openai-responses}, else {@code host}. All upstreams of a
     *                           route must agree
     */
    public record Upstream(
            @NotNull(message = "is missing: openai-chat, openai-responses or simulator")
            Provider provider,

            URI url,
            String upstreamModel,
            String apiKeyEnv,
            Path apiKeyFile,
            @DefaultValue("Authorization") String apiKeyHeader,
            @DefaultValue("1") @PositiveOrZero int weight,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("60s") Duration firstTokenTimeout,
            @DefaultValue("60s") Duration readTimeout,
            @DefaultValue("4s") Duration maxIdleTime,
            @DefaultValue @Valid ConnectionPool pool,
            @DefaultValue("16MB") DataSize maxEventSize,
            Map<String, String> headers,

            @DefaultValue("max_tokens")
            @Pattern(
                    regexp = "max_tokens|max_completion_tokens",
                    message = "must be max_tokens or max_completion_tokens")
            String maxTokensField,

            @DefaultValue("system") @Pattern(regexp = "system|developer", message = "must be system or developer")
            String developerRole,

            @DefaultValue("true") boolean promptCacheKey,
            @DefaultValue("false") boolean previousResponseId,
            @DefaultValue("64MB") DataSize renderCacheBudget,
            @Nullable McpHosting mcp) {

        public Upstream {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        /** Every upstream but the embedded simulator is reached at a URL. */
        @AssertTrue(message = "url is missing: the upstream's base URL, such as http://localhost:8000/v1")
        public boolean isUrlGiven() {
            return url != null || provider == Provider.SIMULATOR;
        }

        /** Whether hotloop hosts {@code mcp} tools for this upstream. */
        public boolean hostsMcp() {
            return mcp != null ? mcp == McpHosting.HOST : provider != Provider.OPENAI_RESPONSES;
        }

        /** A key comes from one place, so that no one wonders which one is used. */
        @AssertTrue(message = "sets both api-key-env and api-key-file: keep one")
        public boolean isOneKeySource() {
            return apiKeyEnv == null || apiKeyFile == null;
        }

        /** Header values are left out: they may be credentials too. */
        @Override
        public String toString() {
            return "Upstream[provider=" + provider + ", url=" + safeUrl() + ", upstreamModel=" + upstreamModel
                    + ", apiKeyEnv=" + apiKeyEnv + ", apiKeyFile=" + apiKeyFile + ", weight=" + weight
                    + ", headers=" + headers.keySet() + "]";
        }

        /** The URL without user info, query or fragment: what logs may show. */
        public String safeUrl() {
            if (url == null) {
                return "embedded";
            }
            return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                    + (url.getPath() == null ? "" : url.getPath());
        }
    }

    /**
     * @param maxAttempts     attempts per request before the first token, across upstreams (failover included)
     * @param backoff         wait before retrying an upstream that failed (doubling each time); failing over to
     *                        another upstream does not wait
     * @param maxRetryAfter   longest {@code retry-after} of a 429 that is waited for; a longer one fails the request
     *                        (or fails over) at once
     * @param circuitBreaker  the breaker each upstream has
     */
    public record Resilience(
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("200ms") Duration backoff,
            @DefaultValue("30s") Duration maxRetryAfter,
            @DefaultValue CircuitBreaker circuitBreaker) {}

    /**
     * Counts connect errors, 5xx, timeouts and broken streams; 4xx and 429 are the request's or the quota's doing
     * and do not count.
     *
     * @param failureRateThreshold     percentage of failed calls that opens the breaker
     * @param slidingWindowSize        calls the rate is computed over
     * @param minimumNumberOfCalls     calls needed before the rate counts
     * @param waitDurationInOpenState  how long an open breaker refuses calls before letting probes through
     */
    public record CircuitBreaker(
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("20") int slidingWindowSize,
            @DefaultValue("10") int minimumNumberOfCalls,
            @DefaultValue("30s") Duration waitDurationInOpenState) {}
}
