package dev.hotloop.toolrunner.execution;

import dev.hotloop.toolrunner.ToolsProperties;
import dev.hotloop.toolrunner.sandbox.SandboxRunner;
import dev.hotloop.toolrunner.workspace.WorkspaceRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gate sized from {@code hotloop.tools.execution}, its gauges, and the executor over it. */
@Configuration(proxyBeanMethods = false)
class ExecutionConfiguration {

    @Bean(destroyMethod = "close")
    ExecutionGate executionGate(ToolsProperties properties, MeterRegistry meters) {
        ExecutionGate gate = new ExecutionGate(
                properties.execution().maxConcurrent(), properties.execution().maxQueued());
        Gauge.builder("hotloop.tool.executions.active", gate, ExecutionGate::active)
                .description("Tool executions running now")
                .register(meters);
        Gauge.builder("hotloop.tool.executions.queued", gate, ExecutionGate::queued)
                .description("Tool executions waiting for a slot")
                .register(meters);
        return gate;
    }

    @Bean
    ToolExecutor toolExecutor(
            SandboxRunner runner, WorkspaceRepository workspaces, ExecutionGate gate, MeterRegistry meters) {
        return new ToolExecutor(runner, workspaces, gate, meters);
    }
}
