package org.mlops4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelQuery;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.RegistryCapabilities;

/**
 * The contract every {@link ModelRegistry} passes, parameterised by its {@link RegistryCapabilities}: a test that
 * depends on a capability says so in its name and asserts the documented behaviour either way, so every backend runs
 * the same tests. Extend it and implement {@link #createRegistry(Path)} and {@link #createDataset(String)}.
 */
public abstract class ModelRegistryContract {
    /** A temp directory for artifacts and lakes; fresh per test. */
    @TempDir
    protected Path temp;

    /** The registry under test. */
    protected ModelRegistry registry;

    /**
     * Creates a fresh registry.
     *
     * @param directory a fresh directory it may use
     * @return the registry
     * @throws Exception on failure
     */
    protected abstract ModelRegistry createRegistry(Path directory) throws Exception;

    /**
     * Creates a dataset version the registry will accept as an input.
     *
     * @param name the dataset's name
     * @return its reference
     * @throws Exception on failure
     */
    protected abstract DatasetRef createDataset(String name) throws Exception;

    /** Releases what {@link #createRegistry} made. */
    protected void closeRegistry() {}

    @BeforeEach
    void open() throws Exception {
        registry = createRegistry(Files.createDirectories(temp.resolve("registry")));
    }

    @AfterEach
    void close() {
        closeRegistry();
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
        for (int i = 0; i < 4; i++) {
            registry.register(new ModelRegistration("race"));
        }
        registry.setAlias("race", "champion", 1, AliasUpdate.expectingAbsent());
        AtomicInteger moves = new AtomicInteger(1);
        AtomicInteger conflicts = new AtomicInteger();

        var unused = Concurrently.run(4, i -> {
            for (int j = 0; j < 10; j++) {
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
}
