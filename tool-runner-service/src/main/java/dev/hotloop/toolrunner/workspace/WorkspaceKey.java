package dev.hotloop.toolrunner.workspace;

import dev.hotloop.protocol.id.TenantIds;
import java.util.regex.Pattern;

/**
 * The owner of a workspace: one tenant's chain. Both ids are single path elements by construction (letters,
 * digits, {@code . _ -}, not starting with a dot), so no id can name {@code ..}, a hidden directory or a separator.
 *
 * @param tenant the tenant, valid by {@link TenantIds}
 * @param chain  the chain, 1–128 characters; api-service passes the chain tag of the response ids
 */
public record WorkspaceKey(String tenant, String chain) {

    private static final Pattern CHAIN = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    /** @throws IllegalArgumentException when either id is not a valid single path element */
    public WorkspaceKey {
        if (!TenantIds.isValid(tenant)) {
            throw new IllegalArgumentException("Invalid tenant id");
        }
        if (!isValidChain(chain)) {
            throw new IllegalArgumentException("Invalid chain id");
        }
    }

    public static boolean isValidChain(String chain) {
        return chain != null && CHAIN.matcher(chain).matches();
    }
}
