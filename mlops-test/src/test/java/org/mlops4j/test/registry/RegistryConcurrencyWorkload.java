package org.mlops4j.test.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.test.process.ParentChannel;
import org.mlops4j.test.process.WorkerThreads;

/**
 * A child of {@link RegistryConcurrencyTest}: several threads that, until a deadline, register a version of
 * {@value #MODEL} and move its alias {@value #ALIAS} to it by compare-and-set ({@link AliasUpdate#expecting} the
 * version just read, {@link AliasUpdate#expectingAbsent} when there is none), re-reading after each conflict.
 *
 * <p>Arguments: lake directory, writer id, threads, duration in milliseconds. Waits for {@code GO} after
 * {@code READY}; reports one line per registration ({@code REG <request id> <version>}) and per successful move
 * ({@code MOVE <move id> <sequence> <from> <to>}), and prints {@code RESULT registrations=… moves=… conflicts=…}.
 */
public final class RegistryConcurrencyWorkload {
    static final String MODEL = "churn";
    static final String ALIAS = "champion";

    /** Gives up on one move after this many conflicts: only a broken compare-and-set would need that many. */
    private static final int MAX_CONFLICTS_PER_MOVE = 100_000;

    private RegistryConcurrencyWorkload() {}

    public static void main(String[] args) throws InterruptedException {
        ParentChannel parent = ParentChannel.open();
        Path lake = Path.of(args[0]);
        String writer = args[1];
        int threads = Integer.parseInt(args[2]);
        Duration duration = Duration.ofMillis(Long.parseLong(args[3]));

        AtomicLong registrations = new AtomicLong();
        AtomicLong moves = new AtomicLong();
        AtomicLong conflicts = new AtomicLong();
        List<String> lines;
        try (Mlops mlops = Mlops.builder().localLake(lake).cacheDirectory(null).build()) {
            ModelRegistry registry = mlops.registry();
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
