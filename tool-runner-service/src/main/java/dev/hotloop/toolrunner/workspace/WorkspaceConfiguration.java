package dev.hotloop.toolrunner.workspace;

import dev.hotloop.toolrunner.ToolsProperties;
import dev.hotloop.toolrunner.sandbox.SandboxProbe;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class WorkspaceConfiguration {

    /** When the service is root (and sandboxes), workspaces belong to the run-as user the sandbox runs as. */
    @Bean
    WorkspaceRepository workspaceRepository(ToolsProperties properties) {
        ToolsProperties.Sandbox sandbox = properties.sandbox();
        WorkspaceRepository.WorkspaceOwner owner = SandboxProbe.serviceIsRoot() && !sandbox.insecureNoSandbox()
                ? new WorkspaceRepository.WorkspaceOwner(sandbox.runAsUid(), sandbox.runAsGid())
                : null;
        return new WorkspaceRepository(properties.workspace().root(), owner, Clock.systemUTC());
    }
}
