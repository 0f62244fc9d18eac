package org.mlops4j.test.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.test.process.ChildGroup;
import org.mlops4j.test.process.ChildJvm;

/**
 * Acceptance test 2 of issue "Model registry and lineage from data to models": two JVMs with four threads each, for at
 * least ten seconds ({@value #DURATION_PROPERTY}, in seconds), register versions of one model on one local lake and
 * move one alias to each new version by compare-and-set. No update is lost: every version 1..N belongs to exactly one
 * registration, every successful move is in the alias's history exactly once, the history is one gap-free chain that
 * ends where the alias points, and conflicts did happen.
 *
 * <p>Issue 14's acceptance 2 runs the same race on the test kit's {@code NonAtomicRegistryDriver}, whose alias write
 * is a plain read-then-write shared by the processes through the local store: the registry's alias lease alone keeps
 * the updates. With {@code -D}{@value #BYPASS_LEASE_PROPERTY}{@code =true} the driver claims atomic moves, the
 * registry skips the lease, and the test fails with lost updates and history gaps: run
 * {@code ./mvnw -o -pl mlops-test test -Dtest=RegistryConcurrencyTest#shouldLoseNoAliasMoveOnANonAtomicDriverWhenEightWritersInTwoProcessesRace
 * -Dmlops4j.registry.concurrency.bypassLease=true}.
 */
class RegistryConcurrencyTest {
    /** The system property that sets how long the writers run, in seconds; 10 by default. */
    static final String DURATION_PROPERTY = "mlops4j.registry.concurrency.seconds";
    /** The system property that makes the non-atomic driver claim atomic moves, so that the registry skips its lease. */
    static final String BYPASS_LEASE_PROPERTY = "mlops4j.registry.concurrency.bypassLease";

    private static final int PROCESSES = 2;
    private static final int THREADS = 4;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private record Move(String moveId, long sequence, long from, long to) {}

    @Test
    void shouldLoseNoRegistrationNorAliasMoveWhenTwoProcessesRace() {
        race(RegistryConcurrencyWorkload.LAKE);
    }

    @Test
    void shouldLoseNoAliasMoveOnANonAtomicDriverWhenEightWritersInTwoProcessesRace() {
        race(
                Boolean.getBoolean(BYPASS_LEASE_PROPERTY)
                        ? RegistryConcurrencyWorkload.NON_ATOMIC_UNLEASHED
                        : RegistryConcurrencyWorkload.NON_ATOMIC);
    }

    /** Runs {@value #PROCESSES} children of {@value #THREADS} writers each on one lake with a driver, and checks. */
    private void race(String driver) {
        Duration duration = Duration.ofSeconds(Long.getLong(DURATION_PROPERTY, 10));
        Path lake = dir.resolve("lake");
        ChildGroup.RaceResults results = ChildGroup.race(
                PROCESSES,
                p -> ChildJvm.builder(RegistryConcurrencyWorkload.class)
                        .name("registrar" + p)
                        .outputDirectory(dir.resolve("children"))
                        .args(
                                lake.toString(),
                                "p" + p,
                                Integer.toString(THREADS),
                                Long.toString(duration.toMillis()),
                                driver)
                        .build(),
                START_TIMEOUT,
                duration.plus(Duration.ofMinutes(2)));

        long registrations = results.sum("registrations");
        long moves = results.sum("moves");
        long conflicts = results.sum("conflicts");
        Map<String, Long> versionOfRequest = new HashMap<>();
        Map<Long, String> requestOfVersion = new HashMap<>();
        Map<String, Move> movesById = new HashMap<>();
        for (String line : results.reportedLines()) {
            String[] fields = line.split(" ");
            if (fields[0].equals("REG")) {
                long version = Long.parseLong(fields[2]);
                assertThat(versionOfRequest.put(fields[1], version))
                        .as("request %s registered twice", fields[1])
                        .isNull();
                assertThat(requestOfVersion.put(version, fields[1]))
                        .as("version %d given to two registrations", version)
                        .isNull();
            } else {
                assertThat(fields[0]).isEqualTo("MOVE");
                Move move = new Move(
                        fields[1], Long.parseLong(fields[2]), Long.parseLong(fields[3]), Long.parseLong(fields[4]));
                assertThat(movesById.put(move.moveId(), move)).isNull();
            }
        }
        assertThat(versionOfRequest).hasSize((int) registrations);
        assertThat(movesById).hasSize((int) moves);
        assertThat(moves)
                .as("each registration is followed by one successful move")
                .isEqualTo(registrations);

        try (RegistryConcurrencyWorkload.Opened opened = RegistryConcurrencyWorkload.open(lake, driver)) {
            ModelRegistry registry = opened.mlops().registry();
            String model = RegistryConcurrencyWorkload.MODEL;
            String alias = RegistryConcurrencyWorkload.ALIAS;
            report(driver, results, registry, movesById);

            List<ModelVersion> versions = registry.versions(model).stream().toList();
            long n = versions.size();
            assertThat(versions)
                    .extracting(ModelVersion::getVersion)
                    .as("the registry's versions: each of %d..1 exactly once", n)
                    .containsExactlyElementsOf(LongStream.iterate(n, v -> v >= 1, v -> v - 1)
                            .boxed()
                            .collect(Collectors.toList()));
            assertThat(requestOfVersion.keySet())
                    .as("the versions the registrations were given")
                    .containsExactlyInAnyOrderElementsOf(
                            LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList()));
            for (ModelVersion version : versions) {
                assertThat(version.getRequestId())
                        .as("the request that owns version %d", version.getVersion())
                        .isEqualTo(requestOfVersion.get(version.getVersion()));
            }

            List<AliasEvent> history =
                    registry.aliasHistory(model, alias).stream().toList();
            assertThat(history)
                    .extracting(AliasEvent::sequence)
                    .as("the alias history's sequence numbers")
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, moves).boxed().collect(Collectors.toList()));
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
            assertThat(seen.keySet())
                    .as("every successful move is in the history")
                    .containsExactlyInAnyOrderElementsOf(movesById.keySet());

            ModelAlias current = registry.findAlias(model, alias).orElseThrow();
            AliasEvent last = history.get(history.size() - 1);
            assertThat(current.version()).as("where the alias points").isEqualTo(last.toVersion());
            assertThat(current.sequence()).isEqualTo(last.sequence());
            assertThat(current.runId()).isEqualTo(last.runId());

            assertThat(conflicts)
                    .as("alias conflicts: the writers must have raced for the alias at least once")
                    .isPositive();

            System.out.printf(
                    Locale.ROOT,
                    "registry concurrency: %d processes x %d threads, duration %.1f s: N=%d versions,"
                            + " successful alias moves=%d, alias conflicts=%d (%.2f per move), alias at v%d after"
                            + " #%d%n",
                    PROCESSES,
                    THREADS,
                    results.seconds(),
                    n,
                    moves,
                    conflicts,
                    moves == 0 ? 0.0 : (double) conflicts / moves,
                    current.version(),
                    current.sequence());
        }
    }

    /**
     * Prints the race's figures before anything is asserted, so that a failing run still shows them: successful moves
     * the writers reported, lost updates (reported moves missing from the history, or recorded under another move's
     * number) and history gaps (entries whose sequence or start does not follow the previous one).
     */
    private static void report(
            String driver, ChildGroup.RaceResults results, ModelRegistry registry, Map<String, Move> movesById) {
        List<AliasEvent> history =
                registry.aliasHistory(RegistryConcurrencyWorkload.MODEL, RegistryConcurrencyWorkload.ALIAS).stream()
                        .toList();
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
        System.out.printf(
                Locale.ROOT,
                "registry concurrency on driver %s: %d processes x %d writers = %d writers, %.1f s: alias moves"
                        + " reported=%d, in history=%d, conflicts=%d, lost updates=%d, history gaps=%d%n",
                driver,
                PROCESSES,
                THREADS,
                PROCESSES * THREADS,
                results.seconds(),
                movesById.size(),
                history.size(),
                results.sum("conflicts"),
                lost,
                gaps);
    }
}
