package dev.hotloop.toolrunner.workspace;

import java.util.regex.Pattern;

/**
 * The owner of a workspace: one tenant's chain. Both ids are single path elements by construction (letters,
 * digits, {@code . _ -}, not starting with a dot), so no id can name {@code ..}, a hidden directory or a separator.
 *
 * @param tenant the tenant, 1–64 characters
 * @param chain  the chain, 1–128 characters; api-service passes the chain tag of the response ids
 */
public record WorkspaceKey(String tenant, String chain) {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    private static final Pattern CHAIN = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    /** @throws IllegalArgumentException when either id is not a valid single path element */
    public WorkspaceKey {
        if (!isValidTenant(tenant)) {
            throw new IllegalArgumentException("Invalid tenant id");
        }
        if (!isValidChain(chain)) {
            throw new IllegalArgumentException("Invalid chain id");
        }
    }

    public static boolean isValidTenant(String tenant) {
        return tenant != null && TENANT.matcher(tenant).matches();
    }

    public static boolean isValidChain(String chain) {
        return chain != null && CHAIN.matcher(chain).matches();
    }
}
