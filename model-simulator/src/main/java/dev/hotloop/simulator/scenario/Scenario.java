package dev.hotloop.simulator.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A script for the simulator: the first step whose condition matches the conversation decides the reply;
 * when none matches, the simulator's default behaviour applies.
 */
public record Scenario(List<ScenarioStep> steps) {

    private static final Scenario EMPTY = new Scenario(List.of());

    public Scenario {
        steps = List.copyOf(steps);
    }

    /** The file formats a scenario is written in. */
    @SuppressWarnings("ImmutableEnumChecker") // a configured mapper is not changed after it is built
    public enum Format {
        YAML(configured(YAMLMapper.builder())),
        JSON(configured(JsonMapper.builder()));

        private final ObjectMapper mapper;

        Format(ObjectMapper mapper) {
            this.mapper = mapper;
        }

        /** The format a file's extension names: {@code .yaml}, {@code .yml} or {@code .json}. */
        public static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                return YAML;
            }
            if (name.endsWith(".json")) {
                return JSON;
            }
            throw new IllegalArgumentException("Invalid scenario " + file + ": expected a .yaml, .yml or .json file");
        }

        // a typo in a key must fail at load, not silently make a condition match everything
        private static ObjectMapper configured(MapperBuilder<?, ?> builder) {
            return builder.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .build();
        }
    }

    /** The scenario without steps: the default behaviour always applies. */
    public static Scenario empty() {
        return EMPTY;
    }

    /**
     * Reads a scenario file, in the format its extension names.
     *
     * @throws IllegalArgumentException when the file is not a valid scenario, naming the faulty step
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static Scenario load(Path file) {
        Format format = Format.of(file);
        try {
            return parse(Files.readString(file), format, "Invalid scenario " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read scenario " + file, e);
        }
    }

    /**
     * Parses a scenario document: an object whose {@code steps} list holds the steps.
     *
     * @throws IllegalArgumentException when the document is not a valid scenario, naming the faulty step
     */
    public static Scenario parse(String content, Format format) {
        return parse(content, format, "Invalid scenario");
    }

    /** The first step matching the conversation, if any. */
    public Optional<ScenarioStep> firstMatch(ContextFacts facts) {
        return steps.stream().filter(step -> step.matches(facts)).findFirst();
    }

    private static Scenario parse(String content, Format format, String invalid) {
        JsonNode root;
        try {
            root = format.mapper.readTree(content);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(invalid + ": not valid " + format + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("steps").isArray() || root.size() != 1) {
            throw new IllegalArgumentException(invalid + ": expected an object with a 'steps' list and nothing else");
        }
        List<ScenarioStep> steps = new ArrayList<>();
        for (JsonNode step : root.path("steps")) {
            try {
                steps.add(format.mapper.treeToValue(step, ScenarioStep.class));
            } catch (JacksonException | IllegalArgumentException e) {
                throw new IllegalArgumentException(invalid + ": step " + (steps.size() + 1) + ": " + reason(e), e);
            }
        }
        return new Scenario(steps);
    }

    // say what is wrong in the scenario's terms, not in Jackson's
    private static @Nullable String reason(RuntimeException e) {
        return switch (e) {
            case UnrecognizedPropertyException unknown ->
                "unknown key '" + unknown.getPropertyName() + "' (known: " + unknown.getKnownPropertyIds() + ")";
            case InvalidTypeIdException unknown ->
                "unknown output '" + unknown.getTypeId() + "' (expected message or function_call)";
            case ValueInstantiationException wrapped
            when wrapped.getCause() != null -> wrapped.getCause().getMessage();
            case JacksonException jackson -> jackson.getOriginalMessage();
            default -> e.getMessage();
        };
    }
}
