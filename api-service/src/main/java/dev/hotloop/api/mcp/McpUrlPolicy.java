package dev.hotloop.api.mcp;

import dev.hotloop.api.config.ApiProperties;
import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Which MCP servers a tenant may reach. A tenant with allowed URL prefixes (its own or every tenant's) reaches only
 * URLs under them, and those may be private addresses: an administrator named them. A tenant without any reaches
 * only hosts that resolve to public addresses, so that a request cannot make hotloop call into its own network
 * (SSRF). The HTTP client resolves the host again when it connects; the JDK's address cache (30 s by default) keeps
 * both lookups the same, and an egress NetworkPolicy refusing private ranges for api-service closes the rest.
 */
public final class McpUrlPolicy {

    private final List<String> everyTenant;
    private final Map<String, List<String>> perTenant;

    public McpUrlPolicy(ApiProperties.Mcp settings) {
        this.everyTenant = normalized(settings.allowedUrls());
        Map<String, List<String>> tenants = new HashMap<>();
        settings.tenantAllowedUrls().forEach((tenant, urls) -> tenants.put(tenant, normalized(urls)));
        this.perTenant = Map.copyOf(tenants);
    }

    /**
     * Completes when the tenant may reach the tool's server; errors with a 400 {@code mcp_server_url_not_allowed}
     * naming {@code param} otherwise. Resolving the host blocks, so it runs off the event loop.
     */
    public Mono<Void> check(String tenant, McpTool tool, String param) {
        String url = normalized(tool.url().toString());
        List<String> allowed = new ArrayList<>(everyTenant);
        allowed.addAll(perTenant.getOrDefault(tenant, List.of()));
        if (!allowed.isEmpty()) {
            return allowed.stream().anyMatch(prefix -> under(url, prefix))
                    ? Mono.empty()
                    : Mono.error(refused(param, "it is not among the MCP servers allowed for this API key"));
        }
        String host = tool.url().getHost();
        return Mono.fromCallable(() -> InetAddress.getAllByName(host))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(UnknownHostException.class, unknown -> refused(param, "its host does not resolve"))
                .flatMap(addresses -> {
                    for (InetAddress address : addresses) {
                        if (!isPublic(address)) {
                            return Mono.error(refused(param, "it is a private network address"));
                        }
                    }
                    return Mono.empty();
                });
    }

    /** Whether an address is on the public internet: not loopback, private, link-local, shared, multicast or reserved. */
    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress()
                || address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return first != 0 // this network
                    && !(first == 100 && second >= 64 && second < 128) // shared address space (carrier NAT)
                    && !(first == 192 && second == 0 && (bytes[2] & 0xff) == 0) // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19)) // benchmarking
                    && first < 240; // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            int first = bytes[0] & 0xff;
            boolean uniqueLocal = (first & 0xfe) == 0xfc;
            boolean siteLocal = first == 0xfe && (bytes[1] & 0xc0) == 0xc0;
            boolean mapped = isIpv4Mapped(bytes);
            return !uniqueLocal && !siteLocal && !mapped;
        }
        return false;
    }

    /** {@code ::ffff:a.b.c.d}: judged as the IPv4 address it carries would be, so refused unless public. */
    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        if ((bytes[10] & 0xff) != 0xff || (bytes[11] & 0xff) != 0xff) {
            return false;
        }
        try {
            return !isPublic(InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]}));
        } catch (UnknownHostException impossible) {
            return true;
        }
    }

    /** Whether {@code url} is {@code prefix} or below it: the next character ends the host, port or a segment. */
    static boolean under(String url, String prefix) {
        if (!url.startsWith(prefix)) {
            return false;
        }
        if (url.length() == prefix.length() || prefix.endsWith("/")) {
            return true;
        }
        char next = url.charAt(prefix.length());
        return next == '/'
                || next == '?'
                || next == '#'
                || (next == ':' && !prefix.substring(prefix.indexOf("//") + 2).contains(":"));
    }

    private static List<String> normalized(List<String> urls) {
        return urls.stream().map(McpUrlPolicy::normalized).toList();
    }

    /** Scheme and host are case-insensitive; the rest is compared as written. */
    private static String normalized(String url) {
        int hostEnd = url.indexOf('/', url.indexOf("//") + 2);
        return hostEnd < 0
                ? url.toLowerCase(Locale.ROOT)
                : url.substring(0, hostEnd).toLowerCase(Locale.ROOT) + url.substring(hostEnd);
    }

    private static ApiException refused(String param, String reason) {
        return ApiException.invalidRequest(
                param,
                ErrorCodes.MCP_SERVER_URL_NOT_ALLOWED,
                "The MCP server URL in '" + param + "' is refused: " + reason + ".");
    }
}
