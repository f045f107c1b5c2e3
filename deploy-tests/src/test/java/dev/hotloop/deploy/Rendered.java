package dev.hotloop.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** One rendering of the chart: the YAML Helm printed and the resources in it. */
record Rendered(String yaml, List<HasMetadata> resources) {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static Rendered of(String yaml) {
        return new Rendered(yaml, HotloopChart.parse(yaml));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Resources by kind, also those fabric8 has no typed model for (PrometheusRule, ServiceMonitor). */
    List<HasMetadata> all(String... kinds) {
        List<String> wanted = List.of(kinds);
        return resources.stream().filter(r -> wanted.contains(r.getKind())).toList();
    }

    /** A resource as a JSON tree, for kinds without a typed model. */
    static JsonNode tree(HasMetadata resource) {
        return ScenarioValues.YAML.readTree(SERIALIZATION.asJson(resource));
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream()
                .filter(r -> name.equals(r.getMetadata().getName()))
                .findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name)
                .orElseThrow(() -> new NoSuchElementException(type.getSimpleName() + " " + name + " not rendered; have "
                        + resources.stream()
                                .map(r -> r.getKind() + "/" + r.getMetadata().getName())
                                .toList()));
    }

    /** Pod templates of every workload (Deployments and StatefulSets), by workload name. */
    Map<String, PodTemplateSpec> podTemplates() {
        var templates = new java.util.TreeMap<String, PodTemplateSpec>();
        all(Deployment.class)
                .forEach(d ->
                        templates.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
        all(StatefulSet.class)
                .forEach(s ->
                        templates.put(s.getMetadata().getName(), s.getSpec().getTemplate()));
        return templates;
    }

    Container container(String deployment) {
        return get(Deployment.class, deployment)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
    }

    Optional<String> env(String deployment, String name) {
        return container(deployment).getEnv().stream()
                .filter(e -> name.equals(e.getName()))
                .findFirst()
                .map(e -> e.getValue() != null
                        ? e.getValue()
                        : "secret:" + e.getValueFrom().getSecretKeyRef().getName() + "/"
                                + e.getValueFrom().getSecretKeyRef().getKey());
    }

    Service service(String name) {
        return get(Service.class, name);
    }

    ConfigMap configMap(String name) {
        return get(ConfigMap.class, name);
    }
}
