package dev.hotloop.toolrunner.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotloop.protocol.id.TenantIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceRepositoryTest {

    private static final Duration TTL = Duration.ofHours(1);

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));

    @Test
    void workspaceIsCreatedForTheSandboxUserBehindServiceOwnedDirectories() throws IOException {
        WorkspaceRepository workspaces =
                new WorkspaceRepository(root, new WorkspaceRepository.WorkspaceOwner(65534, 65534), clock);

        try (WorkspaceRepository.Lease lease = workspaces.open(new WorkspaceKey("acme", "c1"))) {
            Path work = lease.directory();
            assertThat(work).isEqualTo(root.resolve("acme/c1/work"));
            assertThat(Files.getAttribute(work, "unix:uid")).isEqualTo(65534);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work)))
                    .isEqualTo("rwx------");
            assertThat(Files.getAttribute(work.getParent(), "unix:uid")).isNotEqualTo(65534);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.getParent())))
                    .isEqualTo("rwx--x--x");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root)))
                    .isEqualTo("rwx--x--x");
        }
    }

    @Test
    void onlyWorkspacesUnusedForTheTtlAreRemoved() throws IOException {
        WorkspaceRepository workspaces = new WorkspaceRepository(root, null, clock);
        workspaces.open(new WorkspaceKey("acme", "old")).close();
        clock.advance(Duration.ofMinutes(50));
        workspaces.open(new WorkspaceKey("acme", "recent")).close();
        WorkspaceRepository.Lease busy = workspaces.open(new WorkspaceKey("acme", "busy"));
        clock.advance(Duration.ofMinutes(20));

        assertThat(workspaces.removeExpired(TTL)).isEqualTo(1);
        assertThat(root.resolve("acme/old")).doesNotExist();
        assertThat(root.resolve("acme/recent/work")).isDirectory();
        assertThat(root.resolve("acme/busy/work")).isDirectory();

        clock.advance(Duration.ofMinutes(50));
        assertThat(workspaces.removeExpired(TTL)).isEqualTo(1);
        assertThat(root.resolve("acme/recent")).doesNotExist();
        assertThat(root.resolve("acme/busy/work")).isDirectory();

        busy.close(); // closing counts as a use
        assertThat(workspaces.removeExpired(TTL)).isZero();
        clock.advance(TTL.plusSeconds(1));
        assertThat(workspaces.removeExpired(TTL)).isEqualTo(1);
        try (var left = Files.list(root.resolve(".trash"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void removalNeverFollowsLinksOutOfTheWorkspace(@TempDir Path outside) throws Exception {
        Path precious = Files.writeString(outside.resolve("precious.txt"), "keep me");
        WorkspaceRepository workspaces = new WorkspaceRepository(root, null, clock);
        try (WorkspaceRepository.Lease lease = workspaces.open(new WorkspaceKey("acme", "links"))) {
            Files.createSymbolicLink(lease.directory().resolve("dir-link"), outside);
            Files.createSymbolicLink(lease.directory().resolve("file-link"), precious);
            Path locked = Files.createDirectories(lease.directory().resolve("locked/inner"));
            Files.writeString(locked.resolve("f"), "x");
            Files.setPosixFilePermissions(locked.getParent(), PosixFilePermissions.fromString("---------"));
        }

        assertThat(workspaces.remove(new WorkspaceKey("acme", "links"))).isTrue();

        assertThat(root.resolve("acme/links")).doesNotExist();
        assertThat(precious).hasContent("keep me");
        assertThat(Files.exists(outside, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void workspaceInUseCannotBeRemoved() throws Exception {
        WorkspaceRepository workspaces = new WorkspaceRepository(root, null, clock);
        WorkspaceKey key = new WorkspaceKey("acme", "in-use");
        try (WorkspaceRepository.Lease lease = workspaces.open(key)) {
            assertThatThrownBy(() -> workspaces.remove(key))
                    .isInstanceOf(WorkspaceRepository.WorkspaceInUseException.class);
            assertThat(lease.directory()).isDirectory();
        }
        assertThat(workspaces.remove(key)).isTrue();
        assertThat(workspaces.remove(key)).isFalse();
    }

    @Test
    void idsCanNeverNameAnotherDirectory() {
        for (String bad : List.of("", ".", "..", ".hidden", "a/b", "a\\b", "../x", "a b", "é", "x".repeat(65))) {
            assertThat(TenantIds.isValid(bad)).as("tenant '%s'", bad).isFalse();
        }
        for (String bad : List.of("", ".", "..", "..%2F", "a/b", "x".repeat(129))) {
            assertThat(WorkspaceKey.isValidChain(bad)).as("chain '%s'", bad).isFalse();
        }
        assertThat(TenantIds.isValid("acme-1.eu_west")).isTrue();
        assertThat(WorkspaceKey.isValidChain("0123456789abcdef")).isTrue();
        assertThatThrownBy(() -> new WorkspaceKey("..", "c")).isInstanceOf(IllegalArgumentException.class);
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
