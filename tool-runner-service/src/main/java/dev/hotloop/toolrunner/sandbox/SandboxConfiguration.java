package dev.hotloop.toolrunner.sandbox;

import dev.hotloop.toolrunner.ToolsProperties;
import dev.hotloop.toolrunner.workspace.WorkspaceRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sandbox of this machine and how executions are bounded, detected and proven once at start-up: the context fails
 * when there is no sandbox (or no cgroup where one is required).
 */
@Configuration(proxyBeanMethods = false)
class SandboxConfiguration {

    @Bean
    SandboxLauncher sandboxLauncher(ToolsProperties properties, WorkspaceRepository workspaces) {
        return SandboxProbe.detect(properties, workspaces.root());
    }

    @Bean
    SandboxRunner sandboxRunner(SandboxLauncher launcher, ToolsProperties properties) {
        return new SandboxRunner(
                launcher,
                ExecutionCgroups.detect(properties.sandbox().cgroup(), properties.limits())
                        .orElse(null));
    }
}
