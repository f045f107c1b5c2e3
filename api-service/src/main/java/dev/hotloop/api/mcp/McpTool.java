package dev.hotloop.api.mcp;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import dev.hotloop.protocol.json.ProtocolJson;
import dev.hotloop.protocol.tool.HostedTool;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One {@code mcp} tool of a request, read and checked (a 400 naming the field when malformed).
 *
 * @param label        {@code server_label}: how items and function names refer to the server
 * @param url          {@code server_url}, http or https
 * @param headers      {@code headers}, with {@code authorization} as {@code Authorization: Bearer …}; credentials, so
 *                     {@link #toString} leaves their values out
 * @param allowedTools names of the server's tools the model may call; null: all of them
 * @param approval     which calls wait for the client's {@code mcp_approval_response}
 * @param definition   a digest of what decides a listing ({@code server_url}, {@code allowed_tools}): a listing made
 *                     for another definition is made again
 */
public record McpTool(
        String label,
        URI url,
        Map<String, String> headers,
        @Nullable Set<String> allowedTools,
        Approval approval,
        String definition) {

    private static final Pattern LABEL = Pattern.compile("[a-zA-Z0-9_-]{1,48}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9a-zA-Z-]{1,256}");
    /** Headers the HTTP client sets itself (the JDK refuses them), or that would change the request's target. */
    private static final Set<String> RESERVED_HEADERS =
            Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "te");

    /**
     * {@code require_approval}: {@code always}, {@code never}, or per tool name ({@code {"never": {"tool_names":
     * [...]}, "always": {"tool_names": [...]}}}, where a tool in neither list asks).
     */
    public record Approval(boolean byDefault, Set<String> always, Set<String> never) {

        static final Approval ALWAYS = new Approval(true, Set.of(), Set.of());
        static final Approval NEVER = new Approval(false, Set.of(), Set.of());

        public boolean required(String tool) {
            if (never.contains(tool)) {
                return false;
            }
            return always.contains(tool) || byDefault;
        }
    }

    /** Reads the request's {@code tools[index]}, an {@code mcp} tool. */
    public static McpTool of(HostedTool tool, int index) {
        JsonNode json = tool.json();
        String param = "tools[" + index + "]";
        String label = requiredString(json, "server_label", param);
        if (!LABEL.matcher(label).matches()) {
            throw ApiException.invalidRequest(
                    param + ".server_label",
                    ErrorCodes.INVALID_VALUE,
                    "Invalid '" + param + ".server_label': expected 1-48 of [a-zA-Z0-9_-].");
        }
        if (json.hasNonNull("connector_id") && !json.hasNonNull("server_url")) {
            throw ApiException.invalidRequest(
                    param + ".connector_id",
                    ErrorCodes.UNSUPPORTED_PARAMETER,
                    "Connectors are not supported by this server: give the MCP server's 'server_url'.");
        }
        URI url = url(requiredString(json, "server_url", param), param + ".server_url");
        Map<String, String> headers = headers(json, param);
        JsonNode allowed = json.path("allowed_tools");
        Set<String> allowedTools = allowed.isArray()
                ? names(allowed, param + ".allowed_tools")
                : allowed.isObject() ? names(allowed.path("tool_names"), param + ".allowed_tools.tool_names") : null;
        return new McpTool(
                label,
                url,
                headers,
                allowedTools,
                approval(json.get("require_approval"), param + ".require_approval"),
                digest(url + "\n"
                        + (allowed.isMissingNode() ? "" : ProtocolJson.mapper().writeValueAsString(allowed))));
    }

    /** The name the model calls a tool of this server by, such as {@code mcp__docs__search}. */
    public String functionName(String tool) {
        return functionName(label, tool);
    }

    static String functionName(String label, String tool) {
        return "mcp__" + label + "__" + tool;
    }

    public boolean allows(String tool) {
        return allowedTools == null || allowedTools.contains(tool);
    }

    /** The server as logs and breakers name it: scheme, host and port only (a path or query may hold a token). */
    public String origin() {
        return url.getScheme() + "://" + url.getHost() + ":" + port(url);
    }

    static int port(URI url) {
        return url.getPort() >= 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }

    @Override
    public String toString() {
        return "McpTool[label=" + label + ", server=" + origin() + ", headers=" + headers.keySet() + "]";
    }

    private static URI url(String value, String param) {
        try {
            URI url = new URI(value);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || url.getHost() == null
                    || url.getUserInfo() != null) {
                throw new URISyntaxException(value, "expected an http or https URL with a host and no user info");
            }
            return url;
        } catch (URISyntaxException malformed) {
            throw ApiException.invalidRequest(
                    param, ErrorCodes.INVALID_VALUE, "Invalid '" + param + "': expected an http or https URL.");
        }
    }

    private static Map<String, String> headers(JsonNode json, String param) {
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode given = json.path("headers");
        if (!given.isMissingNode() && !given.isNull() && !given.isObject()) {
            throw ApiException.invalidType(
                    param + ".headers", "an object", given.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        for (Map.Entry<String, JsonNode> header : given.properties()) {
            String name = header.getKey();
            if (!HEADER_NAME.matcher(name).matches() || RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw ApiException.invalidRequest(
                        param + ".headers",
                        ErrorCodes.INVALID_VALUE,
                        "Invalid '" + param + ".headers': '" + name + "' cannot be sent to an MCP server.");
            }
            if (!header.getValue().isString()
                    || header.getValue().stringValue().indexOf('\n') >= 0
                    || header.getValue().stringValue().indexOf('\r') >= 0) {
                throw ApiException.invalidRequest(
                        param + ".headers",
                        ErrorCodes.INVALID_VALUE,
                        "Invalid '" + param + ".headers': the value of '" + name + "' must be a one-line string.");
            }
            headers.put(name, header.getValue().stringValue());
        }
        JsonNode authorization = json.path("authorization");
        if (authorization.isString() && !authorization.stringValue().isBlank()) {
            headers.put("Authorization", "Bearer " + authorization.stringValue().strip());
        }
        return Map.copyOf(headers);
    }

    private static Approval approval(@Nullable JsonNode given, String param) {
        if (given == null || given.isNull()) {
            return Approval.ALWAYS; // as OpenAI: calls wait for approval unless the request says otherwise
        }
        if (given.isString()) {
            return switch (given.stringValue()) {
                case "always" -> Approval.ALWAYS;
                case "never" -> Approval.NEVER;
                default -> throw ApiException.invalidValue(param, given.stringValue(), List.of("always", "never"));
            };
        }
        if (!given.isObject()) {
            throw ApiException.invalidType(
                    param, "a string or an object", given.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return new Approval(
                true,
                names(given.path("always").path("tool_names"), param + ".always.tool_names"),
                names(given.path("never").path("tool_names"), param + ".never.tool_names"));
    }

    private static Set<String> names(JsonNode list, String param) {
        if (list.isMissingNode() || list.isNull()) {
            return Set.of();
        }
        if (!list.isArray()) {
            throw ApiException.invalidType(
                    param, "an array of strings", list.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode name : list) {
            if (!name.isString()) {
                throw ApiException.invalidType(param, "an array of strings", "an array with " + name.getNodeType());
            }
            names.add(name.stringValue());
        }
        return Set.copyOf(names);
    }

    private static String requiredString(JsonNode json, String field, String param) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.missingParameter(param + "." + field);
        }
        if (!value.isString() || value.stringValue().isBlank()) {
            throw ApiException.invalidType(
                    param + "." + field,
                    "a non-empty string",
                    value.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return value.stringValue();
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("SHA-256 is part of every JDK", missing);
        }
    }
}
