package dev.hotloop.api.transport.http;

import dev.hotloop.api.model.ModelCatalog;
import dev.hotloop.protocol.error.ApiException;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code GET /v1/models}: the models this deployment lists (clients probe it before their first call). */
@Component
public class ModelsHandler {

    private final ModelCatalog models;

    public ModelsHandler(ModelCatalog models) {
        this.models = models;
    }

    record Model(String id, String object, long created, String ownedBy) {

        static Model of(String id) {
            return new Model(id, "model", 0, "hotloop");
        }
    }

    record ModelList(String object, List<Model> data) {}

    public Mono<ServerResponse> list(ServerRequest request) {
        return ResponsesHandler.json(
                new ModelList("list", models.listed().stream().map(Model::of).toList()));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        String id = request.pathVariable("id");
        if (!models.isListed(id)) {
            return Mono.error(ApiException.notFound("The model '" + id + "' does not exist."));
        }
        return ResponsesHandler.json(Model.of(id));
    }
}
