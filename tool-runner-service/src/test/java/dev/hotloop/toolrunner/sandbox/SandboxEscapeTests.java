package dev.hotloop.toolrunner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hotloop.toolrunner.ProcessTable;
import dev.hotloop.toolrunner.ToolRunnerIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

/**
 * Each test attempts one escape for real, through the HTTP API into a real bwrap sandbox, asserts that it was
 * contained and reported, and then that the service is still healthy and runs a normal command.
 */
abstract class SandboxEscapeTests extends ToolRunnerIntegrationTest {

    /**
     * Whether each sandbox has its own user namespace: then its process limit is counted per sandbox (one fork bomb
     * cannot starve another) and it cannot create nested user namespaces.
     */
    abstract boolean ownUserNamespace();

    @Autowired
    SandboxRunner runner;

    /** Whether each execution has a cgroup of its own, which bounds its memory, processes and CPU as a whole. */
    boolean cgroupLimits() {
        return runner.cgroupSubtree().isPresent();
    }

    @AfterEach
    void serviceStaysHealthy() {
        assertServiceHealthy();
    }

    @Test
    void readingHostFilesOutsideTheBindsFails() throws IOException {
        String secret = "TOPSECRET-" + UUID.randomUUID();
        Path hostFile = Files.createTempFile("hotloop-secret-", ".txt");
        Files.writeString(hostFile, secret);
        Files.setPosixFilePermissions(hostFile, PosixFilePermissions.fromString("rw-r--r--")); // DAC would allow it
        try {
            JsonNode body = shell(
                    newChain(),
                    List.of(
                            "cat " + hostFile,
                            "cat /proc/1/root" + hostFile,
                            "cat /etc/shadow",
                            "ls " + WORKSPACES,
                            "cat /root/.bashrc",
                            "grep -rsl -- " + secret + " /etc /tmp /dev /workspace /home /root /var | head -n 3"),
                    20_000);

            for (int i = 0; i < 5; i++) {
                JsonNode entry = body.get("output").get(i);
                assertThat(exitCode(entry)).as("command %d: %s", i, entry).isNotZero();
                assertThat(stderr(entry)).containsAnyOf("No such file or directory", "Permission denied");
            }
            body.get("output").forEach(entry -> assertThat(stdout(entry)).doesNotContain(secret));
            assertThat(stdout(body.get("output").get(5))).isEmpty();
        } finally {
            Files.delete(hostFile);
        }
    }

    @Test
    void theSandboxSeesASyntheticUserDatabaseAndNoPrivileges() {
        JsonNode body = shell(
                newChain(),
                List.of(
                        "cat /etc/passwd",
                        "grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status",
                        "id -u",
                        "hostname",
                        "unshare --user --map-root-user true"),
                10_000);

        String passwd = stdout(body.get("output").get(0));
        assertThat(passwd).contains("sandbox:x:").doesNotContain("daemon:", "bin:x:", "www-data");
        assertThat(stdout(body.get("output").get(1)))
                .contains("CapEff:\t0000000000000000", "CapBnd:\t0000000000000000", "NoNewPrivs:\t1");
        assertThat(stdout(body.get("output").get(2)).strip()).isNotEqualTo("0");
        assertThat(stdout(body.get("output").get(3))).isEqualTo("sandbox\n");
        if (ownUserNamespace()) {
            assertThat(exitCode(body.get("output").get(4)))
                    .as("a nested user namespace")
                    .isNotZero();
        }
    }

    @Test
    void writingOutsideTheWorkspaceFails() throws IOException {
        Path hostDir = Files.createTempDirectory("hotloop-target-");
        Files.setPosixFilePermissions(hostDir, PosixFilePermissions.fromString("rwxrwxrwx")); // DAC would allow it
        try {
            JsonNode body = shell(
                    newChain(),
                    List.of(
                            "echo x > " + hostDir + "/pwned",
                            "echo x > /usr/pwned",
                            "echo x > /etc/pwned",
                            "echo x > /pwned",
                            "echo x > /dev/pwned",
                            "echo x > /workspace/ok.txt && echo x > /tmp/ok.txt && echo written",
                            // the host's path of the workspaces means nothing inside: this lands in the private /tmp
                            "mkdir -p " + WORKSPACES + "/acme/other/work && echo x > " + WORKSPACES
                                    + "/acme/other/work/planted"),
                    10_000);

            for (int i = 0; i < 5; i++) {
                assertThat(exitCode(body.get("output").get(i)))
                        .as("command %d", i)
                        .isNotZero();
            }
            assertThat(stdout(body.get("output").get(5))).isEqualTo("written\n");
            try (var created = Files.list(hostDir)) {
                assertThat(created).isEmpty();
            }
            assertThat(Path.of("/usr/pwned")).doesNotExist();
            assertThat(Path.of("/etc/pwned")).doesNotExist();
            assertThat(Path.of("/pwned")).doesNotExist();
            assertThat(WORKSPACES.resolve("acme/other")).doesNotExist();
        } finally {
            Files.delete(hostDir);
        }
    }

    @Test
    void connectingToAServerOnTheHostsLoopbackFails() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.configureBlocking(false);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();

            JsonNode body = shell(
                    newChain(),
                    List.of(
                            "exec 3<>/dev/tcp/127.0.0.1/" + port + " && echo CONNECTED",
                            "exec 3<>/dev/tcp/localhost/" + port + " && echo CONNECTED",
                            "getent ahosts example.com || echo NO-DNS",
                            "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '"),
                    10_000);

            assertThat(exitCode(body.get("output").get(0))).isNotZero();
            assertThat(exitCode(body.get("output").get(1))).isNotZero();
            assertThat(body.toString()).doesNotContain("CONNECTED");
            assertThat(stdout(body.get("output").get(2))).isEqualTo("NO-DNS\n");
            assertThat(stdout(body.get("output").get(3)))
                    .as("network interfaces")
                    .isEqualTo("lo\n");
            assertThat(server.accept()).as("a connection that reached the host").isNull();
        }
    }

    @Test
    void forkBombIsContainedByTheProcessLimitAndTheTimeout() {
        String marker = "bomb-" + UUID.randomUUID();
        String bombChain = newChain();
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        JsonNode[] bombResult = new JsonNode[1];
        Disposable bomb = client.post()
                .uri(EXECUTIONS, TENANT, bombChain)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(shellRequest(
                        List.of("bomb() { bomb | bomb & }; while :; do bomb; done # " + marker), 4_000, 2_000))
                .retrieve()
                .bodyToMono(JsonNode.class)
                .subscribe(result -> bombResult[0] = result);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> processesWith(marker).size() >= 20);
            // held by pids.max with a cgroup, else RLIMIT_NPROC: the bomb's shells, plus bwrap (which carries the
            // command in its arguments)
            assertThat(processesWith(marker).size())
                    .as("processes of the bomb")
                    .isLessThanOrEqualTo(properties.limits().processes() + 1);

            if (ownUserNamespace()) {
                JsonNode neighbour = only(shell(newChain(), "for i in 1 2 3; do (echo forked-$i) & done; wait"));
                assertThat(exitCode(neighbour)).isZero();
                assertThat(stdout(neighbour)).contains("forked-1", "forked-2", "forked-3");
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> bombResult[0] != null);
            assertThat(only(bombResult[0]).get("outcome").get("type").stringValue())
                    .isEqualTo("timeout");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> processesWith(marker).isEmpty());
        } finally {
            bomb.dispose();
        }
    }

    @Test
    void memoryBombIsStoppedByTheAddressSpaceLimit() {
        JsonNode body = shell(
                newChain(),
                List.of(
                        "awk 'BEGIN { s = \"x\"; while (1) s = s s }'",
                        "head -c 64M /dev/zero > /tmp/fill",
                        "head -c 64M /dev/zero > /dev/shm/fill"),
                20_000);

        JsonNode awk = body.get("output").get(0);
        assertThat(exitCode(awk)).isNotZero();
        assertThat(stderr(awk).toLowerCase()).containsAnyOf("allocate", "memory");
        assertThat(stderr(body.get("output").get(1))).contains("No space left on device");
        assertThat(stderr(body.get("output").get(2))).contains("No space left on device");
    }

    @Test
    void memoryIsBoundedPerSandboxWithACgroupAndOnlyPerProcessWithout() {
        // three processes take 100 MB each, well under address-space, and hold it until all three have it: 300 MB
        // together, more than the sandbox's memory
        String hold =
                "N=$i awk 'BEGIN { s = sprintf(\"%104857600s\", \"\"); system(\"touch /tmp/held-\" ENVIRON[\"N\"] \"; "
                        + "until [ -e /tmp/held-1 -a -e /tmp/held-2 -a -e /tmp/held-3 ]; do sleep 0.05; done\"); print \"held\" }'";
        JsonNode entry = only(shell(newChain(), List.of("for i in 1 2 3; do " + hold + " & done; wait"), 30_000));

        assertThat(properties.limits().memory().toBytes()).isLessThan(300L * 1024 * 1024);
        long held = stdout(entry).lines().filter("held"::equals).count();
        if (cgroupLimits()) {
            assertThat(held)
                    .as(
                            "processes that held their share of %s together",
                            properties.limits().memory())
                    .isLessThan(3);
        } else {
            // the documented fallback: each process is held to address-space, the sandbox only to processes × that
            assertThat(held).isEqualTo(3);
        }
    }

    @Test
    void endlessLoopTimesOutAndItsWholeProcessTreeIsKilled() {
        String marker = "loop-" + UUID.randomUUID();
        JsonNode body = shell(
                newChain(),
                List.of("bash -c 'while :; do :; done # " + marker + "' & while :; do :; done # " + marker),
                1_000);

        JsonNode entry = only(body);
        assertThat(entry.get("outcome")).isEqualTo(json.readTree("{\"type\":\"timeout\"}"));
        await().atMost(Duration.ofSeconds(5)).until(() -> processesWith(marker).isEmpty());
    }

    @Test
    void noProcessOutlivesItsCommand() {
        String marker = "daemon-" + UUID.randomUUID();
        JsonNode entry =
                only(shell(newChain(), "nohup bash -c 'sleep 300 # " + marker + "' >/dev/null 2>&1 & echo started"));

        assertThat(stdout(entry)).isEqualTo("started\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> processesWith(marker).isEmpty());
    }

    @Test
    void noRunLeavesAZombieBehind() throws Exception {
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        Set<Long> processesOfTheRuns = new HashSet<>();
        for (int run = 0; run < 3; run++) {
            String chain = newChain();
            String marker = "zombie-" + UUID.randomUUID();
            CompletableFuture<JsonNode> result = client.post()
                    .uri(EXECUTIONS, TENANT, chain)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(shellRequest(List.of("until [ -e go ]; do sleep 0.05; done # " + marker), 20_000, null))
                    .retrieve()
                    .bodyToMono(JsonNode.class)
                    .toFuture();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !processesWith(marker).isEmpty());
            // every process of the running sandbox descends from this JVM: bwrap, and whatever it started
            ProcessHandle.current().descendants().forEach(process -> processesOfTheRuns.add(process.pid()));
            Files.createFile(WORKSPACES.resolve(TENANT).resolve(chain).resolve("work/go"));
            assertThat(exitCode(only(result.get(20, TimeUnit.SECONDS)))).isZero();
        }

        // an orphan is re-parented to PID 1, which need not reap it (no init in a container, or one that reaps late)
        assertThat(ProcessTable.zombies())
                .as("zombies among the runs' processes")
                .doesNotContainAnyElementsOf(processesOfTheRuns);
    }

    @Test
    void hundredMegabytesOfOutputAreCappedWithAnExplicitMarker() {
        // 100 MB on stdout; stderr is capped the same way, shown with 10 MB to keep the run short
        JsonNode body =
                shell(TENANT, newChain(), List.of("yes | head -c 100M", "yes | head -c 10M >&2"), 60_000, 1_000);

        assertThat(body.get("truncated").booleanValue()).isTrue();
        assertThat(body.get("max_output_length").intValue()).isEqualTo(1_000);
        JsonNode out = body.get("output").get(0);
        assertThat(exitCode(out)).isZero();
        String marker = "\n[... " + (100L * 1024 * 1024 - 1_000) + " bytes truncated ...]\n";
        assertThat(stdout(out)).isEqualTo("y\n".repeat(250) + marker + "y\n".repeat(250));
        assertThat(stderr(out)).isEmpty();
        JsonNode err = body.get("output").get(1);
        assertThat(stdout(err)).isEmpty();
        String errMarker = "\n[... " + (10L * 1024 * 1024 - 1_000) + " bytes truncated ...]\n";
        assertThat(stderr(err)).isEqualTo("y\n".repeat(250) + errMarker + "y\n".repeat(250));
    }

    @Test
    void pathTraversalInIdsAndArgumentsIsRefused() {
        for (String[] ids :
                new String[][] {{"..", "c"}, {".hidden", "c"}, {"acme", ".."}, {"acme", "..%2F..%2Fetc"}, {"a%2Fb", "c"}
                }) {
            http.post()
                    .uri(URI.create("http://127.0.0.1:" + port + "/internal/v1/tenants/" + ids[0] + "/chains/" + ids[1]
                            + "/executions"))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"tool\":\"shell\",\"arguments\":{\"commands\":[\"touch /workspace/escaped\"]}}")
                    .exchange()
                    .expectStatus()
                    .value(status -> assertThat(status)
                            .as("tenant %s chain %s", ids[0], ids[1])
                            .isIn(400, 404))
                    .expectBody()
                    .jsonPath("$.error.type")
                    .isEqualTo("invalid_request_error");
        }
        try (var entries = Files.list(WORKSPACES)) {
            assertThat(entries.map(path -> path.getFileName().toString()))
                    .allMatch(name -> !name.contains("..") && !name.equals("etc"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        String chain = newChain();
        for (String path :
                List.of("../../etc/passwd", "/etc/passwd", "/workspace/../etc/passwd", "notes/../../x", "..", "")) {
            execute(
                            TENANT,
                            chain,
                            "{\"tool\":\"read_file\",\"arguments\":{\"path\":" + json.writeValueAsString(path) + "}}")
                    .expectStatus()
                    .isEqualTo(HttpStatus.BAD_REQUEST)
                    .expectBody()
                    .jsonPath("$.error.param")
                    .isEqualTo("arguments.path")
                    .jsonPath("$.error.code")
                    .isEqualTo("invalid_value");
        }

        // a symlink made inside the sandbox resolves inside the sandbox: the host's /etc/passwd stays out of reach
        shell(chain, "ln -s /etc/passwd passwd-link && ln -s ../../.. up");
        JsonNode linked = function(chain, "read_file", json.createObjectNode().put("path", "passwd-link"));
        assertThat(linked.get("stdout").stringValue()).contains("sandbox:x:").doesNotContain("daemon:");
        JsonNode up = function(
                chain, "word_count", json.createObjectNode().set("files", json.readTree("[\"up/etc/shadow\"]")));
        assertThat(up.get("outcome").get("exit_code").intValue()).isNotZero();
    }

    @Test
    void oneChainCannotSeeAnotherChainsWorkspace() throws IOException {
        String secret = "chain-secret-" + UUID.randomUUID();
        String chainA = newChain();
        shell(chainA, "echo " + secret + " > secret.txt");
        String chainB = newChain();

        JsonNode body = shell(
                chainB,
                List.of(
                        "cat secret.txt",
                        "cat ../" + chainA + "/work/secret.txt",
                        "cat " + WORKSPACES + "/" + TENANT + "/" + chainA + "/work/secret.txt",
                        "ls -A /workspace",
                        "find / -path /proc -prune -o -name secret.txt -print 2>/dev/null; grep -rsl -- " + secret
                                + " /etc /tmp /workspace"),
                20_000);
        JsonNode otherTenant = only(shell("beta", chainA, List.of("cat secret.txt"), 10_000, null));

        assertThat(body.toString()).doesNotContain(secret);
        for (int i = 0; i < 3; i++) {
            assertThat(exitCode(body.get("output").get(i))).isNotZero();
        }
        assertThat(stdout(body.get("output").get(3))).isEmpty();
        assertThat(exitCode(otherTenant)).isNotZero();
        assertThat(stdout(otherTenant)).doesNotContain(secret);
        assertThat(stdout(only(shell(chainA, "cat secret.txt")))).isEqualTo(secret + "\n");
        assertThat(Files.readString(
                        WORKSPACES.resolve(TENANT).resolve(chainA).resolve("work/secret.txt"), StandardCharsets.UTF_8))
                .isEqualTo(secret + "\n");
    }
}
