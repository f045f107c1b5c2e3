package dev.hotloop.toolrunner.registry;

import dev.hotloop.protocol.error.ApiException;
import dev.hotloop.protocol.error.ErrorCodes;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A configured tool's command line, e.g. {@code ["/usr/bin/grep", "-n", "--", "{pattern}", "{file}"]}. An element that
 * is exactly {@code {name}} is a placeholder: it becomes that argument's value as one element (an array argument gives
 * one element per item, an absent optional argument none). Placeholders inside a larger element are refused when the
 * tool is loaded, so a value can never be spliced into another element, and nothing here ever goes through a shell.
 *
 * <p>Arguments whose schema says {@code "format": "workspace-path"} must name a path inside the workspace: relative,
 * or under {@code /workspace/}, and not climbing out with {@code ..}. They are passed as {@code ./<normalized path>},
 * which can never be mistaken for an option.
 */
final class ArgvTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<String> SCALARS = Set.of("string", "integer", "number", "boolean", "null");
    private static final String WORKSPACE_PREFIX = "/workspace/";

    private final List<Element> elements;

    private ArgvTemplate(List<Element> elements) {
        this.elements = elements;
    }

    /**
     * @param schema the tool's validated parameters schema (an object schema)
     * @throws IllegalArgumentException when the template is malformed or names an undeclared or non-scalar parameter
     */
    static ArgvTemplate parse(List<String> argv, JsonNode schema, String where) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException(where + " must name a program");
        }
        JsonNode properties = schema.path("properties");
        List<Element> elements = new ArrayList<>(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            String element = argv.get(i);
            String at = where + "[" + i + "]";
            if (element == null || element.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(at + " must be a string without NUL");
            }
            Matcher whole = PLACEHOLDER.matcher(element);
            if (whole.matches()) {
                if (i == 0) {
                    throw new IllegalArgumentException(at + ": the program must be fixed, not a placeholder");
                }
                String name = whole.group(1);
                JsonNode property = properties.get(name);
                if (property == null) {
                    throw new IllegalArgumentException(
                            at + ": {" + name + "} is not a property of the parameters schema");
                }
                checkPlaceable(property, at);
                elements.add(new Element(null, name, isPath(property) || isPath(property.path("items"))));
            } else if (PLACEHOLDER.matcher(element).find()) {
                throw new IllegalArgumentException(at + ": a placeholder must be a whole element, such as \"{file}\", "
                        + "never part of one (\"" + element + "\")");
            } else {
                if (i == 0 && !Path.of(element).isAbsolute()) {
                    throw new IllegalArgumentException(
                            at + ": the program must be an absolute path inside the sandbox, such as /usr/bin/wc");
                }
                elements.add(new Element(element, null, false));
            }
        }
        return new ArgvTemplate(List.copyOf(elements));
    }

    /**
     * The argv for validated arguments.
     *
     * @throws ApiException 400 for a value no argv can carry (NUL) or a path that leaves the workspace
     */
    List<String> render(JsonNode arguments) {
        List<String> argv = new ArrayList<>();
        for (Element element : elements) {
            if (element.literal() != null) {
                argv.add(element.literal());
                continue;
            }
            JsonNode value = arguments.get(element.parameter());
            String param = "arguments." + element.parameter();
            if (value == null || value.isNull()) {
                continue;
            }
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    argv.add(scalar(value.get(i), param + "[" + i + "]", element.path()));
                }
            } else {
                argv.add(scalar(value, param, element.path()));
            }
        }
        return argv;
    }

    private static String scalar(JsonNode value, String param, boolean path) {
        if (value.isContainer() || value.isNull()) {
            throw ApiException.invalidType(
                    param,
                    "a string, number or boolean",
                    value.isArray() ? "an array" : value.isNull() ? "null" : "an object");
        }
        String text = value.asString();
        if (text.indexOf('\0') >= 0) {
            throw ApiException.invalidRequest(
                    param, ErrorCodes.INVALID_VALUE, "'" + param + "' must not contain NUL characters.");
        }
        return path ? workspacePath(text, param) : text;
    }

    /**
     * A path argument as {@code ./<normalized>}, relative to the workspace the tool runs in.
     *
     * @throws ApiException 400 when it is absolute outside {@code /workspace}, or climbs out of it
     */
    static String workspacePath(String value, String param) {
        String relative = value.equals("/workspace")
                ? "."
                : value.startsWith(WORKSPACE_PREFIX) ? value.substring(WORKSPACE_PREFIX.length()) : value;
        Path normalized;
        try {
            normalized = Path.of(relative).normalize();
        } catch (InvalidPathException e) {
            throw outside(param);
        }
        if (relative.isEmpty()
                || normalized.isAbsolute()
                || (normalized.getNameCount() > 0
                        && normalized.getName(0).toString().equals(".."))) {
            throw outside(param);
        }
        String path = normalized.toString();
        return path.isEmpty() ? "." : "./" + path;
    }

    private static ApiException outside(String param) {
        return ApiException.invalidRequest(
                param,
                ErrorCodes.INVALID_VALUE,
                "'" + param + "' must be a path inside the workspace, such as notes/today.txt.");
    }

    private static boolean isPath(JsonNode property) {
        return JsonSchema.WORKSPACE_PATH.equals(property.path("format").asString(""));
    }

    /** A placeholder's parameter must be declared scalar, or an array of scalars. */
    private static void checkPlaceable(JsonNode property, String at) {
        var types = JsonSchema.types(property);
        if (types == null) {
            throw new IllegalArgumentException(
                    at + ": the parameter needs a \"type\" (a scalar, or an array of scalars)");
        }
        if (types.contains("object")) {
            throw new IllegalArgumentException(at + ": an object parameter cannot fill an argv element");
        }
        if (types.contains("array")) {
            var itemTypes = JsonSchema.types(property.path("items"));
            if (itemTypes == null || !SCALARS.containsAll(itemTypes)) {
                throw new IllegalArgumentException(at + ": an array parameter needs \"items\" of a scalar \"type\"");
            }
        }
    }

    /**
     * @param literal   the fixed text, or null for a placeholder
     * @param parameter the parameter of a placeholder
     * @param path      whether the parameter is a workspace path
     */
    private record Element(
            @Nullable String literal, @Nullable String parameter, boolean path) {}
}
