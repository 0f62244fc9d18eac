package org.mlops4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelQuery;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.spi.AliasPointer;
import org.mlops4j.registry.spi.RegistryCapabilities;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoreLease;

/**
 * The contract every {@link RegistryDriver} passes under {@link ModelRegistry}, parameterised by its
 * {@link RegistryCapabilities}: a test that depends on a capability says so in its name and asserts the documented
 * behaviour either way, so every backend runs the same tests. Besides what the driver stores, it checks what the
 * registry guarantees over any driver: the lineage edges from each input, the gap-free alias history, request-id
 * idempotency with twins, artifacts registered from the lake without an upload, and, for a driver without atomic alias
 * moves, the alias lease.
 *
 * <p>Extend it and implement {@link #createDriver}; override {@link #createLake} to run on another store than an
 * {@link InMemoryObjectStore}. The registry runs on a {@link CountingObjectStore} over that lake and a
 * {@link ManualClock}.
 */
public abstract class ModelRegistryContract {
    /** A temp directory for artifacts and lakes; fresh per test. */
    @TempDir
    protected Path temp;

    /** The lake under the registry, counting the requests made to it. */
    protected CountingObjectStore lake;

    /** The driver under test. */
    protected RegistryDriver driver;

    /** The {@code Mlops} over the lake and the driver. */
    protected Mlops mlops;

    /** The registry under test. */
    protected ModelRegistry registry;

    /** The registry's clock; tests advance it. */
    protected final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));

    private ExecutorService executor;

    /**
     * Creates the driver under test.
     *
     * @param lake the lake the registry runs on (a driver that keeps its records in a store may use it)
     * @param executor an executor for artifact hashing
     * @param directory a fresh directory it may use
     * @return the driver
     * @throws Exception on failure
     */
    protected abstract RegistryDriver createDriver(ObjectStore lake, ExecutorService executor, Path directory)
            throws Exception;

    /**
     * Creates the lake; an {@link InMemoryObjectStore} unless overridden.
     *
     * @param directory a fresh directory it may use
     * @return the store; the contract closes it
     * @throws Exception on failure
     */
    protected ObjectStore createLake(Path directory) throws Exception {
        return new InMemoryObjectStore();
    }

    /**
     * Creates a dataset version the registry will accept as an input: a snapshot in the lake.
     *
     * @param name the dataset's name
     * @return its reference
     */
    protected DatasetRef createDataset(String name) {
        return mlops.datasets().snapshot(name).stream(
                        "data.csv",
                        () -> new ByteArrayInputStream(("x\n" + name + "\n").getBytes(StandardCharsets.UTF_8)))
                .commit()
                .getRef();
    }

    @BeforeEach
    void open() throws Exception {
        Path directory = Files.createDirectories(temp.resolve("registry"));
        executor = Executors.newFixedThreadPool(4);
        lake = new CountingObjectStore(createLake(directory.resolve("lake")));
        driver = createDriver(lake, executor, directory);
        mlops = Mlops.builder()
                .objectStore(lake)
                .executor(executor)
                .clock(clock)
                .cacheDirectory(null)
                .registryDriver(driver)
                .build();
        registry = mlops.registry();
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
        executor.shutdownNow();
    }

    @Test
    void shouldNumberVersionsFromOneAndListThemNewestFirst() {
        ModelVersion v1 = registry.register(new ModelRegistration("churn").metric("auc", 0.8));
        ModelVersion v2 = registry.register(new ModelRegistration("churn").metric("auc", 0.9));

        assertThat(v1.getRef()).isEqualTo(new ModelRef("churn", 1));
        assertThat(v2.getRef()).isEqualTo(new ModelRef("churn", 2));
        assertThat(registry.versions("churn").stream().map(ModelVersion::getVersion))
                .containsExactly(2L, 1L);
        assertThat(registry.get(v1.getRef()).findMetric("auc")).contains(0.8);
    }

    @Test
    void shouldReturnTheFirstVersionWhenARequestIsRepeated() {
        ModelVersion first = registry.register(new ModelRegistration("churn").requestId("run-7/register"));
        ModelVersion again = registry.register(new ModelRegistration("churn").requestId("run-7/register"));

        assertThat(again.getRef()).isEqualTo(first.getRef());
        assertThat(registry.versions("churn").stream()).hasSize(1);
    }

    @Test
    void shouldRoundTripEverythingRegistered() throws Exception {
        DatasetRef train = createDataset("churn-train");
        DatasetRef holdout = createDataset("churn-holdout");

        ModelVersion v = registry.register(new ModelRegistration("churn")
                .metric("auc", 0.8712)
                .metric("logloss", 0.3)
                .param("max_depth", "6")
                .tag("team", "growth")
                .signature("{\"inputs\":[\"tenure\"]}")
                .input(train, ModelInput.TRAIN)
                .input(holdout, ModelInput.EVAL)
                .codeRevision("git:4f2a9c1")
                .pipelineRun("run-42")
                .description("weekly retrain"));
        ModelVersion read = registry.get(v.getRef());

        assertThat(read.getMetrics()).containsEntry("auc", 0.8712).containsEntry("logloss", 0.3);
        assertThat(read.getParams()).containsEntry("max_depth", "6");
        assertThat(read.getTags()).containsEntry("team", "growth");
        assertThat(read.getSignature()).isEqualTo("{\"inputs\":[\"tenure\"]}");
        assertThat(read.getInputs())
                .containsExactly(new ModelInput(train, ModelInput.TRAIN), new ModelInput(holdout, ModelInput.EVAL));
        assertThat(read.getCodeRevision()).isEqualTo("git:4f2a9c1");
        assertThat(read.getPipelineRun()).isEqualTo("run-42");
        assertThat(read.getDescription()).isEqualTo("weekly retrain");
        assertThat(read.getRequestId()).isEqualTo(v.getRequestId());
    }

    @Test
    void shouldStoreIdenticalArtifactsOnceAndReadThemBackVerified() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("model"));
        Files.writeString(dir.resolve("weights.bin"), "weights");
        Files.createDirectories(dir.resolve("meta"));
        Files.writeString(dir.resolve("meta/labels.txt"), "yes\nno\n");

        ModelVersion v1 = registry.register(new ModelRegistration("churn").artifacts(dir));
        ModelVersion v2 = registry.register(new ModelRegistration("churn").artifacts(dir));

        assertThat(v1.getArtifacts()).isPresent().isEqualTo(v2.getArtifacts());
        assertThat(v1.getArtifactFiles()).isEqualTo(2);
        try (InputStream in = registry.openArtifact(v2, "meta/labels.txt")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("yes\nno\n");
        }
        Path out = temp.resolve("out");
        assertThat(registry.checkoutArtifacts(v1, out)).isEqualTo(2);
        assertThat(out.resolve("weights.bin")).hasContent("weights");
    }

    @Test
    void shouldReturnEmptyFromFindAndThrowFromGetWhenVersionIsAbsent() {
        assertThat(registry.find(new ModelRef("ghost", 1))).isEmpty();
        assertThatThrownBy(() -> registry.get(new ModelRef("ghost", 3)))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("ghost@3");
    }

    @Test
    void shouldRefuseInputsThatDoNotExist() {
        assertThatThrownBy(() -> registry.register(
                        new ModelRegistration("churn").input(new DatasetRef("missing", 9), ModelInput.TRAIN)))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("missing@9");
        assertThat(registry.versions("churn").stream()).isEmpty();
    }

    @Test
    void shouldSearchByTag() {
        registry.register(new ModelRegistration("a").tag("team", "growth"));
        registry.register(new ModelRegistration("a").tag("team", "risk"));
        registry.register(new ModelRegistration("b").tag("team", "growth"));

        List<ModelRef> found = registry.search(ModelQuery.all().tag("team", "growth")).stream()
                .map(ModelVersion::getRef)
                .toList();

        assertThat(found).containsExactlyInAnyOrder(new ModelRef("a", 1), new ModelRef("b", 1));
        assertThat(registry.search(ModelQuery.forModel("a").tag("team", "risk")).stream()
                        .map(ModelVersion::getRef))
                .containsExactly(new ModelRef("a", 2));
    }

    @Test
    void shouldSearchByMetricWhenMetricSearchCapable() {
        registry.register(new ModelRegistration("m").metric("auc", 0.70));
        registry.register(new ModelRegistration("m").metric("auc", 0.85));
        registry.register(new ModelRegistration("m").metric("loss", 0.1));
        ModelQuery query = ModelQuery.forModel("m").metricAtLeast("auc", 0.8);

        if (registry.capabilities().metricSearch()) {
            assertThat(registry.search(query).stream().map(ModelVersion::getVersion))
                    .containsExactly(2L);
            assertThat(registry.search(ModelQuery.forModel("m").metricAtMost("auc", 0.75)).stream()
                            .map(ModelVersion::getVersion))
                    .containsExactly(1L);
        } else {
            assertThatThrownBy(() -> registry.search(query).stream().count())
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void shouldMoveAliasesAndRecordEachMoveInAChain() {
        for (int i = 0; i < 3; i++) {
            registry.register(new ModelRegistration("churn"));
        }

        registry.setAlias(
                "churn",
                "champion",
                1,
                AliasUpdate.expectingAbsent().by("alice").run("run-1"));
        registry.setAlias(
                "churn", "champion", 2, AliasUpdate.expecting(1).by("bot").reason("auc +1pt"));
        ModelAlias now = registry.setAlias(
                "churn", "champion", 3, AliasUpdate.expecting(2).by("bot").run("run-3"));

        assertThat(registry.findAlias("churn", "champion")).contains(now);
        assertThat(now.version()).isEqualTo(3);
        List<AliasEvent> history =
                registry.aliasHistory("churn", "champion").stream().toList();
        assertThat(history).extracting(AliasEvent::sequence).containsExactly(1L, 2L, 3L);
        assertThat(history).extracting(AliasEvent::fromVersion).containsExactly(0L, 1L, 2L);
        assertThat(history).extracting(AliasEvent::toVersion).containsExactly(1L, 2L, 3L);
        assertThat(history.get(0).by()).isEqualTo("alice");
        assertThat(history.get(1).reason()).isEqualTo("auc +1pt");
        assertThat(history.get(2).runId()).isEqualTo("run-3");
    }

    @Test
    void shouldRejectAStaleAliasMoveWhenAtomicAliasMoveCapable() {
        registry.register(new ModelRegistration("churn"));
        registry.register(new ModelRegistration("churn"));
        registry.setAlias("churn", "champion", 2, AliasUpdate.expectingAbsent());

        if (registry.capabilities().atomicAliasMove()) {
            assertThatThrownBy(() -> registry.setAlias("churn", "champion", 1, AliasUpdate.expecting(1)))
                    .isInstanceOf(ConflictException.class)
                    .hasMessageContaining("champion")
                    .hasMessageContaining("version 2");
            assertThatThrownBy(() -> registry.setAlias("churn", "champion", 1, AliasUpdate.expectingAbsent()))
                    .isInstanceOf(ConflictException.class);
            assertThat(registry.findAlias("churn", "champion").orElseThrow().version())
                    .isEqualTo(2);
        } else {
            ModelAlias moved = registry.setAlias("churn", "champion", 1, AliasUpdate.unconditionally());
            assertThat(moved.version()).isEqualTo(1);
        }
    }

    @Test
    void shouldDeleteAliasesAndRecordTheDeletion() {
        registry.register(new ModelRegistration("churn"));
        registry.setAlias("churn", "challenger", 1, AliasUpdate.unconditionally());

        registry.deleteAlias("churn", "challenger", AliasUpdate.expecting(1).reason("rejected"));

        assertThat(registry.findAlias("churn", "challenger")).isEmpty();
        List<AliasEvent> history =
                registry.aliasHistory("churn", "challenger").stream().toList();
        assertThat(history).hasSize(2);
        assertThat(history.get(1).toVersion()).isZero();
        assertThat(history.get(1).reason()).isEqualTo("rejected");
        assertThatThrownBy(() -> registry.deleteAlias("churn", "challenger", AliasUpdate.unconditionally()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void shouldRefuseAliasesToMissingVersionsAndBadAliasNames() {
        registry.register(new ModelRegistration("churn"));

        assertThatThrownBy(() -> registry.setAlias("churn", "champion", 5, AliasUpdate.unconditionally()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("churn@5");
        assertThatThrownBy(() -> registry.setAlias("churn", "Champion!", 1, AliasUpdate.unconditionally()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Champion!");
        assertThat(registry.findAlias("churn", "champion")).isEmpty();
    }

    @Test
    void shouldGiveDistinctGapFreeVersionsToConcurrentRegistrationsWhenConditionalCreateCapable() throws Exception {
        int threads = 4;
        int each = 5;
        List<Long> numbers = new ArrayList<>();
        for (List<Long> mine : Concurrently.run(threads, i -> {
            List<Long> out = new ArrayList<>();
            for (int j = 0; j < each; j++) {
                out.add(registry.register(new ModelRegistration("race")).getVersion());
            }
            return out;
        })) {
            numbers.addAll(mine);
        }

        if (registry.capabilities().conditionalCreate()) {
            assertThat(numbers).doesNotHaveDuplicates().hasSize(threads * each);
            assertThat(numbers.stream().mapToLong(Long::longValue).max().orElseThrow())
                    .isEqualTo(threads * each);
        } else {
            assertThat(numbers).hasSize(threads * each);
        }
    }

    @Test
    void shouldLoseNoAliasMoveWhenMoversRaceWhenAtomicAliasMoveCapable() throws Exception {
        Race race = raceForTheAlias(4, 10);
        AtomicInteger moves = race.moves();

        List<AliasEvent> history =
                registry.aliasHistory("race", "champion").stream().toList();
        if (registry.capabilities().atomicAliasMove()) {
            assertThat(history).hasSize(moves.get());
            for (int i = 1; i < history.size(); i++) {
                assertThat(history.get(i).fromVersion())
                        .isEqualTo(history.get(i - 1).toVersion());
                assertThat(history.get(i).sequence()).isEqualTo(i + 1);
            }
            assertThat(registry.findAlias("race", "champion").orElseThrow().version())
                    .isEqualTo(history.get(history.size() - 1).toVersion());
        } else {
            assertThat(history).isNotEmpty();
        }
    }

    // --- what the registry guarantees over every driver ----------------------------------------------------------

    @Test
    void shouldLoseNoAliasMoveWhenEightMoversRaceForEveryDriver() throws Exception {
        Race race = raceForTheAlias(8, 10);

        List<AliasEvent> history =
                registry.aliasHistory("race", "champion").stream().toList();
        assertThat(history)
                .as("one history entry per successful move")
                .hasSize(race.moves().get());
        for (int i = 0; i < history.size(); i++) {
            assertThat(history.get(i).sequence()).as("entry %d's sequence", i).isEqualTo(i + 1);
            if (i > 0) {
                assertThat(history.get(i).fromVersion())
                        .as("move #%d starts where #%d ended", i + 1, i)
                        .isEqualTo(history.get(i - 1).toVersion());
            }
        }
        ModelAlias now = registry.findAlias("race", "champion").orElseThrow();
        assertThat(now.version()).isEqualTo(history.get(history.size() - 1).toVersion());
        assertThat(now.sequence()).isEqualTo(history.size());
        assertThat(race.moves().get() + race.conflicts().get())
                .as("every attempt either moved the alias or was told it conflicted")
                .isEqualTo(1 + 8 * 10);
    }

    @Test
    void shouldRejectAStaleAliasMoveForEveryDriver() {
        registry.register(new ModelRegistration("churn"));
        registry.register(new ModelRegistration("churn"));
        registry.setAlias("churn", "champion", 2, AliasUpdate.expectingAbsent());

        assertThatThrownBy(() -> registry.setAlias("churn", "champion", 1, AliasUpdate.expecting(1)))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("version 2");
        assertThat(registry.findAlias("churn", "champion").orElseThrow().version())
                .isEqualTo(2);
        assertThat(registry.aliasHistory("churn", "champion").stream()).hasSize(1);
    }

    @Test
    void shouldWriteALineageEdgeFromEachInputForEveryDriver() {
        DatasetRef train = createDataset("churn-train");
        DatasetRef holdout = createDataset("churn-holdout");
        ModelRegistration registration = new ModelRegistration("churn")
                .requestId("run-1/register")
                .input(train, ModelInput.TRAIN)
                .input(holdout, ModelInput.EVAL);

        ModelVersion v = registry.register(registration);
        registry.register(registration); // a repeated request adds nothing

        LineageNode model = LineageNode.model("churn", v.getVersion());
        assertThat(mlops.lineage().downstream(node(train)).edges())
                .containsExactly(new LineageEdge(node(train), model, ModelInput.TRAIN));
        assertThat(mlops.lineage().downstream(node(holdout)).edges())
                .containsExactly(new LineageEdge(node(holdout), model, ModelInput.EVAL));
        assertThat(mlops.lineage().upstream(model).nodes()).contains(node(train), node(holdout));
    }

    @Test
    void shouldHideALateTwinAndKeepTheLineageOnTheLowestVersionForEveryDriver() {
        DatasetRef data = createDataset("d");
        ModelVersion mine = registry.register(
                new ModelRegistration("churn").requestId("stalled").input(data, ModelInput.TRAIN));
        ModelVersion other = registry.register(new ModelRegistration("churn").requestId("someone-else"));

        // the stalled first attempt of the same request lands late, through the driver as a registration would
        ModelVersion twin = driver.createVersion("churn", "stalled", n -> renumbered(mine, n));

        assertThat(twin.getVersion()).isNotIn(mine.getVersion(), other.getVersion());
        assertThat(registry.find(twin.getRef())).isEmpty();
        assertThat(registry.versions("churn").stream().map(ModelVersion::getVersion))
                .containsExactly(other.getVersion(), mine.getVersion());
        assertThat(registry.register(new ModelRegistration("churn").requestId("stalled"))
                        .getRef())
                .isEqualTo(mine.getRef());
        assertThat(mlops.lineage().downstream(node(data)).edges())
                .containsExactly(
                        new LineageEdge(node(data), LineageNode.model("churn", mine.getVersion()), ModelInput.TRAIN));
    }

    @Test
    void shouldFillTheHistoryGapLeftByAMoverThatDiedAfterItsWriteForEveryDriver() {
        registry.register(new ModelRegistration("churn"));
        registry.register(new ModelRegistration("churn"));
        registry.setAlias("churn", "champion", 1, AliasUpdate.expectingAbsent());
        // a mover wrote the pointer, then died before it appended its move to the history
        AliasPointer pointer = driver.readAlias("churn", "champion").orElseThrow();
        AliasEvent orphan = new AliasEvent("churn", "champion", 2, 1, 2, clock.instant(), "dead", "run-x", "died");
        assertThat(driver.writeAlias("churn", "champion", pointer.tag(), orphan))
                .isTrue();

        List<AliasEvent> filled =
                registry.aliasHistory("churn", "champion").stream().toList();
        assertThat(filled).extracting(AliasEvent::sequence).containsExactly(1L, 2L);
        assertThat(filled.get(1)).isEqualTo(orphan);
        ModelAlias next = registry.setAlias(
                "churn", "champion", 1, AliasUpdate.expecting(2).by("alice"));

        List<AliasEvent> history =
                registry.aliasHistory("churn", "champion").stream().toList();
        assertThat(next.sequence()).isEqualTo(3);
        assertThat(history).extracting(AliasEvent::sequence).containsExactly(1L, 2L, 3L);
        assertThat(history).extracting(AliasEvent::fromVersion).containsExactly(0L, 1L, 2L);
        assertThat(history).extracting(AliasEvent::toVersion).containsExactly(1L, 2L, 1L);
    }

    @Test
    void shouldTakeTheAliasLeaseAroundEachMoveWhenNotAtomicAliasMove() {
        registry.register(new ModelRegistration("churn"));
        registry.register(new ModelRegistration("churn"));

        registry.setAlias("churn", "champion", 1, AliasUpdate.expectingAbsent());
        registry.setAlias("churn", "champion", 2, AliasUpdate.expecting(1));
        registry.deleteAlias("churn", "champion", AliasUpdate.expecting(2));

        var lease = StoreLease.read(lake, aliasLeaseKey("churn", "champion"));
        if (registry.capabilities().atomicAliasMove()) {
            assertThat(lease).as("an atomic driver needs no lease").isEmpty();
        } else {
            assertThat(lease).isPresent();
            assertThat(lease.get().token()).as("one acquisition per move").isEqualTo(3);
            assertThat(lease.get().released()).isTrue();
        }
    }

    @Test
    void shouldTakeOverTheAliasLeaseOfADeadMoverOnceItExpiredWhenNotAtomicAliasMove() {
        registry.register(new ModelRegistration("churn"));
        StoreLease dead = StoreLease.tryAcquire(
                        lake, aliasLeaseKey("churn", "champion"), "dead-mover", Duration.ofSeconds(30), clock)
                .orElseThrow();
        if (!registry.capabilities().atomicAliasMove()) {
            clock.advance(Duration.ofSeconds(30)); // its holder died: nobody releases it
        }

        ModelAlias moved = registry.setAlias("churn", "champion", 1, AliasUpdate.expectingAbsent());

        assertThat(moved.version()).isEqualTo(1);
        StoreLease.State lease =
                StoreLease.read(lake, aliasLeaseKey("churn", "champion")).orElseThrow();
        if (registry.capabilities().atomicAliasMove()) {
            assertThat(lease.holder())
                    .as("an atomic driver leaves the lease alone")
                    .isEqualTo("dead-mover");
        } else {
            assertThat(lease.token()).as("the taker's fencing token").isEqualTo(2);
            assertThatThrownBy(dead::verify).isInstanceOf(ConflictException.class);
        }
    }

    // --- artifacts by reference ------------------------------------------------------------------------------------

    @Test
    void shouldRegisterATreeAlreadyInTheLakeWithoutWritingContent() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("trained"));
        Files.writeString(dir.resolve("weights.bin"), "weights");
        Files.writeString(dir.resolve("labels.txt"), "yes\nno\n");
        ContentTrees.StoredTree tree =
                mlops.datasets().contentTrees().storeDirectory(dir, ProgressListener.NONE, "train");
        lake.reset();

        ModelVersion v =
                registry.register(new ModelRegistration("churn").artifacts(ArtifactLocation.lakeTree(tree.digest())));

        assertThat(lake.getContentWrites())
                .as("content writes while registering")
                .isZero();
        ModelVersion read = registry.get(v.getRef());
        assertThat(read.getArtifactLocation()).contains(ArtifactLocation.lakeTree(tree.digest()));
        assertThat(read.getArtifacts()).contains(tree.digest());
        assertThat(read.getArtifactFiles()).isEqualTo(2);
        assertThat(read.getArtifactBytes()).isEqualTo(tree.bytes());
        try (InputStream in = registry.openArtifact(read, "weights.bin")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights");
        }
        assertThat(registry.checkoutArtifacts(read, temp.resolve("out"))).isEqualTo(2);
        assertThat(lake.getContentWrites())
                .as("content writes after reading too")
                .isZero();
    }

    @Test
    void shouldRefuseALakeTreeThatIsNotInTheLake() {
        Digest missing = Digest.of("no such tree".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() ->
                        registry.register(new ModelRegistration("churn").artifacts(ArtifactLocation.lakeTree(missing))))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(missing.toString());
        assertThat(registry.versions("churn").stream()).isEmpty();
    }

    @Test
    void shouldRecordArtifactsAtAUriWithoutUploadingThem() {
        lake.reset();

        ModelVersion v = registry.register(
                new ModelRegistration("churn").artifacts(ArtifactLocation.uri("s3://models/churn/7")));

        assertThat(lake.getContentWrites()).isZero();
        ModelVersion read = registry.get(v.getRef());
        assertThat(read.getArtifactLocation()).contains(ArtifactLocation.uri("s3://models/churn/7"));
        assertThat(read.getArtifacts()).as("no tree digest is known").isEmpty();
    }

    /** How a race for one alias went. */
    private record Race(AtomicInteger moves, AtomicInteger conflicts) {}

    /**
     * Registers four versions of {@code race}, points {@code champion} to the first, then lets {@code threads} movers
     * each move it {@code each} times to the next version, by compare-and-set on the version each read.
     */
    private Race raceForTheAlias(int threads, int each) throws Exception {
        for (int i = 0; i < 4; i++) {
            registry.register(new ModelRegistration("race"));
        }
        registry.setAlias("race", "champion", 1, AliasUpdate.expectingAbsent());
        AtomicInteger moves = new AtomicInteger(1);
        AtomicInteger conflicts = new AtomicInteger();

        var unused = Concurrently.run(threads, i -> {
            for (int j = 0; j < each; j++) {
                ModelAlias current = registry.findAlias("race", "champion").orElseThrow();
                long next = current.version() % 4 + 1;
                try {
                    registry.setAlias("race", "champion", next, AliasUpdate.expecting(current.version()));
                    moves.incrementAndGet();
                } catch (ConflictException e) {
                    conflicts.incrementAndGet();
                }
            }
            return null;
        });
        return new Race(moves, conflicts);
    }

    private static LineageNode node(DatasetRef dataset) {
        return LineageNode.dataset(dataset.name(), dataset.version());
    }

    /** Where the registry keeps an alias's lease in the lake. */
    private static StoreKey aliasLeaseKey(String model, String alias) {
        return StoreKey.of("models/" + model + "/alias-leases/" + alias + ".json");
    }

    /** The same record under another number: what a stalled attempt of the same request stores. */
    private static ModelVersion renumbered(ModelVersion v, long number) {
        return new ModelVersion(
                new ModelRef(v.getName(), number),
                v.getArtifactLocation().orElse(null),
                v.getArtifactFiles(),
                v.getArtifactBytes(),
                v.getMetrics(),
                v.getParams(),
                v.getTags(),
                v.getSignature(),
                v.getInputs(),
                v.getCodeRevision(),
                v.getPipelineRun(),
                v.getDescription(),
                v.getCreated(),
                v.getAuthor(),
                v.getRequestId());
    }
}
