package dev.hotloop.api.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which models the API serves.
 *
 * @param defaultModel model used when a request names none
 * @param simulator    the embedded deterministic model
 */
@Validated
@ConfigurationProperties("hotloop.model")
public record ModelProperties(@DefaultValue("hotloop-sim") String defaultModel, @DefaultValue Simulator simulator) {

    /**
     * @param models          model names the simulator serves, listed by {@code GET /v1/models}
     * @param serveAnyModel   also answer for model names not listed (handy with SDK demos that name real models)
     * @param timeToFirstToken delay before the first token
     * @param tokensPerSecond decode speed; 0 or less streams everything at once
     * @param scenario        optional scenario file (YAML or JSON) scripting the simulator's answers
     */
    public record Simulator(@DefaultValue("hotloop-sim") List<String> models,
                            @DefaultValue("true") boolean serveAnyModel,
                            @DefaultValue("100ms") Duration timeToFirstToken,
                            @DefaultValue("500") double tokensPerSecond,
                            Path scenario) {
    }
}
