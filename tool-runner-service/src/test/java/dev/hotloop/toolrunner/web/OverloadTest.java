package dev.hotloop.toolrunner.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.toolrunner.ToolRunnerIntegrationTest;
import dev.hotloop.toolrunner.execution.ExecutionGate;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;

/** One slot and one queue place: the third concurrent call is refused at once, and cancels free what they held. */
@TestPropertySource(properties = {"hotloop.tools.execution.max-concurrent=1", "hotloop.tools.execution.max-queued=1"})
class OverloadTest extends ToolRunnerIntegrationTest {

    @Autowired
    ExecutionGate gate;

    @Test
    void callBeyondTheSlotsAndTheQueueIs503WithRetryAfter() throws Exception {
        String marker = "slot-" + UUID.randomUUID();
        try (Socket running =
                startExecution(newChain(), shellRequest(List.of("exec -a " + marker + " sleep 600"), 30_000, null))) {
            // the slot must be taken before the second call arrives, or the quick one could run first
            await().atMost(Duration.ofSeconds(30)).until(() -> gate.active() == 1);
            Socket queued = startExecution(newChain(), shellRequest(List.of("echo queued"), 30_000, null));
            await().atMost(Duration.ofSeconds(30)).until(() -> gate.queued() == 1);

            execute(TENANT, newChain(), shellRequest(List.of("echo refused"), 1_000, null))
                    .expectStatus()
                    .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader()
                    .valueEquals("Retry-After", "1")
                    .expectBody()
                    .jsonPath("$.error.type")
                    .isEqualTo("server_error")
                    .jsonPath("$.error.code")
                    .isEqualTo("tool_runner_overloaded");

            queued.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> gate.queued() == 0);
            assertThat(gate.active()).isEqualTo(1);
        }

        await().atMost(Duration.ofSeconds(30))
                .until(() -> gate.active() == 0 && processesWith(marker).isEmpty());
        assertThat(stdout(only(shell(newChain(), "echo served")))).isEqualTo("served\n");
    }
}
