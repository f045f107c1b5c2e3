package dev.hotloop.api.model;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.model.ModelProvider;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The models this deployment serves, each bound to its provider.
 *
 * @param fallback provider for names not listed, or null to refuse them with {@code model_not_found}
 */
public record ModelCatalog(
        String defaultModel,
        Map<String, ModelProvider> providers,
        @Nullable ModelProvider fallback) {

    /** The model a request runs on: its own, else the default. */
    public String modelFor(@Nullable String requested) {
        return requested != null && !requested.isBlank() ? requested : defaultModel;
    }

    public ModelProvider provider(String model) {
        ModelProvider provider = providers.getOrDefault(model, fallback);
        if (provider == null) {
            throw ApiException.invalidRequest(
                    "model", ErrorCodes.MODEL_NOT_FOUND, "The requested model '" + model + "' does not exist.");
        }
        return provider;
    }

    public List<String> listed() {
        return providers.keySet().stream().sorted().toList();
    }

    public boolean isListed(String model) {
        return providers.containsKey(model);
    }
}
