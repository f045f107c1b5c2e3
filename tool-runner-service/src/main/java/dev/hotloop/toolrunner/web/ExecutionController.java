package dev.hotloop.toolrunner.web;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.id.TenantIds;
import dev.hotloop.toolrunner.execution.ToolExecutor;
import dev.hotloop.toolrunner.registry.PreparedCall;
import dev.hotloop.toolrunner.registry.ToolDefinition;
import dev.hotloop.toolrunner.registry.ToolRegistry;
import dev.hotloop.toolrunner.workspace.WorkspaceKey;
import dev.hotloop.toolrunner.workspace.WorkspaceRepository;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The internal API: the hosted tools to offer, and executing a call in a tenant chain's workspace. A client that
 * disconnects while a call runs cancels it: its process tree is killed.
 */
@RestController
@RequestMapping(path = "/internal/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class ExecutionController {

    private final ToolRegistry registry;
    private final ToolExecutor executor;
    private final WorkspaceRepository workspaces;
    private final JsonMapper mapper;

    ExecutionController(
            ToolRegistry registry, ToolExecutor executor, WorkspaceRepository workspaces, JsonMapper mapper) {
        this.registry = registry;
        this.executor = executor;
        this.workspaces = workspaces;
        this.mapper = mapper;
    }

    /** {@code {"tools": [...]}}: Responses API tool entries, to add to a request's {@code tools}. */
    @GetMapping("/tools")
    Map<String, List<ObjectNode>> tools() {
        return Map.of("tools", registry.definitions());
    }

    /**
     * Executes one call and answers when it ended: 200 also for a failing command or a timeout (they are results);
     * 400 bad ids or arguments; 404 unknown tool; 503 {@code tool_runner_overloaded} with {@code Retry-After}.
     */
    @PostMapping(path = "/tenants/{tenant}/chains/{chain}/executions", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ExecutionBody> execute(
            @PathVariable String tenant, @PathVariable String chain, @RequestBody ExecutionRequest request) {
        WorkspaceKey workspace = workspace(tenant, chain);
        if (request.tool() == null || request.tool().isBlank()) {
            throw ApiException.missingParameter("tool");
        }
        ToolDefinition tool = registry.find(request.tool())
                .orElseThrow(() -> ApiException.notFound(
                        "tool", ErrorCodes.TOOL_NOT_FOUND, "No hosted tool named '" + request.tool() + "'."));
        PreparedCall call = tool.prepare(arguments(request.arguments()));
        return executor.execute(workspace, call).map(result -> ExecutionBody.of(request.callId(), result));
    }

    /** Removes a chain's workspace now (e.g. when its responses are deleted): 204; 404 none; 409 while a call runs in it. */
    @DeleteMapping("/tenants/{tenant}/chains/{chain}/workspace")
    Mono<ResponseEntity<Void>> deleteWorkspace(@PathVariable String tenant, @PathVariable String chain) {
        WorkspaceKey workspace = workspace(tenant, chain);
        return Mono.fromCallable(() -> workspaces.remove(workspace))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(
                        WorkspaceRepository.WorkspaceInUseException.class,
                        e -> ApiException.conflict(null, ErrorCodes.WORKSPACE_IN_USE, String.valueOf(e.getMessage())))
                .map(removed -> {
                    if (!removed) {
                        throw ApiException.notFound("No workspace for this chain.");
                    }
                    return ResponseEntity.noContent().build();
                });
    }

    private static WorkspaceKey workspace(String tenant, String chain) {
        if (!TenantIds.isValid(tenant)) {
            throw ApiException.invalidRequest(
                    "tenant", ErrorCodes.INVALID_VALUE, "The tenant must be " + TenantIds.RULE + ".");
        }
        if (!WorkspaceKey.isValidChain(chain)) {
            throw ApiException.invalidRequest(
                    "chain",
                    ErrorCodes.INVALID_VALUE,
                    "The chain must be 1-128 of [A-Za-z0-9._-], not starting with a dot.");
        }
        return new WorkspaceKey(tenant, chain);
    }

    /** An arguments object as sent, or parsed from the JSON string a {@code function_call} carries. */
    private JsonNode arguments(@Nullable JsonNode arguments) {
        if (arguments == null || !arguments.isString()) {
            return arguments == null ? mapper.nullNode() : arguments;
        }
        try {
            return mapper.readTree(arguments.stringValue());
        } catch (JacksonException e) {
            throw ApiException.invalidRequest(
                    "arguments", ErrorCodes.INVALID_JSON, "'arguments' is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
