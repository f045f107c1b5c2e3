package dev.hotloop.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ChartTest {

    @Test
    void helmLintPassesStrictly() {
        LintResult result = new Helm(HotloopChart.CHART).lint().strict().call();

        assertThat(result.isFailed())
                .as("helm lint --strict: %s", result.getMessages())
                .isFalse();
    }

    @Test
    void chartVersionIsTheReleasedOne() {
        assertThat(HotloopChart.read(HotloopChart.CHART.resolve("Chart.yaml"))).contains("\nversion: 0.2.2\n");
    }

    @Test
    void longestReleaseNameStillGivesDistinctNamesOfAtMost63Characters() {
        String release = "r".repeat(53); // Helm's maximum
        List<HasMetadata> resources = HotloopChart.parse(HotloopChart.template(
                release,
                null,
                Map.of(
                        "toolRunner.enabled",
                        true,
                        "networkPolicy.enabled",
                        true,
                        "networkPolicy.egress.enabled",
                        true,
                        "sessionService.replicas",
                        2)));

        List<String> names = resources.stream()
                .map(r -> r.getKind() + "/" + r.getMetadata().getName())
                .toList();
        assertThat(names).doesNotHaveDuplicates();
        assertThat(resources)
                .allSatisfy(r -> assertThat(r.getMetadata().getName())
                        .hasSizeLessThanOrEqualTo(63)
                        .doesNotEndWith("-"));
        assertThat(resources)
                .map(r -> r.getMetadata().getName())
                .contains(release.substring(0, 38) + "-session-service-headless", release + "-hot-redis");
    }

    @Test
    void fullnameOverrideIsTruncatedTo63Characters() {
        Rendered chart = HotloopChart.render(Map.of("fullnameOverride", "f".repeat(70)));

        assertThat(chart.resources())
                .allSatisfy(r -> assertThat(r.getMetadata().getName()).hasSizeLessThanOrEqualTo(63));
        assertThat(chart.all(Deployment.class))
                .map(d -> d.getMetadata().getName())
                .contains("f".repeat(51) + "-api-service");
    }

    @Test
    void schemaRejectsInvalidValues() {
        assertThatThrownBy(() -> HotloopChart.render(Map.of("apiService.replicas", 0)))
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> HotloopChart.render(Map.of("apiServices.replicas", 2)))
                .hasMessageContaining("apiServices");
        assertThatThrownBy(() -> HotloopChart.render(Map.of("image.pullPolicy", "Sometimes")))
                .hasMessageContaining("pullPolicy");
    }

    @Test
    void egressPoliciesLetEachPodReachOnlyWhatItCalls() {
        String dns = "{k8s-app=kube-dns} in any namespace";
        assertThat(HotloopChart.render(Map.of("networkPolicy.enabled", true)).all(NetworkPolicy.class))
                .as("egress stays open unless asked")
                .allSatisfy(
                        policy -> assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress"));

        Rendered chart = HotloopChart.render(Map.of(
                "networkPolicy.enabled",
                true,
                "networkPolicy.egress.enabled",
                true,
                "toolRunner.enabled",
                true,
                "networkPolicy.egress.upstreams[0].to[0].ipBlock.cidr",
                "203.0.113.0/24",
                "networkPolicy.egress.upstreams[0].ports[0].port",
                443,
                "networkPolicy.egress.otlp[0].to[0].ipBlock.cidr",
                "10.9.0.0/16",
                "networkPolicy.egress.otlp[0].ports[0].port",
                4318));

        assertThat(egress(chart, "hotloop-api-service-egress"))
                .containsExactly(
                        dns + " -> 53/UDP 53/TCP",
                        pods("redis") + " -> redis/TCP",
                        pods("session-service") + ", " + pods("tool-runner") + " -> http/TCP",
                        "203.0.113.0/24 -> 443",
                        "10.9.0.0/16 -> 4318");
        assertThat(egress(chart, "hotloop-session-service-egress"))
                .containsExactly(dns + " -> 53/UDP 53/TCP", pods("redis") + " -> redis/TCP", "10.9.0.0/16 -> 4318");
        assertThat(egress(chart, "hotloop-tool-runner-egress"))
                .as("tool-runner's sandboxes have no network: it calls nothing but its collector")
                .containsExactly(dns + " -> 53/UDP 53/TCP", "10.9.0.0/16 -> 4318");
        assertThat(egress(chart, "hotloop-redis-egress")).isEmpty();
    }

    @Test
    void egressToAnExternalRedisGoesToThePeersNamedForIt() {
        Map<String, Object> external = Map.of(
                "redis.enabled", false,
                "externalRedis.host", "redis.internal",
                "externalRedis.port", 6380,
                "networkPolicy.enabled", true,
                "networkPolicy.egress.enabled", true);
        assertThatThrownBy(() -> HotloopChart.render(external))
                .hasMessageContaining("networkPolicy.egress.externalRedis");

        Map<String, Object> named = new HashMap<>(external);
        named.put("networkPolicy.egress.externalRedis[0].ipBlock.cidr", "10.2.0.5/32");
        Rendered chart = HotloopChart.render(named);

        assertThat(egress(chart, "hotloop-session-service-egress")).contains("10.2.0.5/32 -> 6380/TCP");
        assertThat(egress(chart, "hotloop-api-service-egress")).contains("10.2.0.5/32 -> 6380/TCP");
        assertThat(chart.find(NetworkPolicy.class, "hotloop-redis-egress")).isEmpty();
    }

    /** A policy's egress rules, each as "peers -> ports"; the policy must be for egress alone. */
    private static List<String> egress(Rendered chart, String name) {
        NetworkPolicy policy = chart.get(NetworkPolicy.class, name);
        assertThat(policy.getSpec().getPolicyTypes()).as(name).containsExactly("Egress");
        return policy.getSpec().getEgress().stream()
                .map(rule -> rule.getTo().stream().map(ChartTest::peer).collect(Collectors.joining(", "))
                        + " -> "
                        + rule.getPorts().stream().map(ChartTest::port).collect(Collectors.joining(" ")))
                .toList();
    }

    private static String port(NetworkPolicyPort port) {
        Object number = port.getPort().getIntVal() != null
                ? port.getPort().getIntVal()
                : port.getPort().getStrVal();
        return number + (port.getProtocol() == null ? "" : "/" + port.getProtocol());
    }

    private static String peer(NetworkPolicyPeer peer) {
        if (peer.getIpBlock() != null) {
            return peer.getIpBlock().getCidr();
        }
        return peer.getPodSelector().getMatchLabels()
                + (peer.getNamespaceSelector() != null ? " in any namespace" : "");
    }

    /** The peer of a component's pods of this release, in the policy's own namespace. */
    private static String pods(String component) {
        return "{app.kubernetes.io/name=" + component + ", app.kubernetes.io/instance=" + HotloopChart.RELEASE + "}";
    }

    @Test
    void externalRedisNeedsAHost() {
        assertThatThrownBy(() -> HotloopChart.render(Map.of("redis.enabled", false)))
                .hasMessageContaining("host");
    }

    @Test
    void toolRunnerSandboxSecurityContextIsConfigurable() {
        Rendered chart = HotloopChart.render(Map.of(
                "toolRunner.enabled",
                true,
                "toolRunner.securityContext.seccompProfile.type",
                "Localhost",
                "toolRunner.securityContext.seccompProfile.localhostProfile",
                "profiles/hotloop-bwrap.json"));

        SecurityContext security = chart.container("hotloop-tool-runner").getSecurityContext();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("Localhost");
        assertThat(security.getSeccompProfile().getLocalhostProfile()).isEqualTo("profiles/hotloop-bwrap.json");
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(chart.container("hotloop-tool-runner").getVolumeMounts())
                .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/workspace"));
        // the other services keep the runtime's default profile
        assertThat(chart.container("hotloop-api-service")
                        .getSecurityContext()
                        .getSeccompProfile()
                        .getType())
                .isEqualTo("RuntimeDefault");
    }

    @Test
    void imagesFollowRegistryRepositoryAndTagOverrides() {
        Rendered chart = HotloopChart.render(Map.of(
                "image.registry",
                "registry.example",
                "image.tag",
                "1.2.3",
                "sessionService.image.repository",
                "mirror.example/session",
                "sessionService.image.tag",
                "v9"));

        assertThat(chart.container("hotloop-api-service").getImage())
                .isEqualTo("registry.example/hotloop/api-service:1.2.3");
        assertThat(chart.container("hotloop-session-service").getImage()).isEqualTo("mirror.example/session:v9");
    }

    @Test
    void globalImageRegistryAndDigestsPinEveryImage() {
        String digest = "sha256:" + "ab".repeat(32);
        Rendered chart = HotloopChart.render(Map.of(
                "global.imageRegistry",
                "mirror.internal:5000",
                "apiService.image.digest",
                digest,
                "redis.image.digest",
                digest,
                "toolRunner.enabled",
                true));

        assertThat(chart.container("hotloop-api-service").getImage())
                .isEqualTo("mirror.internal:5000/hotloop/api-service:0.1.0@" + digest);
        assertThat(chart.container("hotloop-tool-runner").getImage())
                .isEqualTo("mirror.internal:5000/hotloop/tool-runner-service:0.1.0");
        assertThat(chart.get(StatefulSet.class, "hotloop-redis")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("mirror.internal:5000/library/redis:7.4.2-alpine@" + digest);
        assertThatThrownBy(() -> HotloopChart.render(Map.of("apiService.image.digest", "latest")))
                .hasMessageContaining("digest");
    }

    @Test
    void modelRoutesAreMountedAsModelsYmlWithKeysFromSecrets() {
        Rendered chart = HotloopChart.render(Map.of(
                "models.config.default-model",
                "qwen",
                "models.config.routes.qwen[0].provider",
                "openai-chat",
                "models.config.routes.qwen[0].url",
                "http://vllm:8000/v1",
                "models.config.routes.qwen[0].api-key-env",
                "VLLM_API_KEY",
                "models.apiKeys[0].env",
                "VLLM_API_KEY",
                "models.apiKeys[0].secretName",
                "vllm",
                "models.apiKeys[0].secretKey",
                "api-key"));

        assertThat(chart.env("hotloop-api-service", "VLLM_API_KEY")).contains("secret:vllm/api-key");
        assertThat(chart.env("hotloop-api-service", "SPRING_CONFIG_ADDITIONALLOCATION"))
                .contains("file:/etc/hotloop/models/models.yml");
        assertThat(chart.container("hotloop-api-service").getVolumeMounts())
                .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/etc/hotloop/models"));
        JsonNode models = ScenarioValues.YAML.readTree(
                chart.configMap("hotloop-models").getData().get("models.yml"));
        assertThat(models.at("/hotloop/model/default-model").asString()).isEqualTo("qwen");
        assertThat(models.at("/hotloop/model/routes/qwen/0/url").asString()).isEqualTo("http://vllm:8000/v1");
        assertThat(models.toString()).doesNotContain("secret");

        Rendered fromSecret = HotloopChart.render(
                Map.of("models.existingSecret", "hotloop-models", "models.existingKey", "routes.yml"));
        Deployment api = fromSecret.get(Deployment.class, "hotloop-api-service");
        assertThat(api.getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(volume -> volume.getSecret() != null)
                .singleElement()
                .satisfies(volume -> {
                    assertThat(volume.getSecret().getSecretName()).isEqualTo("hotloop-models");
                    assertThat(volume.getSecret().getItems()).singleElement().satisfies(item -> {
                        assertThat(item.getKey()).isEqualTo("routes.yml");
                        assertThat(item.getPath()).isEqualTo("models.yml");
                    });
                });
        assertThat(fromSecret.find(ConfigMap.class, "hotloop-models")).isEmpty();
        // without models the simulator serves, and nothing is mounted
        assertThat(HotloopChart.render(Map.of()).env("hotloop-api-service", "SPRING_CONFIG_ADDITIONALLOCATION"))
                .isEmpty();
    }

    @Test
    void extraEnvVolumesAndInitContainersReachThePod() {
        Rendered chart = HotloopChart.render(Map.of(
                "sessionService.extraEnv[0].name",
                "HOTLOOP_SESSION_TTL",
                "sessionService.extraEnv[0].value",
                "7d",
                "sessionService.extraVolumes[0].name",
                "ca",
                "sessionService.extraVolumes[0].configMap.name",
                "corp-ca",
                "sessionService.extraVolumeMounts[0].name",
                "ca",
                "sessionService.extraVolumeMounts[0].mountPath",
                "/etc/corp-ca",
                "sessionService.initContainers[0].name",
                "wait",
                "sessionService.initContainers[0].image",
                "busybox"));

        var pod = chart.get(Deployment.class, "hotloop-session-service")
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(chart.env("hotloop-session-service", "HOTLOOP_SESSION_TTL")).contains("7d");
        assertThat(pod.getVolumes())
                .filteredOn(volume -> volume.getConfigMap() != null)
                .anySatisfy(
                        volume -> assertThat(volume.getConfigMap().getName()).isEqualTo("corp-ca"));
        assertThat(pod.getContainers().getFirst().getVolumeMounts())
                .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/etc/corp-ca"));
        assertThat(pod.getInitContainers())
                .singleElement()
                .satisfies(init -> assertThat(init.getName()).isEqualTo("wait"));
    }

    @Test
    void podsSpreadOverZonesAndNodesByDefault() {
        Rendered chart = HotloopChart.render(Map.of());

        var spread = chart.get(Deployment.class, "hotloop-api-service")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getTopologySpreadConstraints();
        assertThat(spread)
                .extracting(c -> c.getTopologyKey())
                .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
        assertThat(spread).allSatisfy(c -> {
            assertThat(c.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
            assertThat(c.getLabelSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "api-service");
        });
        assertThat(HotloopChart.render(Map.of("topologySpread.enabled", false))
                        .get(Deployment.class, "hotloop-api-service")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getTopologySpreadConstraints())
                .isNullOrEmpty();
    }

    @Test
    void autoscalerScalesDownSlowly() {
        HorizontalPodAutoscaler hpa = HotloopChart.render(Map.of("apiService.autoscaling.enabled", true))
                .get(HorizontalPodAutoscaler.class, "hotloop-api-service");

        assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
                .isEqualTo(600);
        assertThat(hpa.getSpec().getBehavior().getScaleDown().getPolicies())
                .singleElement()
                .satisfies(policy -> assertThat(policy.getValue()).isEqualTo(1));
    }

    @Test
    void ingressAndHttpRouteReachOnlyTheApiPortWithStreamingFriendlySettings() {
        Rendered chart = HotloopChart.render(Map.of(
                "ingress.enabled",
                true,
                "ingress.hosts[0]",
                "hotloop.example.com",
                "httpRoute.enabled",
                true,
                "httpRoute.parentRefs[0].name",
                "public"));

        Ingress ingress = chart.get(Ingress.class, "hotloop-api-service");
        assertThat(ingress.getSpec().getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getHost()).isEqualTo("hotloop.example.com");
            assertThat(rule.getHttp().getPaths())
                    .singleElement()
                    .satisfies(path -> assertThat(
                                    path.getBackend().getService().getPort().getName())
                            .isEqualTo("http"));
        });
        assertThat(ingress.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "32m");

        JsonNode route = Rendered.tree(chart.all("HTTPRoute").getFirst());
        assertThat(route.at("/apiVersion").asString()).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(route.at("/spec/parentRefs/0/name").asString()).isEqualTo("public");
        assertThat(route.at("/spec/rules/0/backendRefs/0/name").asString()).isEqualTo("hotloop-api-service");
        assertThat(route.at("/spec/rules/0/backendRefs/0/port").asInt()).isEqualTo(8080);
        assertThat(route.at("/spec/rules/0/timeouts/request").asString()).isEqualTo("0s");
        assertThatThrownBy(() -> HotloopChart.render(Map.of("httpRoute.enabled", true)))
                .hasMessageContaining("parentRefs");
    }

    @Test
    void toolRunnerSandboxOptionsRender() {
        Rendered gvisor = HotloopChart.render(Map.of(
                "toolRunner.enabled",
                true,
                "toolRunner.runtimeClassName",
                "gvisor",
                "toolRunner.hostUsers",
                true,
                "toolRunner.securityContext.procMount",
                "Default"));
        var pod = gvisor.get(Deployment.class, "hotloop-tool-runner")
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getRuntimeClassName()).isEqualTo("gvisor");
        assertThat(pod.getHostUsers()).isTrue();
        assertThat(pod.getContainers().getFirst().getSecurityContext().getProcMount())
                .isEqualTo("Default");

        Rendered privileged = HotloopChart.render(Map.of(
                "toolRunner.enabled",
                true,
                "toolRunner.hostUsers",
                true,
                "toolRunner.securityContext.procMount",
                "Default",
                "toolRunner.securityContext.privileged",
                true,
                "toolRunner.securityContext.allowPrivilegeEscalation",
                true));
        SecurityContext security = privileged.container("hotloop-tool-runner").getSecurityContext();
        assertThat(security.getPrivileged()).isTrue();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(privileged
                        .container("hotloop-api-service")
                        .getSecurityContext()
                        .getPrivileged())
                .isNull();
    }

    @Test
    void toolRunnerWorkspacesMayLiveOnASharedVolume() {
        Rendered chart = HotloopChart.render(Map.of(
                "toolRunner.enabled",
                true,
                "toolRunner.workspace.volume.persistentVolumeClaim.claimName",
                "workspaces"));

        var volumes = chart.get(Deployment.class, "hotloop-tool-runner")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes();
        assertThat(volumes)
                .filteredOn(volume -> volume.getName().equals("workspace"))
                .singleElement()
                .satisfies(volume -> {
                    assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("workspaces");
                    assertThat(volume.getEmptyDir()).isNull();
                });
    }

    @Test
    void everyValueHasADescriptionAndItsDefaultInTheSchema() {
        JsonNode schema =
                ScenarioValues.YAML.readTree(HotloopChart.read(HotloopChart.CHART.resolve("values.schema.json")));
        JsonNode values = ScenarioValues.YAML.readTree(HotloopChart.read(HotloopChart.CHART.resolve("values.yaml")));

        List<String> problems = new ArrayList<>();
        checkDocumented(schema, values, "", problems);
        assertThat(problems).isEmpty();
    }

    /** Each value's schema has a description and, as default, the value itself; objects are walked where the schema lists properties. */
    private static void checkDocumented(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (!path.isEmpty()) {
            if (schema.path("description").asString("").isBlank()) {
                problems.add(path + ": no description");
            }
            if (!value.equals(schema.get("default"))) {
                problems.add(path + ": default " + schema.get("default") + " is not the value " + value);
            }
        }
        if (value.isObject() && schema.has("properties")) {
            for (var field : value.properties()) {
                JsonNode property = schema.get("properties").get(field.getKey());
                if (property == null) {
                    problems.add(path + "/" + field.getKey() + ": not in the schema");
                } else {
                    checkDocumented(property, field.getValue(), path + "/" + field.getKey(), problems);
                }
            }
        }
    }
}
