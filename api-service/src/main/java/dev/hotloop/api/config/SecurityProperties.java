package dev.hotloop.api.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the API.
 *
 * @param apiKeys accepted keys as {@code tenant:key} pairs, e.g. from {@code HOTLOOP_SECURITY_APIKEYS=acme:sk-1,beta:sk-2};
 *                each tenant sees only its own responses
 */
@Validated
@ConfigurationProperties("hotloop.security")
public record SecurityProperties(@DefaultValue List<String> apiKeys) {}
