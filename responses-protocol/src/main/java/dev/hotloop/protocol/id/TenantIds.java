package dev.hotloop.protocol.id;

import java.util.regex.Pattern;

/**
 * The one rule for tenant names, shared by the API keys, the Redis keys and the workspace directories: 1–64
 * letters, digits, {@code . _ -}, not starting with a dot. So a tenant holds no separator ({@code :} in Redis keys,
 * {@code /} in paths) and can never be {@code .}, {@code ..} or a hidden directory such as tool-runner's
 * {@code .trash}.
 */
public final class TenantIds {

    /** The rule in words, for error messages. */
    public static final String RULE = "1-64 of [A-Za-z0-9._-], not starting with a dot";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    private TenantIds() {}

    public static boolean isValid(String tenant) {
        return tenant != null && VALID.matcher(tenant).matches();
    }
}
