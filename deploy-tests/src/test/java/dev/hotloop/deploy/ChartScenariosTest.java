package dev.hotloop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every ci/*-values.yaml scenario, rendered by real Helm, holds the chart's invariants. */
class ChartScenariosTest {

    private static final Set<String> SELECTOR_KEYS = Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance");
    private static final String TOOL_RUNNER = "hotloop-tool-runner";
    private static final Map<Path, Rendered> RENDERED = new HashMap<>();

    static Stream<Named<Path>> scenarios() {
        return HotloopChart.scenarios().stream()
                .map(path -> Named.of(path.getFileName().toString(), path));
    }

    private static synchronized Rendered rendered(Path scenario) {
        return RENDERED.computeIfAbsent(scenario, HotloopChart::render);
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void selectorsUseOnlyNameAndInstance(Path scenario) {
        Rendered chart = rendered(scenario);
        List<Map<String, String>> selectors = new ArrayList<>();
        chart.all(Deployment.class)
                .forEach(d -> selectors.add(matchLabelsOnly(d.getSpec().getSelector())));
        chart.all(StatefulSet.class)
                .forEach(s -> selectors.add(matchLabelsOnly(s.getSpec().getSelector())));
        chart.all(PodDisruptionBudget.class)
                .forEach(p -> selectors.add(matchLabelsOnly(p.getSpec().getSelector())));
        chart.all(NetworkPolicy.class)
                .forEach(n -> selectors.add(matchLabelsOnly(n.getSpec().getPodSelector())));
        chart.all(Service.class).forEach(s -> selectors.add(s.getSpec().getSelector()));

        assertThat(selectors)
                .isNotEmpty()
                .allSatisfy(selector -> assertThat(selector.keySet()).isEqualTo(SELECTOR_KEYS));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void workloadsNeverShareASelectorAndServicesSelectTheirPods(Path scenario) {
        Rendered chart = rendered(scenario);
        Map<String, PodTemplateSpec> pods = chart.podTemplates();
        List<Map<String, String>> workloadSelectors = Stream.concat(
                        chart.all(Deployment.class).stream()
                                .map(d -> d.getSpec().getSelector().getMatchLabels()),
                        chart.all(StatefulSet.class).stream()
                                .map(s -> s.getSpec().getSelector().getMatchLabels()))
                .toList();
        assertThat(workloadSelectors).doesNotHaveDuplicates();

        for (Service service : chart.all(Service.class)) {
            Map<String, String> selector = service.getSpec().getSelector();
            assertThat(pods.values())
                    .as("pods selected by Service %s", service.getMetadata().getName())
                    .filteredOn(pod -> pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .hasSize(1);
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyContainerHasResourcesProbesAndAHardenedSecurityContext(Path scenario) {
        Rendered chart = rendered(scenario);
        assertThat(chart.podTemplates()).isNotEmpty().allSatisfy((workload, pod) -> {
            PodSecurityContext podSecurity = pod.getSpec().getSecurityContext();
            assertThat(podSecurity).as("%s pod securityContext", workload).isNotNull();
            assertThat(podSecurity.getRunAsNonRoot())
                    .as("%s runAsNonRoot", workload)
                    .isTrue();
            List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
            containers.addAll(pod.getSpec().getInitContainers());
            assertThat(containers).allSatisfy(container -> {
                String where = workload + "/" + container.getName();
                assertThat(container.getResources().getRequests())
                        .as("%s requests", where)
                        .containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits())
                        .as("%s limits", where)
                        .containsKey("memory");
                assertThat(container.getLivenessProbe())
                        .as("%s liveness probe", where)
                        .isNotNull();
                assertThat(container.getReadinessProbe())
                        .as("%s readiness probe", where)
                        .isNotNull();

                SecurityContext security = container.getSecurityContext();
                assertThat(security).as("%s securityContext", where).isNotNull();
                assertThat(security.getRunAsNonRoot())
                        .as("%s runAsNonRoot", where)
                        .isTrue();
                assertThat(security.getReadOnlyRootFilesystem())
                        .as("%s readOnlyRootFilesystem", where)
                        .isTrue();
                assertThat(security.getAllowPrivilegeEscalation())
                        .as("%s allowPrivilegeEscalation", where)
                        .isFalse();
                assertThat(security.getPrivileged()).as("%s privileged", where).isNotEqualTo(Boolean.TRUE);
                assertThat(security.getCapabilities().getDrop())
                        .as("%s dropped capabilities", where)
                        .containsExactly("ALL");
                assertThat(security.getCapabilities().getAdd())
                        .as("%s added capabilities", where)
                        .isNullOrEmpty();
                // bubblewrap needs unshare/clone(CLONE_NEWUSER)/mount, which the runtime's default seccomp profile
                // refuses,
                // and a /proc it may mount: unmasked, which Kubernetes allows only in a user-namespaced pod
                boolean sandbox = workload.equals(TOOL_RUNNER);
                assertThat(security.getSeccompProfile().getType())
                        .as("%s seccomp profile", where)
                        .isEqualTo(sandbox ? "Unconfined" : "RuntimeDefault");
                assertThat(security.getProcMount()).as("%s procMount", where).isEqualTo(sandbox ? "Unmasked" : null);
                assertThat(pod.getSpec().getHostUsers())
                        .as("%s hostUsers", where)
                        .isEqualTo(sandbox ? false : null);
                assertThat(security.getAppArmorProfile())
                        .as("%s AppArmor profile (Unconfined fails baseline)", where)
                        .isNull();
                assertThat(container.getVolumeMounts())
                        .as("%s writable /tmp", where)
                        .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
            });
            assertThat(pod.getSpec().getVolumes())
                    .as("%s /tmp volume", workload)
                    .anySatisfy(volume -> assertThat(volume.getEmptyDir()).isNotNull());
        });
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void hotloopServicesProbeTheActuatorHealthGroupsOnTheManagementPortOnly(Path scenario) {
        Rendered chart = rendered(scenario);
        ScenarioValues values = ScenarioValues.of(scenario);
        int management = values.integer("/managementPort");
        assertThat(chart.all(Deployment.class)).isNotEmpty().allSatisfy(deployment -> {
            Container container =
                    deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
            String name = deployment.getMetadata().getName();
            assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
            assertThat(List.of(
                            container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe()))
                    .allSatisfy(probe ->
                            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management"));
            assertThat(container.getPorts()).anySatisfy(port -> {
                assertThat(port.getName()).isEqualTo("management");
                assertThat(port.getContainerPort()).isEqualTo(management);
            });
            // the application moves /actuator off the API port only when told to
            assertThat(chart.env(name, "MANAGEMENT_SERVER_PORT")).contains(String.valueOf(management));
            assertThat(chart.env(name, "SERVER_PORT")).isNotEqualTo(chart.env(name, "MANAGEMENT_SERVER_PORT"));
            String image = container.getName().equals("tool-runner") ? "tool-runner-service" : container.getName();
            assertThat(container.getImage()).matches("ghcr\\.io/hotloop/" + image + ":[0-9].*");
        });
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void namesFitTheKubernetesLimitAndAreUnique(Path scenario) {
        Rendered chart = rendered(scenario);
        assertThat(chart.resources())
                .allSatisfy(resource -> assertThat(resource.getMetadata().getName())
                        .as("%s name", resource.getKind())
                        .hasSizeLessThanOrEqualTo(63)
                        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"));
        assertThat(chart.resources().stream()
                        .map(r -> r.getKind() + "/" + r.getMetadata().getName())
                        .toList())
                .doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void dashboardsConfigMapHoldsEveryDashboardFile(Path scenario) throws IOException {
        Rendered chart = rendered(scenario);
        ScenarioValues values = ScenarioValues.of(scenario);
        List<ConfigMap> dashboards = chart.all(ConfigMap.class).stream()
                .filter(c -> "1".equals(c.getMetadata().getLabels().get("grafana_dashboard")))
                .toList();
        if (!values.bool("/monitoring/dashboards/enabled")) {
            assertThat(dashboards).isEmpty();
            return;
        }
        Map<String, String> files;
        try (Stream<Path> list = Files.list(HotloopChart.DASHBOARDS)) {
            files = list.collect(Collectors.toMap(f -> f.getFileName().toString(), HotloopChart::read));
        }
        assertThat(files).isNotEmpty();
        assertThat(dashboards)
                .singleElement()
                .satisfies(configMap -> assertThat(configMap.getData()).isEqualTo(files));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void networkPoliciesOnlyWhenEnabledAndThenAdmitOnlyTheCaller(Path scenario) {
        Rendered chart = rendered(scenario);
        ScenarioValues values = ScenarioValues.of(scenario);
        List<NetworkPolicy> policies = chart.all(NetworkPolicy.class);
        if (!values.bool("/networkPolicy/enabled")) {
            assertThat(policies).isEmpty();
            return;
        }
        Map<String, String> apiPods =
                Map.of("app.kubernetes.io/name", "api-service", "app.kubernetes.io/instance", HotloopChart.RELEASE);
        List<String> apps = new ArrayList<>(List.of("api-service", "session-service"));
        if (values.bool("/toolRunner/enabled")) {
            apps.add("tool-runner");
        }
        for (String app : apps) {
            NetworkPolicy policy = chart.get(NetworkPolicy.class, "hotloop-" + app);
            assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", app);
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
            assertThat(policy.getSpec().getIngress())
                    .as("%s ingress rules", app)
                    .hasSize(2)
                    .satisfiesExactly(
                            api -> {
                                assertThat(api.getPorts())
                                        .singleElement()
                                        .satisfies(port -> assertThat(
                                                        port.getPort().getStrVal())
                                                .isEqualTo("http"));
                                if (app.equals("api-service")) {
                                    assertThat(api.getFrom())
                                            .as("api-service's API port is the open edge")
                                            .isNullOrEmpty();
                                } else {
                                    assertThat(api.getFrom()).singleElement().satisfies(peer -> {
                                        assertThat(peer.getPodSelector().getMatchLabels())
                                                .isEqualTo(apiPods);
                                        assertThat(peer.getNamespaceSelector()).isNull();
                                    });
                                }
                            },
                            scrape -> {
                                assertThat(scrape.getPorts())
                                        .singleElement()
                                        .satisfies(port -> assertThat(
                                                        port.getPort().getStrVal())
                                                .isEqualTo("management"));
                                assertThat(scrape.getFrom())
                                        .isNotEmpty()
                                        .noneSatisfy(peer -> assertThat(
                                                        peer.getPodSelector().getMatchLabels())
                                                .isEqualTo(apiPods));
                            });
        }
        List<String> egress = new ArrayList<>(apps);
        if (values.bool("/redis/enabled")) {
            egress.add("redis");
        }
        assertThat(policies)
                .filteredOn(policy -> policy.getSpec().getPolicyTypes().contains("Egress"))
                .extracting(policy -> policy.getMetadata().getName())
                .as("egress policies, one per component, only when asked")
                .containsExactlyInAnyOrderElementsOf(
                        values.bool("/networkPolicy/egress/enabled")
                                ? egress.stream()
                                        .map(app -> "hotloop-" + app + "-egress")
                                        .toList()
                                : List.of());
        if (values.bool("/redis/enabled")) {
            assertThat(chart.get(NetworkPolicy.class, "hotloop-redis").getSpec().getIngress())
                    .singleElement()
                    .satisfies(rule -> assertThat(rule.getFrom())
                            .as("Redis admits session-service (state) and api-service (per-tenant limits) only")
                            .extracting(peer ->
                                    peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))
                            .containsExactlyInAnyOrder("session-service", "api-service"));
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void apiServiceReachesSessionServiceAndDiscoversReplicas(Path scenario) {
        Rendered chart = rendered(scenario);
        ScenarioValues values = ScenarioValues.of(scenario);
        String apiKeysSecret = values.string("/apiKeys/existingSecret").isEmpty()
                ? "hotloop-api-keys"
                : values.string("/apiKeys/existingSecret");

        assertThat(chart.env("hotloop-api-service", "HOTLOOP_SECURITY_APIKEYS"))
                .contains("secret:" + apiKeysSecret + "/" + values.string("/apiKeys/existingSecretKey"));
        // per-tenant limits are shared through the same Redis as session-service's state
        assertThat(chart.env("hotloop-api-service", "SPRING_DATA_REDIS_HOST"))
                .isEqualTo(chart.env("hotloop-session-service", "SPRING_DATA_REDIS_HOST"))
                .isPresent();
        // the generated Secret is a pre-install hook, not part of the release manifest
        assertThat(chart.all(io.fabric8.kubernetes.api.model.Secret.class)).isEmpty();
        Service session = chart.service("hotloop-session-service");
        assertThat(chart.env("hotloop-api-service", "HOTLOOP_API_SESSION_URL"))
                .contains("http://hotloop-session-service:"
                        + session.getSpec().getPorts().getFirst().getPort());

        Service headless = chart.service("hotloop-session-service-headless");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getSelector()).isEqualTo(session.getSpec().getSelector());
        int replicas = values.integer("/sessionService/replicas");
        assertThat(chart.get(Deployment.class, "hotloop-session-service")
                        .getSpec()
                        .getReplicas())
                .isEqualTo(replicas);
        // hotloop.api.session.dns is a URI: http://<headless name>:<port> (without the scheme, Java reads the host as
        // one)
        Optional<URI> dns =
                chart.env("hotloop-api-service", "HOTLOOP_API_SESSION_DNS").map(URI::create);
        assertThat(dns)
                .isEqualTo(
                        replicas > 1
                                ? Optional.of(URI.create("http://hotloop-session-service-headless:8081"))
                                : Optional.empty());
        dns.ifPresent(uri -> {
            assertThat(uri.getScheme()).isEqualTo("http");
            assertThat(uri.getHost()).isEqualTo(headless.getMetadata().getName());
            assertThat(uri.getPort())
                    .isEqualTo(headless.getSpec().getPorts().getFirst().getPort());
        });

        boolean toolRunner = values.bool("/toolRunner/enabled");
        assertThat(chart.find(Deployment.class, TOOL_RUNNER).isPresent()).isEqualTo(toolRunner);
        assertThat(chart.env("hotloop-api-service", "HOTLOOP_API_TOOLRUNNER_URL"))
                .isEqualTo(toolRunner ? Optional.of("http://hotloop-tool-runner:8082") : Optional.empty());
        boolean toolRunners = toolRunner && values.integer("/toolRunner/replicas") > 1;
        assertThat(chart.env("hotloop-api-service", "HOTLOOP_API_TOOLRUNNER_DNS")
                        .map(URI::create))
                .isEqualTo(
                        toolRunners
                                ? Optional.of(URI.create("http://hotloop-tool-runner-headless:8082"))
                                : Optional.empty());
        if (toolRunner) {
            Service runners = chart.service("hotloop-tool-runner-headless");
            assertThat(runners.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(runners.getSpec().getSelector())
                    .isEqualTo(chart.service(TOOL_RUNNER).getSpec().getSelector());
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void toolRunnerWorkspacesLiveOnTheMountedVolume(Path scenario) {
        Rendered chart = rendered(scenario);
        if (!ScenarioValues.of(scenario).bool("/toolRunner/enabled")) {
            return;
        }
        // unset, the workspace root lands on the read-only root file system and the start-up sandbox probe fails
        assertThat(chart.env(TOOL_RUNNER, "HOTLOOP_TOOLS_WORKSPACE_ROOT"))
                .as("tool-runner's workspace root")
                .isPresent();
        String root = chart.env(TOOL_RUNNER, "HOTLOOP_TOOLS_WORKSPACE_ROOT").orElseThrow();
        Container container = chart.container(TOOL_RUNNER);
        var pod =
                chart.get(Deployment.class, TOOL_RUNNER).getSpec().getTemplate().getSpec();
        assertThat(container.getVolumeMounts())
                .filteredOn(mount -> mount.getMountPath().equals(root))
                .singleElement()
                .satisfies(mount -> {
                    assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
                    assertThat(pod.getVolumes())
                            .anySatisfy(volume -> assertThat(volume.getName()).isEqualTo(mount.getName()));
                });
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void podsDrainWithinTheirGracePeriod(Path scenario) {
        Rendered chart = rendered(scenario);
        assertThat(chart.all(Deployment.class)).isNotEmpty().allSatisfy(deployment -> {
            var pod = deployment.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().getFirst();
            int preStop = container
                    .getLifecycle()
                    .getPreStop()
                    .getSleep()
                    .getSeconds()
                    .intValue();
            String phase = chart.env(deployment.getMetadata().getName(), "SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE")
                    .orElseThrow();
            int phaseSeconds = Integer.parseInt(phase.replace("s", ""));
            // api-service drains in two phases: in-flight responses, then its WebSockets
            int phases = container.getName().equals("api-service") ? 2 : 1;
            assertThat(preStop).as("%s preStop sleep", container.getName()).isPositive();
            assertThat(pod.getTerminationGracePeriodSeconds())
                    .as("%s grace period", container.getName())
                    .isGreaterThanOrEqualTo(preStop + (long) phases * phaseSeconds + 10);
        });
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void sessionServiceUsesTheBundledOrTheExternalRedis(Path scenario) {
        Rendered chart = rendered(scenario);
        ScenarioValues values = ScenarioValues.of(scenario);
        if (values.bool("/redis/enabled")) {
            StatefulSet redis = chart.get(StatefulSet.class, "hotloop-redis");
            assertThat(redis.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .getFirst()
                            .getImage())
                    .isEqualTo("docker.io/library/redis:7.4.2-alpine");
            assertThat(chart.env("hotloop-session-service", "SPRING_DATA_REDIS_HOST"))
                    .contains("hotloop-redis");
            assertThat(chart.env("hotloop-session-service", "SPRING_DATA_REDIS_PORT"))
                    .contains("6379");
            assertThat(redis.getSpec().getVolumeClaimTemplates().isEmpty())
                    .isEqualTo(!values.bool("/redis/persistence/enabled"));
        } else {
            assertThat(chart.all(StatefulSet.class)).isEmpty();
            assertThat(chart.env("hotloop-session-service", "SPRING_DATA_REDIS_HOST"))
                    .contains(values.string("/externalRedis/host"));
            assertThat(chart.env("hotloop-session-service", "SPRING_DATA_REDIS_PORT"))
                    .contains(String.valueOf(values.integer("/externalRedis/port")));
            if (!values.string("/externalRedis/existingSecret").isEmpty()) {
                assertThat(chart.env("hotloop-session-service", "SPRING_DATA_REDIS_PASSWORD"))
                        .contains("secret:" + values.string("/externalRedis/existingSecret") + "/"
                                + values.string("/externalRedis/existingSecretKey"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void alertRulesShipAsAPrometheusRuleOrAConfigMap(Path scenario) {
        Rendered chart = rendered(scenario);
        ScenarioValues values = ScenarioValues.of(scenario);
        boolean operator = values.bool("/monitoring/prometheusRule/enabled");
        assertThat(chart.all("PrometheusRule")).hasSize(operator ? 1 : 0);
        assertThat(chart.find(ConfigMap.class, "hotloop-alert-rules").isPresent())
                .isEqualTo(!operator && values.bool("/monitoring/rulesConfigMap/enabled"));
        assertThat(chart.all("ServiceMonitor")).hasSize(values.bool("/monitoring/serviceMonitor/enabled") ? 1 : 0);
        String release = values.string("/monitoring/prometheusRelease");
        for (var resource : chart.all("PrometheusRule", "ServiceMonitor")) {
            assertThat(resource.getMetadata().getLabels().get("release"))
                    .as("%s release label", resource.getKind())
                    .isEqualTo(release.isEmpty() ? null : release);
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void serviceMonitorScrapesTheManagementPortOfEveryService(Path scenario) {
        Rendered chart = rendered(scenario);
        for (var monitor : chart.all("ServiceMonitor")) {
            JsonNode spec = Rendered.tree(monitor).get("spec");
            assertThat(spec.at("/endpoints/0/port").asString()).isEqualTo("management");
            assertThat(spec.at("/endpoints/0/path").asString()).isEqualTo("/actuator/prometheus");
            List<String> apps = new ArrayList<>();
            spec.at("/selector/matchExpressions/0/values").forEach(app -> apps.add(app.asString()));
            assertThat(apps)
                    .isNotEmpty()
                    .allSatisfy(app -> assertThat(
                                    chart.service("hotloop-" + app).getSpec().getPorts())
                            .anySatisfy(port -> assertThat(port.getName()).isEqualTo("management")));
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void optionalResourcesFollowTheirFlags(Path scenario) {
        Rendered chart = rendered(scenario);
        ScenarioValues values = ScenarioValues.of(scenario);
        boolean autoscaled = values.bool("/apiService/autoscaling/enabled");
        assertThat(chart.all(HorizontalPodAutoscaler.class)).hasSize(autoscaled ? 1 : 0);
        assertThat(chart.get(Deployment.class, "hotloop-api-service").getSpec().getReplicas())
                .isEqualTo(autoscaled ? null : values.integer("/apiService/replicas"));
        List<String> budgets = chart.all(PodDisruptionBudget.class).stream()
                .map(p -> p.getMetadata().getName())
                .toList();
        assertThat(budgets.contains("hotloop-api-service"))
                .isEqualTo(values.bool("/apiService/podDisruptionBudget/enabled"));
        assertThat(budgets.contains("hotloop-session-service"))
                .isEqualTo(values.bool("/sessionService/podDisruptionBudget/enabled"));
        assertThat(chart.all(io.fabric8.kubernetes.api.model.ServiceAccount.class))
                .hasSize(values.bool("/serviceAccount/create") ? 1 : 0);
        assertThat(chart.resources())
                .map(HasMetadata::getMetadata)
                .allSatisfy(meta -> assertThat(Objects.requireNonNullElse(meta.getLabels(), Map.of()))
                        .containsEntry("app.kubernetes.io/instance", HotloopChart.RELEASE));
    }

    private static Map<String, String> matchLabelsOnly(LabelSelector selector) {
        assertThat(selector.getMatchExpressions()).isNullOrEmpty();
        return selector.getMatchLabels();
    }
}
