package dev.hotloop.api.security;

import dev.hotloop.api.config.SecurityProperties;
import dev.hotloop.protocol.id.TenantIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Maps API keys to tenants. Keys are held only as SHA-256 digests, so a heap dump or log never shows one. */
@Component
public class ApiKeys {

    private final Map<String, String> tenantByDigest = new HashMap<>();

    public ApiKeys(SecurityProperties properties) {
        for (String entry : properties.apiKeys()) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("hotloop.security.api-keys entries are 'tenant:key'; one is not");
            }
            String tenant = entry.substring(0, colon);
            if (!TenantIds.isValid(tenant)) {
                throw new IllegalArgumentException("Tenant '" + tenant + "' must be " + TenantIds.RULE);
            }
            tenantByDigest.put(digest(entry.substring(colon + 1)), tenant);
        }
    }

    /** The tenant owning {@code key}, if the key is known. */
    public Optional<String> tenantOf(String key) {
        return Optional.ofNullable(tenantByDigest.get(digest(key)));
    }

    private static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
