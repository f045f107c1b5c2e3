package dev.hotloop.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartTest {

    @Test
    void helmLintPassesStrictly() {
        LintResult result = new Helm(HotloopChart.CHART).lint().strict().call();

        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    }

    @Test
    void chartVersionIsTheReleasedOne() {
        assertThat(HotloopChart.read(HotloopChart.CHART.resolve("Chart.yaml"))).contains("\nversion: 0.1.0\n");
    }

    @Test
    void longestReleaseNameStillGivesDistinctNamesOfAtMost63Characters() {
        String release = "r".repeat(53); // Helm's maximum
        List<HasMetadata> resources = HotloopChart.parse(HotloopChart.template(release, null,
                Map.of("toolRunner.enabled", true, "networkPolicy.enabled", true, "sessionService.replicas", 2)));

        List<String> names = resources.stream().map(r -> r.getKind() + "/" + r.getMetadata().getName()).toList();
        assertThat(names).doesNotHaveDuplicates();
        assertThat(resources).allSatisfy(r -> assertThat(r.getMetadata().getName()).hasSizeLessThanOrEqualTo(63)
                .doesNotEndWith("-"));
        assertThat(resources).map(r -> r.getMetadata().getName())
                .contains(release.substring(0, 38) + "-session-service-headless", release + "-hot-redis");
    }

    @Test
    void fullnameOverrideIsTruncatedTo63Characters() {
        Rendered chart = HotloopChart.render(Map.of("fullnameOverride", "f".repeat(70)));

        assertThat(chart.resources()).allSatisfy(r -> assertThat(r.getMetadata().getName()).hasSizeLessThanOrEqualTo(63));
        assertThat(chart.all(Deployment.class)).map(d -> d.getMetadata().getName())
                .contains("f".repeat(51) + "-api-service");
    }

    @Test
    void schemaRejectsInvalidValues() {
        assertThatThrownBy(() -> HotloopChart.render(Map.of("apiService.replicas", 0))).hasMessageContaining("replicas");
        assertThatThrownBy(() -> HotloopChart.render(Map.of("apiServices.replicas", 2))).hasMessageContaining("apiServices");
        assertThatThrownBy(() -> HotloopChart.render(Map.of("image.pullPolicy", "Sometimes"))).hasMessageContaining("pullPolicy");
    }

    @Test
    void externalRedisNeedsAHost() {
        assertThatThrownBy(() -> HotloopChart.render(Map.of("redis.enabled", false))).hasMessageContaining("host");
    }

    @Test
    void toolRunnerSandboxSecurityContextIsConfigurable() {
        Rendered chart = HotloopChart.render(Map.of("toolRunner.enabled", true,
                "toolRunner.securityContext.seccompProfile.type", "Localhost",
                "toolRunner.securityContext.seccompProfile.localhostProfile", "profiles/hotloop-bwrap.json"));

        SecurityContext security = chart.container("hotloop-tool-runner").getSecurityContext();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("Localhost");
        assertThat(security.getSeccompProfile().getLocalhostProfile()).isEqualTo("profiles/hotloop-bwrap.json");
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(chart.container("hotloop-tool-runner").getVolumeMounts())
                .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/workspace"));
        // the other services keep the runtime's default profile
        assertThat(chart.container("hotloop-api-service").getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
    }

    @Test
    void imagesFollowRegistryRepositoryAndTagOverrides() {
        Rendered chart = HotloopChart.render(Map.of("image.registry", "registry.example", "image.tag", "1.2.3",
                "sessionService.image.repository", "mirror.example/session", "sessionService.image.tag", "v9"));

        assertThat(chart.container("hotloop-api-service").getImage()).isEqualTo("registry.example/hotloop/api-service:1.2.3");
        assertThat(chart.container("hotloop-session-service").getImage()).isEqualTo("mirror.example/session:v9");
    }
}
