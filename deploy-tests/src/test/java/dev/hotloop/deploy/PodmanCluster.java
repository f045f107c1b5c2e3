package dev.hotloop.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The kubelet's part for a rendered chart, on podman: every pod of every Deployment and StatefulSet (as many as its
 * replicas, or its autoscaler's minimum) runs as a container on a network of its own, with exactly the rendered
 * container spec translated to podman flags (image, args, env, volumes, user and group, read-only root, capabilities,
 * privilege escalation, seccomp, procMount, user namespace, memory limit), reachable under the names of the Services
 * that select it (DNS answers every ready and unready pod: there is no scheduler, no kube-proxy and no NetworkPolicy
 * enforcement here). Secrets and ConfigMaps the chart only references are supplied by the caller. A field this
 * translation does not know fails the run instead of being dropped.
 */
final class PodmanCluster implements AutoCloseable {

    /** First host id of the user namespace given to hostUsers: false pods. */
    private static final int USER_NAMESPACE_BASE = 1_000_000;

    private final String name;
    private final Path files;
    private final Map<String, Map<String, String>> secrets;
    private final Map<String, ConfigMap> configMaps = new LinkedHashMap<>();
    private final List<String> containers = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();
    private final Map<String, List<Pod>> pods = new LinkedHashMap<>();
    /** Of this cluster only: another one's pods had the same addresses, and a pooled connection to them is dead. */
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A running pod: its container, the rendered container spec, and its address on the network. */
    record Pod(String container, Container spec, String address) {

        /** The port a named (or numbered) container port stands for. */
        int port(IntOrString port) {
            if (port.getIntVal() != null) {
                return port.getIntVal();
            }
            return spec.getPorts().stream()
                    .filter(p -> port.getStrVal().equals(p.getName()))
                    .map(ContainerPort::getContainerPort)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(container + " has no port " + port.getStrVal()));
        }

        URI uri(String portName, String path) {
            return URI.create("http://" + address + ":" + port(new IntOrString(portName)) + path);
        }
    }

    /**
     * @param name    prefix of every container, volume and the network
     * @param secrets Secrets the chart references but does not render (name to data)
     */
    PodmanCluster(String name, Map<String, Map<String, String>> secrets, Map<String, ConfigMap> suppliedConfigMaps) {
        this.name = name;
        this.secrets = secrets;
        this.configMaps.putAll(suppliedConfigMaps);
        try {
            this.files = Files.createTempDirectory(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Podman.attempt(List.of("network", "rm", "-f", name));
        Podman.run("network", "create", name);
    }

    /** Starts every pod of the rendering and waits until each passes its readiness probe. */
    void start(Rendered chart, Duration readyWithin) {
        chart.all(ConfigMap.class).forEach(c -> configMaps.put(c.getMetadata().getName(), c));
        Map<String, PodTemplateSpec> workloads = new LinkedHashMap<>();
        Map<String, Integer> replicas = new LinkedHashMap<>();
        Map<String, List<String>> claimTemplates = new LinkedHashMap<>();
        // StatefulSets (Redis) first: a cluster starts every pod at once, this order only spares session-service
        // reconnects
        for (StatefulSet set : chart.all(StatefulSet.class)) {
            workloads.put(set.getMetadata().getName(), set.getSpec().getTemplate());
            replicas.put(set.getMetadata().getName(), set.getSpec().getReplicas());
            claimTemplates.put(
                    set.getMetadata().getName(),
                    set.getSpec().getVolumeClaimTemplates().stream()
                            .map(c -> c.getMetadata().getName())
                            .toList());
        }
        for (Deployment deployment : chart.all(Deployment.class)) {
            String workload = deployment.getMetadata().getName();
            workloads.put(workload, deployment.getSpec().getTemplate());
            replicas.put(
                    workload,
                    Objects.requireNonNullElseGet(
                            deployment.getSpec().getReplicas(),
                            () -> chart.all(HorizontalPodAutoscaler.class).stream()
                                    .filter(h -> h.getSpec()
                                            .getScaleTargetRef()
                                            .getName()
                                            .equals(workload))
                                    .findFirst()
                                    .orElseThrow()
                                    .getSpec()
                                    .getMinReplicas()));
        }
        workloads.forEach((workload, template) -> {
            List<String> aliases = chart.all(Service.class).stream()
                    .filter(s -> template.getMetadata()
                            .getLabels()
                            .entrySet()
                            .containsAll(s.getSpec().getSelector().entrySet()))
                    .map(s -> s.getMetadata().getName())
                    .toList();
            for (int i = 0; i < replicas.get(workload); i++) {
                String pod = workload + "-" + i;
                startPod(pod, template.getSpec(), aliases, claimTemplates.getOrDefault(workload, List.of()));
            }
        });
        Instant deadline = Instant.now().plus(readyWithin);
        pods.values().stream().flatMap(List::stream).forEach(pod -> awaitReady(pod, deadline));
    }

    /** The running pods of a workload. */
    List<Pod> pods(String workload) {
        return pods.getOrDefault(workload, List.of());
    }

    /** Extra containers on the network, e.g. a managed Redis the chart only points at. */
    void runOnNetwork(String container, List<String> aliases, List<String> imageAndArgs) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name + "-" + container, "--network", name));
        aliases.forEach(alias -> args.addAll(List.of("--network-alias", alias)));
        args.addAll(imageAndArgs);
        containers.add(name + "-" + container);
        Podman.run(args);
    }

    /** The last lines a pod's container printed. */
    String logs(Pod pod) {
        return Podman.attempt(List.of("logs", "--tail", "60", pod.container())).output();
    }

    /** Everything a pod's container printed since it started. */
    String allLogs(Pod pod) {
        return Podman.run("logs", pod.container());
    }

    private void startPod(String pod, PodSpec spec, List<String> aliases, List<String> claimTemplates) {
        if (spec.getContainers().size() != 1 || !spec.getInitContainers().isEmpty()) {
            throw new IllegalStateException(pod + ": only pods of one container are translated");
        }
        if (spec.getRuntimeClassName() != null) {
            throw new IllegalStateException(
                    pod + ": runtimeClassName " + spec.getRuntimeClassName() + " is not available here");
        }
        Container container = spec.getContainers().getFirst();
        String containerName = name + "-" + pod;
        PodSecurityContext podSecurity =
                Objects.requireNonNullElseGet(spec.getSecurityContext(), PodSecurityContext::new);
        SecurityContext security = Objects.requireNonNullElseGet(container.getSecurityContext(), SecurityContext::new);
        List<String> args = new ArrayList<>(List.of(
                "run",
                "-d",
                "--name",
                containerName,
                "--hostname",
                pod,
                "--network",
                name,
                "--pull",
                "never",
                "--read-only-tmpfs=false"));
        aliases.forEach(alias -> args.addAll(List.of("--network-alias", alias)));

        Long uid = first(security.getRunAsUser(), podSecurity.getRunAsUser());
        Long gid = first(security.getRunAsGroup(), podSecurity.getRunAsGroup());
        if (uid != null) {
            args.addAll(List.of("--user", uid + (gid != null ? ":" + gid : "")));
        }
        if (podSecurity.getFsGroup() != null) {
            args.addAll(List.of("--group-add", String.valueOf(podSecurity.getFsGroup())));
        }
        if (Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
            args.add("--read-only");
        }
        if (Boolean.TRUE.equals(security.getPrivileged())) {
            args.add("--privileged");
        }
        if (Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
            args.addAll(List.of("--security-opt", "no-new-privileges"));
        }
        if (security.getCapabilities() != null) {
            security.getCapabilities().getDrop().forEach(cap -> args.add("--cap-drop=" + cap.toLowerCase()));
            security.getCapabilities().getAdd().forEach(cap -> args.add("--cap-add=" + cap.toLowerCase()));
        }
        var seccomp = first(security.getSeccompProfile(), podSecurity.getSeccompProfile());
        if (seccomp != null) {
            switch (seccomp.getType()) {
                case "RuntimeDefault" -> {} // podman's default profile
                case "Unconfined" -> args.addAll(List.of("--security-opt", "seccomp=unconfined"));
                default ->
                    throw new IllegalStateException(pod + ": seccomp " + seccomp.getType() + " is not translated");
            }
        }
        if ("Unmasked".equals(security.getProcMount())) {
            args.addAll(List.of("--security-opt", "unmask=ALL"));
        }
        if (Boolean.FALSE.equals(spec.getHostUsers())) {
            // a user namespace: ids 0-65535 inside map to unprivileged host ids. One range for every such pod here,
            // standing in for the kubelet's idmapped volume mounts, through which pods of distinct ranges share a
            // volume.
            args.addAll(List.of(
                    "--uidmap",
                    "0:" + USER_NAMESPACE_BASE + ":65536",
                    "--gidmap",
                    "0:" + USER_NAMESPACE_BASE + ":65536"));
        }
        Quantity memory = container.getResources().getLimits().get("memory");
        if (memory != null) {
            args.addAll(List.of(
                    "--memory", Quantity.getAmountInBytes(memory).toBigInteger().toString()));
        }

        for (EnvVar env : container.getEnv()) {
            args.addAll(List.of("--env", env.getName() + "=" + value(pod, env)));
        }
        if (!container.getEnvFrom().isEmpty()) {
            throw new IllegalStateException(pod + ": envFrom is not translated");
        }
        Map<String, Volume> podVolumes = new LinkedHashMap<>();
        spec.getVolumes().forEach(v -> podVolumes.put(v.getName(), v));
        for (VolumeMount mount : container.getVolumeMounts()) {
            args.addAll(mount(pod, mount, podVolumes.get(mount.getName()), claimTemplates));
        }
        if (!container.getCommand().isEmpty()) {
            throw new IllegalStateException(pod + ": command is not translated (the images' entry points are used)");
        }
        args.add(container.getImage());
        args.addAll(container.getArgs());
        containers.add(containerName);
        Podman.run(args);
        String address = Podman.run(
                "inspect",
                "--format",
                "{{(index .NetworkSettings.Networks \"" + name + "\").IPAddress}}",
                containerName);
        String workload = pod.substring(0, pod.lastIndexOf('-'));
        pods.computeIfAbsent(workload, w -> new ArrayList<>()).add(new Pod(containerName, container, address));
    }

    private List<String> mount(String pod, VolumeMount mount, Volume volume, List<String> claimTemplates) {
        String readOnly = Boolean.TRUE.equals(mount.getReadOnly()) ? ",ro" : "";
        if (volume == null && claimTemplates.contains(mount.getName())) {
            // a StatefulSet's claim: a volume per pod that outlives it, owned by the pod's user as fsGroup would make
            // it
            String claim = name + "-" + mount.getName() + "-" + pod;
            volumes.add(claim);
            return List.of("--volume", claim + ":" + mount.getMountPath() + ":U" + readOnly);
        }
        if (volume == null) {
            throw new IllegalStateException(pod + ": no volume " + mount.getName());
        }
        if (volume.getEmptyDir() != null) {
            String size = volume.getEmptyDir().getSizeLimit() == null
                    ? ""
                    : ",tmpfs-size="
                            + Quantity.getAmountInBytes(volume.getEmptyDir().getSizeLimit())
                                    .toBigInteger();
            // world-writable as an emptyDir is; memory-backed here, on disk in a cluster unless medium: Memory
            return List.of(
                    "--mount",
                    "type=tmpfs,destination=" + mount.getMountPath() + ",tmpfs-mode=1777,notmpcopyup" + size);
        }
        if (volume.getPersistentVolumeClaim() != null) {
            // one claim shared by every pod that names it (ReadWriteMany)
            String claim = name + "-" + volume.getPersistentVolumeClaim().getClaimName();
            if (!volumes.contains(claim)) {
                volumes.add(claim);
            }
            return List.of("--volume", claim + ":" + mount.getMountPath() + ":U" + readOnly);
        }
        Map<String, String> data;
        List<KeyToPath> items;
        if (volume.getConfigMap() != null) {
            ConfigMap configMap = configMaps.get(volume.getConfigMap().getName());
            if (configMap == null) {
                throw new IllegalStateException(
                        pod + ": no ConfigMap " + volume.getConfigMap().getName());
            }
            data = configMap.getData();
            items = volume.getConfigMap().getItems();
        } else if (volume.getSecret() != null) {
            data = secret(pod, volume.getSecret().getSecretName());
            items = volume.getSecret().getItems();
        } else {
            throw new IllegalStateException(pod + ": volume " + volume.getName() + " is of a kind not translated");
        }
        Path directory = files.resolve(pod + "-" + volume.getName());
        try {
            Files.createDirectories(directory);
            if (items.isEmpty()) {
                for (var entry : data.entrySet()) {
                    Files.writeString(directory.resolve(entry.getKey()), entry.getValue());
                }
            } else {
                for (KeyToPath item : items) {
                    Files.writeString(
                            directory.resolve(item.getPath()),
                            Objects.requireNonNull(data.get(item.getKey()), item.getKey()));
                }
            }
            // readable by any user, as the kubelet's projected files are (0644)
            try (var paths = Files.walk(directory)) {
                for (Path path : paths.toList()) {
                    path.toFile().setReadable(true, false);
                    path.toFile().setExecutable(Files.isDirectory(path), false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of("--volume", directory + ":" + mount.getMountPath() + ":ro");
    }

    private String value(String pod, EnvVar env) {
        if (env.getValueFrom() == null) {
            return Objects.requireNonNullElse(env.getValue(), "");
        }
        var ref = env.getValueFrom().getSecretKeyRef();
        if (ref == null) {
            throw new IllegalStateException(pod + ": env " + env.getName() + " comes from a source not translated");
        }
        return Objects.requireNonNull(secret(pod, ref.getName()).get(ref.getKey()), ref.getName() + "/" + ref.getKey());
    }

    private Map<String, String> secret(String pod, String secret) {
        Map<String, String> data = secrets.get(secret);
        if (data == null) {
            throw new IllegalStateException(pod + " needs Secret " + secret + ", which the test does not supply");
        }
        return data;
    }

    /** Polls the readiness probe as the kubelet would, until it passes; a container that exits fails at once. */
    private void awaitReady(Pod pod, Instant deadline) {
        Probe probe = pod.spec().getReadinessProbe();
        while (true) {
            if (ready(pod, probe)) {
                return;
            }
            String state = Podman.run("inspect", "--format", "{{.State.Status}}", pod.container());
            if (!state.equals("running") || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(pod.container() + " is not ready (" + state + "):\n" + logs(pod));
            }
            sleep(Duration.ofSeconds(1));
        }
    }

    private boolean ready(Pod pod, Probe probe) {
        if (probe.getExec() != null) {
            List<String> exec = new ArrayList<>(List.of("exec", pod.container()));
            exec.addAll(probe.getExec().getCommand());
            return Podman.attempt(exec).exitCode() == 0;
        }
        var get = probe.getHttpGet();
        URI uri = URI.create("http://" + pod.address() + ":" + pod.port(get.getPort()) + get.getPath());
        try {
            int status = http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(
                                            Objects.requireNonNullElse(probe.getTimeoutSeconds(), 1)))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            return status >= 200 && status < 400;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @SafeVarargs
    private static <T> T first(T... candidates) {
        for (T candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }

    /** Removes every container, volume and the network; kept files go with the temporary directory. */
    @Override
    public void close() {
        for (String container : containers.reversed()) {
            Podman.attempt(List.of("rm", "-f", "-t", "2", container));
        }
        for (String volume : volumes) {
            Podman.attempt(List.of("volume", "rm", "-f", volume));
        }
        Podman.attempt(List.of("network", "rm", "-f", name));
        http.close();
        try (var paths = Files.walk(files)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
