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

/** A client that goes away while its call runs is a cancel: the process tree dies and the slot is freed. */
class CancellationTest extends ToolRunnerIntegrationTest {

    @Autowired
    ExecutionGate gate;

    @Test
    void clientThatDisconnectsKillsTheRunningProcessTree() throws Exception {
        String marker = "cancel-" + UUID.randomUUID();
        String command = "(exec -a " + marker + " sleep 600); (exec -a " + marker + " sleep 600) # " + marker;
        try (Socket client = startExecution(newChain(), shellRequest(List.of(command), 30_000, null))) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> processesWith(marker + " 600").size() == 1);
            assertThat(gate.active()).isEqualTo(1);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> processesWith(marker).isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.active() == 0 && gate.queued() == 0);
        assertServiceHealthy();
    }

    @Test
    void clientThatDisconnectsDuringALaterCommandSkipsTheRest() throws Exception {
        String marker = "later-" + UUID.randomUUID();
        String chain = newChain();
        List<String> commands =
                List.of("echo first > first.txt", "exec -a " + marker + " sleep 600", "echo third > third.txt");
        try (Socket client = startExecution(chain, shellRequest(commands, 30_000, null))) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> processesWith(marker + " 600").size() == 1);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> processesWith(marker).isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.active() == 0);
        assertThat(stdout(only(shell(chain, "ls")))).isEqualTo("first.txt\n");
    }
}
