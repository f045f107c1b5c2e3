package dev.hotloop.api.mcp;

import dev.hotloop.api.config.ApiProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The hosted {@code mcp} tool, from {@code hotloop.api.mcp}. */
@Configuration(proxyBeanMethods = false)
class McpConfiguration {

    @Bean
    McpHost mcpHost(ApiProperties properties) {
        return McpHost.of(properties.mcp());
    }
}
