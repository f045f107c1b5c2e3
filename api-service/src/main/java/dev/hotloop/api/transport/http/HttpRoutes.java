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
    RouterFunction<ServerResponse> responsesRoutes(
            ResponsesHandler responses, ConversationsHandler conversations, ModelsHandler models) {
        return RouterFunctions.route()
                .POST("/v1/responses", responses::create)
                .POST("/v1/responses/compact", responses::compact)
                .POST("/v1/responses/input_tokens", responses::inputTokens)
                .GET("/v1/responses/{id}", responses::get)
                .DELETE("/v1/responses/{id}", responses::delete)
                .POST("/v1/responses/{id}/cancel", responses::cancel)
                .GET("/v1/responses/{id}/input_items", responses::inputItems)
                .POST("/v1/conversations", conversations::create)
                .GET("/v1/conversations/{conversation_id}", conversations::get)
                .POST("/v1/conversations/{conversation_id}", conversations::update)
                .DELETE("/v1/conversations/{conversation_id}", conversations::delete)
                .POST("/v1/conversations/{conversation_id}/items", conversations::createItems)
                .GET("/v1/conversations/{conversation_id}/items", conversations::listItems)
                .GET("/v1/conversations/{conversation_id}/items/{item_id}", conversations::getItem)
                .DELETE("/v1/conversations/{conversation_id}/items/{item_id}", conversations::deleteItem)
                .GET("/v1/models", models::list)
                .GET("/v1/models/{id}", models::get)
                .build();
    }
}
