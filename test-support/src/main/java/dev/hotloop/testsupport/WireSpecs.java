package dev.hotloop.testsupport;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The two published specifications of the wire contract, OpenAI's OpenAPI document and the OpenResponses one (copies
 * in {@code specs/}), as JSON Schema validators. The transports' test clients hand every HTTP body, SSE event and
 * WebSocket frame they receive to {@link #checkHttpBody}, {@link #checkEvent} or {@link #checkWebSocketFrame}, which
 * throw an {@link AssertionError} naming the specification, the schema and every violation; each violation is also
 * kept until {@link #takeViolations()}, so that one a client's reader thread swallowed still fails its test.
 *
 * <p>Schemas are found as a client would find them: an HTTP body by its operation (path, method, status, content
 * type) in the document's {@code paths}; an event by its {@code type} among the members of the operation's
 * {@code text/event-stream} union. What a document does not define is not checked against it: an HTTP error body
 * (OpenResponses defines none, OpenAI's document names its {@code ErrorResponse} schema in no operation, so it is
 * applied to every 4xx and 5xx), and the WebSocket error frame, which each document defines outside {@code paths}.
 */
public final class WireSpecs {

    /** One specification: its file under {@code specs/}, and where it puts the WebSocket error frame. */
    public enum Spec {
        OPENAI("openai-openapi.json", "/components/schemas/ResponseWsError"),
        OPENRESPONSES("openresponses-openapi.json", "/components/schemas/WebSocketErrorEvent");

        private final String file;
        private final String webSocketError;

        Spec(String file, String webSocketError) {
            this.file = file;
            this.webSocketError = webSocketError;
        }
    }

    /** OpenAI's error body; its document names it in no operation, but every OpenAI error answers with it. */
    private static final String OPENAI_ERROR = "/components/schemas/ErrorResponse";

    private static final String EVENT_STREAM = "text/event-stream";
    private static final Pattern PARAMETER = Pattern.compile("\\{[^}/]+}");

    private static final WireSpecs INSTANCE = new WireSpecs();

    // plain JSON Schema 2020-12: both documents' discriminators name no mapping (OpenAPI makes them a hint), and
    // the OpenAPI dialect would match the type value against schema names, which rejects every valid item
    // the documents' own keywords (example, x-oaiMeta, …) are annotations, not news worth a warning each
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialect.builder(Dialects.getDraft202012())
            .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
            .build());
    private final Map<Spec, JsonNode> documents = new EnumMap<>(Spec.class);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> definedTypes = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

    private WireSpecs() {
        for (Spec spec : Spec.values()) {
            try (InputStream in = WireSpecs.class.getResourceAsStream("/specs/" + spec.file)) {
                if (in == null) {
                    throw new IllegalStateException("specs/" + spec.file + " is not on the class path");
                }
                documents.put(spec, JsonMapper.shared().readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The specifications, loaded once per JVM. */
    public static WireSpecs get() {
        return INSTANCE;
    }

    /**
     * Checks a body api-service answered on {@code path} (as sent, with or without the {@code /v1} prefix and query).
     * A {@code text/event-stream} body is checked event by event with {@link #checkEvent}, not here.
     */
    public void checkHttpBody(String method, String path, int status, JsonNode body) {
        List<String> found = new ArrayList<>();
        for (Spec spec : Spec.values()) {
            httpBodySchema(spec, method, path, status)
                    .ifPresent(pointer -> validate(spec, pointer, as(spec, body), found));
        }
        report(method + " " + path + " " + status, body, found);
    }

    /**
     * Checks what a JDK client received: a JSON body with {@link #checkHttpBody}, an SSE body event by event; other
     * bodies (plain-text refusals, empty ones) are not the specifications' business.
     *
     * @return the response, checked
     */
    public <T extends HttpResponse<String>> T checkHttpResponse(T response) {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (contentType.startsWith("text/event-stream")) {
            for (String line : response.body().split("\n")) {
                if (line.startsWith("data:")) {
                    checkEvent(JsonMapper.shared().readTree(line.substring(5).strip()));
                }
            }
        } else if (contentType.startsWith("application/json")
                && !response.body().isEmpty()) {
            checkHttpBody(
                    response.request().method(),
                    response.uri().getRawPath(),
                    response.statusCode(),
                    JsonMapper.shared().readTree(response.body()));
        }
        return response;
    }

    /** Checks one SSE event (also the payload of a WebSocket event frame), picked by its {@code type}. */
    public void checkEvent(JsonNode event) {
        List<String> found = new ArrayList<>();
        String type = event.path("type").asString("");
        for (Spec spec : Spec.values()) {
            Optional<String> pointer = eventSchema(spec, type);
            JsonNode seen = as(spec, event);
            if (pointer.isPresent() && seen.isObject()) {
                validate(spec, pointer.get(), seen, found);
            } else if (spec == Spec.OPENAI) {
                found.add(spec + ": no event type '" + type + "'");
            }
        }
        report("event " + type, event, found);
    }

    /**
     * Checks one WebSocket text frame: an event as on SSE, or (type {@code error}) the WebSocket error frame, which
     * differs from the SSE error event.
     */
    public void checkWebSocketFrame(JsonNode frame) {
        if (!"error".equals(frame.path("type").asString(""))) {
            checkEvent(frame);
            return;
        }
        List<String> found = new ArrayList<>();
        for (Spec spec : Spec.values()) {
            validate(spec, spec.webSocketError, as(spec, frame), found);
        }
        report("WebSocket error frame", frame, found);
    }

    /**
     * The instance as OpenResponses is asked to judge it: items and tools of types it does not define removed, a
     * {@code usage} of null added to a response without one, a WebSocket error's null {@code code} (OpenAI's allows it)
     * made a string, and a missing node for an SSE error event or for an event about an item of a type it does not
     * define (not checked against it at all).
     */
    public JsonNode asOpenResponsesSees(JsonNode instance) {
        if (instance.path("type").asString("").equals("error")) {
            if (!(instance.path("error") instanceof ObjectNode error)) {
                return MissingNode.getInstance();
            }
            ObjectNode frame = (ObjectNode) instance.deepCopy();
            if (error.path("code").isNull()) {
                ((ObjectNode) frame.path("error")).put("code", "");
            }
            return frame;
        }
        if (instance.has("item") && !definedTypes("ItemField").contains(itemType(instance.path("item")))) {
            return MissingNode.getInstance();
        }
        JsonNode copy = instance.deepCopy();
        narrow(copy);
        return copy;
    }

    private void narrow(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.path("object").asString("").equals("response") && !object.has("usage")) {
                object.putNull("usage");
            }
            filter(object, "output", definedTypes("ItemField"));
            filter(object, "tools", definedTypes("Tool"));
            object.values().forEach(this::narrow);
        }
    }

    private static void filter(ObjectNode object, String field, Set<String> types) {
        if (object.get(field) instanceof ArrayNode array) {
            for (int i = array.size() - 1; i >= 0; i--) {
                if (!types.contains(itemType(array.get(i)))) {
                    array.remove(i);
                }
            }
        }
    }

    private static String itemType(JsonNode item) {
        return item.path("type").asString("");
    }

    /** The {@code type} values of the members of an OpenResponses union schema, such as {@code ItemField}. */
    private Set<String> definedTypes(String union) {
        return definedTypes.computeIfAbsent(union, name -> {
            JsonNode document = document(Spec.OPENRESPONSES);
            Set<String> types = new HashSet<>();
            for (JsonNode member : document.at("/components/schemas/" + name).path("oneOf")) {
                JsonNode type = document.at(member.path("$ref").asString().substring(1))
                        .path("properties")
                        .path("type");
                type.path("enum").forEach(value -> types.add(value.asString()));
            }
            return Set.copyOf(types);
        });
    }

    private JsonNode as(Spec spec, JsonNode instance) {
        return spec == Spec.OPENRESPONSES ? asOpenResponsesSees(instance) : instance;
    }

    /** Violations recorded since the last call (they were thrown too, maybe on a thread nobody joins). */
    public List<String> takeViolations() {
        synchronized (violations) {
            List<String> taken = List.copyOf(violations);
            violations.clear();
            return taken;
        }
    }

    /**
     * The violations of {@code instance} against the schema at {@code pointer} (a JSON pointer into the document, such
     * as {@code /components/schemas/Response}); empty when it conforms. For tests of the specifications themselves.
     */
    public List<String> violations(Spec spec, String pointer, JsonNode instance) {
        List<String> found = new ArrayList<>();
        validate(spec, pointer, instance, found);
        return found;
    }

    /** The event types whose schema the specification's {@code text/event-stream} union holds. */
    public List<String> eventTypes(Spec spec) {
        return eventSchemas(spec).keySet().stream().sorted().toList();
    }

    /** Where the specification puts the schema of {@code path}'s answer, when it has one. */
    public Optional<String> httpBodySchema(Spec spec, String method, String path, int status) {
        if (status >= 400) {
            return spec == Spec.OPENAI ? Optional.of(OPENAI_ERROR) : Optional.empty();
        }
        String relative = path.replaceFirst("^(https?://[^/]+)?(/v1)?", "").replaceFirst("\\?.*$", "");
        return operation(spec, relative, method.toLowerCase(java.util.Locale.ROOT))
                .flatMap(operation -> {
                    JsonNode responses = operation.getValue().path("responses");
                    String code = responses.has(String.valueOf(status)) ? String.valueOf(status) : "default";
                    JsonNode content = responses.path(code).path("content");
                    if (!content.has("application/json")) {
                        return Optional.empty();
                    }
                    return Optional.of(operation.getKey() + "/responses/" + code + "/content/application~1json/schema");
                });
    }

    private Optional<Map.Entry<String, JsonNode>> operation(Spec spec, String path, String method) {
        JsonNode paths = document(spec).path("paths");
        return paths.propertyNames().stream()
                .filter(template -> Pattern.matches(
                                PARAMETER.matcher(Pattern.quote(template)).replaceAll("\\\\E[^/]+\\\\Q"), path)
                        && paths.path(template).has(method))
                .min(Comparator.comparingLong(
                        template -> PARAMETER.matcher(template).results().count()))
                .map(template -> Map.entry(
                        "/paths/" + escape(template) + "/" + method,
                        paths.path(template).path(method)));
    }

    private Optional<String> eventSchema(Spec spec, String type) {
        return Optional.ofNullable(eventSchemas(spec).get(type));
    }

    /** Event type → the pointer of its schema, from the members of the streamed create's union. */
    private Map<String, String> eventSchemas(Spec spec) {
        JsonNode document = document(spec);
        JsonNode union = document.at("/paths/~1responses/post/responses/200/content/text~1event-stream/schema");
        if (union.has("$ref")) {
            union = document.at(union.path("$ref").asString().substring(1));
        }
        Map<String, String> byType = new TreeMap<>();
        for (String combinator : List.of("anyOf", "oneOf")) {
            for (JsonNode member : union.path(combinator)) {
                String pointer = member.path("$ref").asString().substring(1);
                for (JsonNode type :
                        document.at(pointer).path("properties").path("type").path("enum")) {
                    byType.put(type.asString(), pointer);
                }
            }
        }
        return byType;
    }

    private void validate(Spec spec, String pointer, JsonNode instance, List<String> found) {
        Schema schema = schemas.computeIfAbsent(spec + pointer, key -> {
            Schema loaded = registry.getSchema(SchemaLocation.of("classpath:specs/" + spec.file + "#" + pointer));
            loaded.initializeValidators();
            return loaded;
        });
        for (Error error : schema.validate(instance)) {
            found.add(spec + " " + pointer + ": " + error);
        }
    }

    private void report(String what, JsonNode instance, List<String> found) {
        if (found.isEmpty()) {
            return;
        }
        String message = what + " does not conform:\n  " + String.join("\n  ", found) + "\n in " + instance;
        violations.add(message);
        throw new AssertionError(message);
    }

    private JsonNode document(Spec spec) {
        return Objects.requireNonNull(documents.get(spec));
    }

    private static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1");
    }
}
