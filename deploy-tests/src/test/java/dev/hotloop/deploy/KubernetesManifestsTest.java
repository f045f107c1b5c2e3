package dev.hotloop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class KubernetesManifestsTest {

    /** Files in k8s that are not generated. */
    private static final Set<String> SOURCES = Set.of("values.yaml", "generate", "README.md");

    @Test
    void committedManifestsEqualAFreshRender() throws IOException {
        Map<String, String> fresh = KubernetesManifests.render();
        if (Boolean.getBoolean("hotloop.k8s.update")) {
            write(fresh);
        }
        assertThat(committed())
                .as("k8s is stale: run k8s/generate and commit the result")
                .isEqualTo(new TreeMap<>(fresh));
    }

    @Test
    void manifestsParseAndNeedNoGeneratedSecret() {
        Map<String, String> fresh = KubernetesManifests.render();
        var resources = fresh.entrySet().stream()
                .filter(e -> !e.getKey().equals("kustomization.yaml"))
                .flatMap(e -> HotloopChart.parse(e.getValue()).stream())
                .toList();
        assertThat(resources)
                .extracting(r -> r.getKind())
                .contains("Deployment", "Service", "StatefulSet", "ConfigMap")
                .doesNotContain("Secret");
    }

    private static Map<String, String> committed() throws IOException {
        try (Stream<Path> files = Files.list(KubernetesManifests.DIRECTORY)) {
            return files.filter(file -> !SOURCES.contains(file.getFileName().toString()))
                    .collect(Collectors.toMap(
                            file -> file.getFileName().toString(), HotloopChart::read, (a, b) -> a, TreeMap::new));
        }
    }

    private static void write(Map<String, String> fresh) throws IOException {
        for (String stale : committed().keySet()) {
            if (!fresh.containsKey(stale)) {
                Files.delete(KubernetesManifests.DIRECTORY.resolve(stale));
            }
        }
        for (Map.Entry<String, String> file : fresh.entrySet()) {
            Files.writeString(KubernetesManifests.DIRECTORY.resolve(file.getKey()), file.getValue());
        }
    }
}
