package dev.hotloop.api.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/** api-service's Lua scripts, each read from the classpath once. */
public final class LuaScripts {

    private LuaScripts() {}

    /**
     * The script at a classpath path, returning {@code resultType}. Read once: a resource-backed script looks its
     * file up in the jar on every execution, to see if it changed.
     */
    public static <T> RedisScript<T> read(String path, Class<T> resultType) {
        try {
            return RedisScript.of(new ClassPathResource(path).getContentAsString(StandardCharsets.UTF_8), resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("Missing Lua script " + path, e);
        }
    }
}
