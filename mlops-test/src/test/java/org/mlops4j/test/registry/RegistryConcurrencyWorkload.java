package org.mlops4j.test.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.test.HookedRegistryDriver;
import org.mlops4j.test.NonAtomicRegistryDriver;
import org.mlops4j.test.process.ParentChannel;
import org.mlops4j.test.process.WorkerThreads;

/**
 * A child of {@link RegistryConcurrencyTest}: several threads that, until a deadline, register a version of
 * {@value #MODEL} and move its alias {@value #ALIAS} to it by compare-and-set ({@link AliasUpdate#expecting} the
 * version just read, {@link AliasUpdate#expectingAbsent} when there is none), re-reading after each conflict.
 *
 * <p>Arguments: lake directory, writer id, threads, duration in milliseconds, and optionally the registry driver:
 * {@value #LAKE} (the default), {@value #NON_ATOMIC} (the test kit's {@code NonAtomicRegistryDriver} on the same local
 * store, so that the registry takes its alias lease), or {@value #NON_ATOMIC_UNLEASHED} (the same driver claiming
 * atomic alias moves, so that the registry skips the lease: to see what the lease prevents). Waits for {@code GO} after
 * {@code READY}; reports one line per registration ({@code REG <request id> <version>}) and per successful move
 * ({@code MOVE <move id> <sequence> <from> <to>}), and prints {@code RESULT registrations=… moves=… conflicts=…}.
 */
public final class RegistryConcurrencyWorkload {
    static final String MODEL = "churn";
    static final String ALIAS = "champion";
    static final String LAKE = "lake";
    static final String NON_ATOMIC = "nonatomic";
    static final String NON_ATOMIC_UNLEASHED = "nonatomic-unleashed";

    /** Gives up on one move after this many conflicts: only a broken compare-and-set would need that many. */
    private static final int MAX_CONFLICTS_PER_MOVE = 100_000;

    private RegistryConcurrencyWorkload() {}

    public static void main(String[] args) throws InterruptedException {
        ParentChannel parent = ParentChannel.open();
        Path lake = Path.of(args[0]);
        String writer = args[1];
        int threads = Integer.parseInt(args[2]);
        Duration duration = Duration.ofMillis(Long.parseLong(args[3]));
        String driver = args.length > 4 ? args[4] : LAKE;

        AtomicLong registrations = new AtomicLong();
        AtomicLong moves = new AtomicLong();
        AtomicLong conflicts = new AtomicLong();
        List<String> lines;
        try (Opened opened = open(lake, driver)) {
            ModelRegistry registry = opened.mlops().registry();
            parent.ready();
            parent.awaitGo();
            long deadline = System.nanoTime() + duration.toNanos();
            lines = WorkerThreads.runAll(writer, threads, (thread, mine, stopped) -> {
                for (long seq = 1; System.nanoTime() < deadline && !stopped.getAsBoolean(); seq++) {
                    String id = thread + "-" + seq;
                    ModelVersion version = registry.register(
                            new ModelRegistration(MODEL).requestId("req-" + id).tag("writer", thread));
                    mine.add("REG req-" + id + " " + version.getVersion());
                    registrations.incrementAndGet();
                    mine.add(moveAlias(registry, version.getVersion(), "move-" + id, thread, conflicts));
                    moves.incrementAndGet();
                }
            });
        }
        parent.reportAndExit(
                lines,
                String.format(
                        Locale.ROOT,
                        "registrations=%d moves=%d conflicts=%d",
                        registrations.get(),
                        moves.get(),
                        conflicts.get()));
    }

    /** An {@link Mlops} on a local lake with a registry driver, and what to close after it. */
    record Opened(Mlops mlops, List<AutoCloseable> resources) implements AutoCloseable {
        @Override
        public void close() {
            mlops.close();
            for (AutoCloseable resource : resources) {
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close " + resource, e);
                }
            }
        }
    }

    /** Opens the lake with the named driver ({@value #LAKE}, {@value #NON_ATOMIC} or {@value #NON_ATOMIC_UNLEASHED}). */
    static Opened open(Path lake, String driver) {
        if (driver.equals(LAKE)) {
            return new Opened(
                    Mlops.builder().localLake(lake).cacheDirectory(null).build(), List.of());
        }
        LocalObjectStore store = LocalObjectStore.open(lake);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        RegistryDriver nonAtomic = new NonAtomicRegistryDriver(store, executor);
        RegistryDriver chosen = switch (driver) {
            case NON_ATOMIC -> nonAtomic;
            case NON_ATOMIC_UNLEASHED -> new HookedRegistryDriver(nonAtomic, true, () -> {});
            default -> throw new IllegalArgumentException("unknown registry driver '" + driver + "'");
        };
        Mlops mlops = Mlops.builder()
                .objectStore(store)
                .executor(executor)
                .cacheDirectory(null)
                .registryDriver(chosen)
                .build();
        return new Opened(mlops, List.of(store, executor::shutdown));
    }

    /** Moves the alias to {@code version}, re-reading it after each conflict; returns the move's output line. */
    private static String moveAlias(
            ModelRegistry registry, long version, String moveId, String thread, AtomicLong conflicts) {
        for (int attempt = 0; attempt < MAX_CONFLICTS_PER_MOVE; attempt++) {
            Optional<ModelAlias> current = registry.findAlias(MODEL, ALIAS);
            long from = current.map(ModelAlias::version).orElse(0L);
            AliasUpdate update = current.isPresent() ? AliasUpdate.expecting(from) : AliasUpdate.expectingAbsent();
            try {
                ModelAlias moved = registry.setAlias(
                        MODEL, ALIAS, version, update.by(thread).run(moveId).reason("race " + moveId));
                return "MOVE " + moveId + " " + moved.sequence() + " " + from + " " + moved.version();
            } catch (ConflictException e) {
                conflicts.incrementAndGet();
            }
        }
        throw new IllegalStateException(
                moveId + " lost " + MAX_CONFLICTS_PER_MOVE + " compare-and-sets in a row; the alias never settles");
    }
}
