package dev.hotloop.toolrunner.workspace;

import dev.hotloop.protocol.id.TenantIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workspaces on the host: {@code <root>/<tenant>/<chain>/work}. Only {@code work} is handed to a sandbox (owned
 * by the sandbox user); the directories above it belong to the service, and the {@code <chain>} directory's
 * modification time records the last use, out of the sandbox's reach.
 *
 * <p>A workspace in use (between {@link #open} and {@link Lease#close}) is never removed. Removal first renames the
 * {@code <chain>} directory into {@code <root>/.trash} (atomic, so a concurrent {@link #open} simply starts a fresh
 * workspace), then deletes it without following symbolic links.
 */
public final class WorkspaceRepository {

    private static final Logger log = LoggerFactory.getLogger(WorkspaceRepository.class);
    private static final String WORK = "work";
    private static final String TRASH = ".trash";

    private final Path root;
    private final Path trash;
    private final @Nullable WorkspaceOwner owner;
    private final Clock clock;
    private final ConcurrentHashMap<WorkspaceKey, Integer> leases = new ConcurrentHashMap<>();

    /**
     * Creates the root when missing and empties the trash a previous run may have left.
     *
     * @param owner the host user that owns each {@code work} directory, or null for the service's own user
     * @throws UncheckedIOException when the root cannot be created
     */
    public WorkspaceRepository(Path root, @Nullable WorkspaceOwner owner, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.trash = this.root.resolve(TRASH);
        this.owner = owner;
        this.clock = clock;
        try {
            Files.createDirectories(this.root);
            if (Files.getOwner(this.root).equals(Files.getOwner(Path.of("/proc/self")))) {
                traversable(this.root);
            }
            Files.createDirectories(trash);
            Files.setPosixFilePermissions(trash, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the workspace root " + this.root, e);
        }
        emptyTrash();
    }

    public Path root() {
        return root;
    }

    /**
     * Opens the workspace of a chain, creating it when missing, and marks it in use until the lease is closed.
     *
     * @throws UncheckedIOException when the directories cannot be created
     */
    public Lease open(WorkspaceKey key) {
        leases.merge(key, 1, Integer::sum);
        try {
            Path tenantDir = root.resolve(key.tenant());
            Path chainDir = tenantDir.resolve(key.chain());
            Path work = chainDir.resolve(WORK);
            if (!Files.isDirectory(work, LinkOption.NOFOLLOW_LINKS)) {
                create(tenantDir, chainDir, work);
            }
            touch(chainDir);
            return new Lease(key, work, chainDir);
        } catch (IOException | RuntimeException e) {
            release(key);
            throw e instanceof IOException io
                    ? new UncheckedIOException("Cannot open the workspace", io)
                    : (RuntimeException) e;
        }
    }

    /** True when the workspace existed and is now removed; false when there was none. */
    public boolean remove(WorkspaceKey key) throws WorkspaceInUseException {
        Result result = new Result();
        leases.compute(key, (k, users) -> {
            if (users != null) {
                result.inUse = true;
            } else {
                result.moved = moveToTrash(k, null);
            }
            return users;
        });
        if (result.inUse) {
            throw new WorkspaceInUseException();
        }
        emptyTrash();
        return result.moved;
    }

    /**
     * Removes every workspace not in use whose last use is older than {@code ttl}.
     *
     * @return how many were removed
     */
    public int removeExpired(Duration ttl) {
        Instant cutoff = clock.instant().minus(ttl);
        int removed = 0;
        try (DirectoryStream<Path> tenants = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path tenantDir : tenants) {
                String tenant = tenantDir.getFileName().toString();
                if (!TenantIds.isValid(tenant)) {
                    continue;
                }
                try (DirectoryStream<Path> chains = Files.newDirectoryStream(tenantDir)) {
                    for (Path chainDir : chains) {
                        String chain = chainDir.getFileName().toString();
                        if (WorkspaceKey.isValidChain(chain) && expire(new WorkspaceKey(tenant, chain), cutoff)) {
                            removed++;
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.warn("Could not scan the workspaces under {}: {}", root, e.toString());
        }
        emptyTrash();
        return removed;
    }

    /** How many workspaces are open right now. */
    public int inUse() {
        return leases.size();
    }

    private boolean expire(WorkspaceKey key, Instant cutoff) {
        Result result = new Result();
        leases.compute(key, (k, users) -> {
            if (users == null) {
                result.moved = moveToTrash(k, cutoff);
            }
            return users;
        });
        return result.moved;
    }

    /** Renames the chain directory into the trash when it is older than {@code cutoff} (or always, if null). */
    private boolean moveToTrash(WorkspaceKey key, @Nullable Instant cutoff) {
        Path chainDir = root.resolve(key.tenant()).resolve(key.chain());
        try {
            if (cutoff != null
                    && !Files.getLastModifiedTime(chainDir, LinkOption.NOFOLLOW_LINKS)
                            .toInstant()
                            .isBefore(cutoff)) {
                return false;
            }
            Files.move(chainDir, trash.resolve(UUID.randomUUID().toString()));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            log.warn("Could not remove workspace {}/{}: {}", key.tenant(), key.chain(), e.toString());
            return false;
        }
    }

    private void create(Path tenantDir, Path chainDir, Path work) throws IOException {
        Files.createDirectories(chainDir);
        traversable(tenantDir);
        traversable(chainDir);
        try {
            Files.createDirectory(work);
        } catch (FileAlreadyExistsException e) {
            return; // a concurrent open created it
        }
        if (owner != null) {
            Files.setAttribute(work, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(work, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
        }
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx------"));
    }

    /** The sandbox user must pass through, and nobody may list: {@code rwx--x--x}. */
    private static void traversable(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    private void touch(Path chainDir) throws IOException {
        Files.setLastModifiedTime(chainDir, FileTime.from(clock.instant()));
    }

    private void release(WorkspaceKey key) {
        leases.computeIfPresent(key, (k, users) -> users == 1 ? null : users - 1);
    }

    private void emptyTrash() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(trash)) {
            for (Path entry : entries) {
                deleteTree(entry);
            }
        } catch (IOException e) {
            log.warn("Could not empty {}: {}", trash, e.toString());
        }
    }

    /** Deletes a tree the sandbox wrote: never follows a link, and makes unwritable directories writable first. */
    static void deleteTree(Path top) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                try {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } catch (IOException ignored) {
                    // not ours to change: deletion reports it below
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (!(e instanceof AccessDeniedException)) {
                    throw e;
                }
                // a directory the sandbox made unreadable (only matters when the service is not root)
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
                deleteTree(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static final class Result {
        boolean moved;
        boolean inUse;
    }

    /** A workspace in use; closing it records the last use and lets it expire again. */
    public final class Lease implements AutoCloseable {

        private final WorkspaceKey key;
        private final Path directory;
        private final Path chainDir;
        private boolean closed;

        private Lease(WorkspaceKey key, Path directory, Path chainDir) {
            this.key = key;
            this.directory = directory;
            this.chainDir = chainDir;
        }

        /** The host directory bound as {@code /workspace} in the sandbox. */
        public Path directory() {
            return directory;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                touch(chainDir);
            } catch (IOException e) {
                log.debug("Could not record the last use of {}: {}", chainDir, e.toString());
            } finally {
                release(key);
            }
        }
    }

    /**
     * The host user owning each workspace's {@code work} directory.
     *
     * @param uid the user id
     * @param gid the group id
     */
    public record WorkspaceOwner(int uid, int gid) {}

    /** The workspace is open by a running execution. */
    public static final class WorkspaceInUseException extends Exception {
        public WorkspaceInUseException() {
            super("The workspace is in use by a running execution.", null, false, false);
        }
    }
}
