package dev.hotloop.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The chart in helm/hotloop, rendered by real Helm (helm-java's embedded library) and parsed by fabric8. */
final class HotloopChart {

    static final Path ROOT =
            Path.of(System.getProperty("hotloop.root", "..")).toAbsolutePath().normalize();
    static final Path CHART = ROOT.resolve("helm/hotloop");
    static final Path DASHBOARDS = CHART.resolve("files/dashboards");
    static final Path ALERTS = CHART.resolve("files/alerts/hotloop-alerts.yaml");
    static final String RELEASE = "hotloop";
    static final String KUBE_VERSION = "v1.31.0";

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private HotloopChart() {}

    /** The ci/*-values.yaml scenarios, by name. */
    static List<Path> scenarios() {
        try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
            return files.filter(file -> file.getFileName().toString().endsWith("-values.yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code helm template hotloop helm/hotloop [-f valuesFile] [--set key=value...]}; Helm's errors are thrown. */
    static String template(Path valuesFile, Map<String, ?> set) {
        return template(RELEASE, valuesFile, set);
    }

    static String template(String release, Path valuesFile, Map<String, ?> set) {
        TemplateCommand command = new Helm(CHART).template().withName(release).withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            command.withValuesFile(valuesFile);
        }
        set.forEach(command::set);
        return command.call();
    }

    static Rendered render(Path valuesFile) {
        return Rendered.of(template(valuesFile, Map.of()));
    }

    static Rendered render(Map<String, ?> set) {
        return Rendered.of(template(null, set));
    }

    /** Every non-empty document of a multi-document YAML stream, parsed (unknown kinds as generic resources). */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> resources = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
            if (document.lines()
                    .anyMatch(line -> !line.isBlank() && !line.stripLeading().startsWith("#"))) {
                resources.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
            }
        }
        return resources;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
