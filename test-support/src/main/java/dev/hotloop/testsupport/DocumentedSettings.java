package dev.hotloop.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;

/**
 * The settings of a module as its README documents them and as its build knows them, both as property name → default
 * ({@link #NONE} when there is none), so that a test can hold one to the other and the README cannot drift.
 */
public final class DocumentedSettings {

    /** The default of a setting that has none (a README says so in words, such as "none" or "on when …"). */
    public static final String NONE = "(none)";

    /** The metadata the configuration processor writes, relative to a module's directory. */
    public static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");

    private static final Pattern ROW = Pattern.compile("^\\| (`[^|]+`) \\| ([^|]+) \\|", Pattern.MULTILINE);
    private static final Pattern SLASH = Pattern.compile(" / ");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    private static final Pattern CODE_LIST = Pattern.compile("`[^`]*`(, `[^`]*`)*");

    private DocumentedSettings() {}

    /**
     * The rows of the README's tables whose property starts with {@code prefix}. A row may name several properties of
     * one group, {@code `a.b.c` / `d`} (that is {@code a.b.c} and {@code a.b.d}), with as many defaults,
     * {@code `1` / `2`}. A default is a value in backticks, or a list of them separated by commas; anything else is
     * words for {@link #NONE}.
     */
    public static Map<String, String> inReadme(Path readme, String prefix) {
        Map<String, String> settings = new TreeMap<>();
        Matcher row = ROW.matcher(read(readme));
        while (row.find()) {
            String[] names = SLASH.split(row.group(1));
            String[] defaults = SLASH.split(row.group(2).strip());
            String first = unquote(names[0]);
            if (!first.startsWith(prefix)) {
                continue;
            }
            String group = first.substring(0, first.lastIndexOf('.') + 1);
            for (int i = 0; i < names.length; i++) {
                String name = i == 0 ? first : group + unquote(names[i]);
                settings.put(name, defaultOf(defaults.length == names.length ? defaults[i] : defaults[0]));
            }
        }
        return settings;
    }

    /** The properties starting with {@code prefix} in a module's generated configuration metadata. */
    public static Map<String, String> inMetadata(Path metadata, String prefix) {
        try (InputStream json = Files.newInputStream(metadata)) {
            Map<String, String> settings = new TreeMap<>();
            for (ConfigurationMetadataProperty property : ConfigurationMetadataRepositoryJsonBuilder.create(json)
                    .build()
                    .getAllProperties()
                    .values()) {
                if (property.getId().startsWith(prefix)) {
                    settings.put(property.getId(), text(property.getDefaultValue()));
                }
            }
            return settings;
        } catch (IOException e) {
            throw new UncheckedIOException("No configuration metadata at " + metadata.toAbsolutePath(), e);
        }
    }

    private static String defaultOf(String cell) {
        String value = cell.strip();
        if (!CODE_LIST.matcher(value).matches()) {
            return NONE;
        }
        return CODE.matcher(value).results().map(code -> code.group(1)).collect(Collectors.joining(", "));
    }

    private static String text(Object value) {
        return switch (value) {
            case null -> NONE;
            case Object[] values when values.length == 0 -> NONE;
            case Object[] values -> Arrays.stream(values).map(String::valueOf).collect(Collectors.joining(", "));
            case Collection<?> values when values.isEmpty() -> NONE;
            case Collection<?> values -> values.stream().map(String::valueOf).collect(Collectors.joining(", "));
            case Map<?, ?> values when values.isEmpty() -> NONE;
            // the processor writes a list of several defaults as one string in brackets
            case String list when list.startsWith("[") && list.endsWith("]") -> list.substring(1, list.length() - 1);
            default -> String.valueOf(value);
        };
    }

    private static String unquote(String code) {
        return code.strip().replace("`", "");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
