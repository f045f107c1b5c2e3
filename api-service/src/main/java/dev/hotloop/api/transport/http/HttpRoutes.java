package dev.hotloop.api.transport.http;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The public HTTP surface. */
@Configuration(proxyBeanMethods = false)
class HttpRoutes {

    @Bean
    RouterFunction<ServerResponse> responsesRoutes(ResponsesHandler responses, ModelsHandler models) {
        return RouterFunctions.route()
                .POST("/v1/responses", responses::create)
                .POST("/v1/responses/compact", responses::compact)
                .GET("/v1/responses/{id}", responses::get)
                .DELETE("/v1/responses/{id}", responses::delete)
                .POST("/v1/responses/{id}/cancel", responses::cancel)
                .GET("/v1/responses/{id}/input_items", responses::inputItems)
                .GET("/v1/models", models::list)
                .GET("/v1/models/{id}", models::get)
                .build();
    }
}
