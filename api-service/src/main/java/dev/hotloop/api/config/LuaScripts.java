package dev.hotloop.api.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * api-service's Redis scripts, each read from the classpath once. A resource-backed {@link RedisScript} looks its
 * file up inside the nested jar on every execution (to see whether it changed), a lookup per Redis call on the hot
 * path.
 */
public final class LuaScripts {

    private LuaScripts() {}

    /** The script at classpath location {@code name}, whose reply Spring Data converts to {@code resultType}. */
    public static <T> RedisScript<T> load(String name, Class<T> resultType) {
        try {
            return RedisScript.of(new ClassPathResource(name).getContentAsString(StandardCharsets.UTF_8), resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("Missing Lua script " + name, e);
        }
    }
}
