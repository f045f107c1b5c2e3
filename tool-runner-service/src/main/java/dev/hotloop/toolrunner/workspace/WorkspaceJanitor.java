package dev.hotloop.toolrunner.workspace;

import dev.hotloop.toolrunner.ToolsProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/** Removes workspaces unused for {@code hotloop.tools.workspace.ttl}: at start-up, then every cleanup interval. */
@Component
class WorkspaceJanitor implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(WorkspaceJanitor.class);

    private final WorkspaceRepository workspaces;
    private final ToolsProperties.Workspace settings;

    WorkspaceJanitor(WorkspaceRepository workspaces, ToolsProperties properties) {
        this.workspaces = workspaces;
        this.settings = properties.workspace();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::sweep, settings.cleanupInterval(), Duration.ZERO));
    }

    void sweep() {
        int removed = workspaces.removeExpired(settings.ttl());
        if (removed > 0) {
            log.info("Removed {} workspace(s) unused for {}", removed, settings.ttl());
        }
    }
}
