package dev.hotloop.api.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.models.responses.FunctionShellTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import dev.hotloop.api.PlatformTest;
import dev.hotloop.api.TestSpans;
import dev.hotloop.api.ToolRunnerFixture;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One hosted-tool turn is one trace across api-service, session-service and tool-runner (W3C propagation). */
class TracingTest extends PlatformTest {

    private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");

    @BeforeAll
    static void toolRunner() {
        ToolRunnerFixture.start();
    }

    @Test
    void hostedToolTurnIsOneTraceAcrossAllThreeServices() {
        Response response = client().responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("SHELL3 traced")
                        .addTool(FunctionShellTool.builder().build())
                        .build());
        assertThat(response.output()).hasSize(7);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> spans = TestSpans.EXPORTER.getFinishedSpanItems();
            // the trace of the tool-runner executions is the trace of the whole turn
            Map<String, Set<String>> servicesByTrace = spans.stream()
                    .collect(Collectors.groupingBy(
                            SpanData::getTraceId,
                            Collectors.mapping(span -> span.getResource().getAttribute(SERVICE), Collectors.toSet())));
            assertThat(servicesByTrace.values())
                    .anySatisfy(services ->
                            assertThat(services).contains("api-service", "session-service", "tool-runner-service"));
            // and the turn's stages are spans of their own
            assertThat(spans)
                    .extracting(SpanData::getName)
                    .contains("hotloop.stage.model", "hotloop.stage.tool", "hotloop.stage.persist");
        });
    }
}
