package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.test.HookedRegistryDriver;

/**
 * Issue 20, acceptance 1 (second half): {@value #WRITERS} threads move one alias of one registered model on the real
 * MLflow server through {@link ModelRegistry}, by compare-and-set, for {@value #DEFAULT_SECONDS} s
 * ({@code -D}{@value #DURATION_PROPERTY} sets the seconds). MLflow cannot move an alias by compare-and-set, so the
 * driver reports {@code atomicAliasMove=false} and the registry takes its alias lease in the lake around every move. No
 * update is lost: every move a writer saw succeed is in the alias history exactly once, with the sequence, start and
 * target the writer saw; the history is one gap-free chain; the alias ends where the last entry points; and the
 * writers did conflict.
 *
 * <p>With {@code -D}{@value #BYPASS_LEASE_PROPERTY}{@code =true} the driver is wrapped to claim atomic alias moves, the
 * registry skips its lease, and the test is expected to fail with lost updates: {@code ./mvnw -B -o -pl mlops-mlflow
 * test -Dtest=MlflowAliasConcurrencyTest -Dmlops4j.registry.concurrency.bypassLease=true}.
 */
class MlflowAliasConcurrencyTest {
    /** The system property that sets how long the writers run, in seconds. */
    static final String DURATION_PROPERTY = "mlops4j.registry.concurrency.seconds";
    /** The system property that makes the driver claim atomic alias moves, so that the registry skips its lease. */
    static final String BYPASS_LEASE_PROPERTY = "mlops4j.registry.concurrency.bypassLease";

    private static final long DEFAULT_SECONDS = 20;
    private static final int WRITERS = 8;
    private static final int VERSIONS = 5;
    private static final String MODEL = "race";
    private static final String ALIAS = "champion";
    /** Gives up on one move after this many conflicts in a row: only a broken compare-and-set would need that many. */
    private static final int MAX_CONFLICTS_PER_MOVE = 100_000;

    @TempDir
    Path dir;

    private record Move(String moveId, long sequence, long from, long to) {}

    @Test
    void shouldLoseNoAliasMoveWhenEightWritersRaceOnTheRealServer() throws Exception {
        MlflowServer server = MlflowServer.shared();
        boolean bypass = Boolean.getBoolean(BYPASS_LEASE_PROPERTY);
        Duration duration = Duration.ofSeconds(Long.getLong(DURATION_PROPERTY, DEFAULT_SECONDS));
        ExecutorService executor = Executors.newFixedThreadPool(2);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        MlflowRegistryDriver mlflow =
                MlflowRegistryDriver.builder(server.getTrackingUri()).build();
        MlflowRegistryDriverContractTest.deleteAllRegisteredModels(mlflow.http());
        assertThat(mlflow.capabilities().atomicAliasMove())
                .as("MLflow moves no alias by compare-and-set")
                .isFalse();
        RegistryDriver driver = bypass ? new HookedRegistryDriver(mlflow, true, () -> {}) : mlflow;
        try (LocalObjectStore lake = LocalObjectStore.open(dir.resolve("lake"));
                Mlops mlops = Mlops.builder()
                        .objectStore(lake)
                        .executor(executor)
                        .cacheDirectory(null)
                        .registryDriver(driver)
                        .build()) {
            ModelRegistry registry = mlops.registry();
            for (int i = 1; i <= VERSIONS; i++) {
                registry.register(new ModelRegistration(MODEL).requestId("setup-" + i));
            }

            AtomicLong conflicts = new AtomicLong();
            List<Move> moves = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            long[] started = new long[1];
            for (int w = 0; w < WRITERS; w++) {
                String writer = "w" + w;
                int offset = w;
                running.add(writers.submit(() -> {
                    go.await();
                    long deadline = started[0] + duration.toNanos();
                    for (long seq = 1; System.nanoTime() < deadline; seq++) {
                        moves.add(move(registry, writer + "-" + seq, writer, offset, conflicts));
                    }
                    return null;
                }));
            }
            started[0] = System.nanoTime();
            go.countDown();
            List<Throwable> errors = new ArrayList<>();
            for (Future<?> f : running) {
                try {
                    f.get(duration.toSeconds() + 120, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    errors.add(e.getCause());
                }
            }
            double seconds = (System.nanoTime() - started[0]) / 1e9;

            Map<String, Move> movesById = new HashMap<>();
            for (Move move : moves) {
                assertThat(movesById.put(move.moveId(), move)).isNull();
            }
            List<AliasEvent> history =
                    registry.aliasHistory(MODEL, ALIAS).stream().toList();
            Set<Move> recorded = history.stream()
                    .map(e -> new Move(e.runId(), e.sequence(), e.fromVersion(), e.toVersion()))
                    .collect(Collectors.toSet());
            long lost = movesById.values().stream()
                    .filter(move -> !recorded.contains(move))
                    .count();
            long gaps = 0;
            for (int i = 0; i < history.size(); i++) {
                boolean follows = history.get(i).sequence() == i + 1
                        && history.get(i).fromVersion()
                                == (i == 0 ? 0 : history.get(i - 1).toVersion());
                gaps += follows ? 0 : 1;
            }
            Optional<ModelAlias> current = registry.findAlias(MODEL, ALIAS);
            System.out.printf(
                    Locale.ROOT,
                    "MLflow %s alias race (%s): %d writers, %.1f s: alias moves reported=%d, in history=%d,"
                            + " conflicts=%d, lost updates=%d, history gaps=%d, writer errors=%d, alias at %s%n",
                    server.getVersion(),
                    bypass ? "lease BYPASSED" : "the registry's lease",
                    WRITERS,
                    seconds,
                    movesById.size(),
                    history.size(),
                    conflicts.get(),
                    lost,
                    gaps,
                    errors.size(),
                    current.map(a -> "v" + a.version() + " #" + a.sequence()).orElse("nothing"));

            assertThat(errors).as("the writers' errors").isEmpty();
            assertThat(movesById).as("successful moves").isNotEmpty();
            assertThat(history)
                    .extracting(AliasEvent::sequence)
                    .as("the alias history's sequence numbers: 1..%d, no gap", movesById.size())
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, movesById.size()).boxed().collect(Collectors.toList()));
            long previous = 0;
            Map<String, Integer> seen = new HashMap<>();
            for (AliasEvent event : history) {
                assertThat(event.fromVersion())
                        .as("move #%d starts where #%d ended", event.sequence(), event.sequence() - 1)
                        .isEqualTo(previous);
                previous = event.toVersion();
                Move move = movesById.get(event.runId());
                assertThat(move)
                        .as("history entry %s was made by a successful move", event)
                        .isNotNull();
                assertThat(event.reason()).isEqualTo("race " + move.moveId());
                assertThat(new Move(event.runId(), event.sequence(), event.fromVersion(), event.toVersion()))
                        .as("the history entry of %s", move.moveId())
                        .isEqualTo(move);
                assertThat(seen.merge(event.runId(), 1, Integer::sum))
                        .as("entries of %s", event.runId())
                        .isEqualTo(1);
            }
            assertThat(lost).as("lost updates").isZero();
            assertThat(seen.keySet())
                    .as("every successful move is in the history")
                    .containsExactlyInAnyOrderElementsOf(movesById.keySet());
            AliasEvent last = history.get(history.size() - 1);
            ModelAlias alias = current.orElseThrow();
            assertThat(alias.version()).as("where the alias points").isEqualTo(last.toVersion());
            assertThat(alias.sequence()).isEqualTo(last.sequence());
            assertThat(alias.runId()).isEqualTo(last.runId());
            assertThat(conflicts.get())
                    .as("alias conflicts: the writers must have raced for the alias")
                    .isPositive();
        } finally {
            writers.shutdownNow();
            executor.shutdown();
        }
    }

    /**
     * Moves the alias away from where it points, to a version chosen by the writer's offset, re-reading after each
     * conflict; returns the move as the writer saw it succeed.
     */
    private static Move move(ModelRegistry registry, String moveId, String writer, int offset, AtomicLong conflicts) {
        for (int attempt = 0; attempt < MAX_CONFLICTS_PER_MOVE; attempt++) {
            Optional<ModelAlias> current = registry.findAlias(MODEL, ALIAS);
            long from = current.map(ModelAlias::version).orElse(0L);
            // a version other than the current one: from + 1 + (offset + attempt) mod (VERSIONS - 1), wrapped
            long to = (from + (offset + attempt) % (VERSIONS - 1)) % VERSIONS + 1;
            AliasUpdate update = current.isPresent() ? AliasUpdate.expecting(from) : AliasUpdate.expectingAbsent();
            try {
                ModelAlias moved = registry.setAlias(
                        MODEL, ALIAS, to, update.by(writer).run(moveId).reason("race " + moveId));
                return new Move(moveId, moved.sequence(), from, moved.version());
            } catch (ConflictException e) {
                conflicts.incrementAndGet();
            }
        }
        throw new IllegalStateException(
                moveId + " lost " + MAX_CONFLICTS_PER_MOVE + " compare-and-sets in a row; the alias never settles");
    }
}
