package org.mlops4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Deployment;
import org.mlops4j.deploy.DeploymentEvent;
import org.mlops4j.deploy.DeploymentFailedException;
import org.mlops4j.deploy.DeploymentPlan;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.OperationStatus;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.deploy.spi.SlotLayout;
import org.mlops4j.deploy.spi.TargetSlot;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;

/**
 * The core rollout machine over a target that takes its time and can fail: what a remote backend does that the local
 * target never does (updates that end only after polls, updates that fail, a deployer that dies while one runs).
 */
class DeployerOverAFakeTargetTest {
    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final Mlops mlops = Mlops.builder()
            .objectStore(new InMemoryObjectStore())
            .cacheDirectory(null)
            .registryDriver(new InMemoryRegistryDriver(executor))
            .build();
    private final ModelRegistry registry = mlops.registry();

    @AfterEach
    void tearDown() {
        mlops.close();
        executor.shutdown();
    }

    private ModelVersion model(String content) throws Exception {
        Path artifacts = Files.createDirectories(dir.resolve(content));
        Files.writeString(artifacts.resolve("model.txt"), content);
        return registry.register(new ModelRegistration("m").artifacts(artifacts));
    }

    private Deployer deployer(int pollsPerUpdate, Predicate<ModelRef> failing) {
        return Deployer.builder()
                .target(InMemoryDeploymentTarget.builder()
                        .store(store)
                        .pollsPerUpdate(pollsPerUpdate)
                        .failing(failing)
                        .build())
                .store(store)
                .pollInterval(Duration.ofMillis(1))
                .build();
    }

    @Test
    void shouldEndFailedAndPutTheSlotsBackWhenTheTargetFailsAnUpdate() throws Exception {
        ModelVersion v1 = model("one");
        ModelVersion v2 = model("two");
        Deployer deployer = deployer(2, ref -> ref.equals(v2.getRef()));
        var unused = deployer.beginApply(deployer.plan("e", v1, Rollout.blueGreen(), OperationId.of("a")))
                .getFinalResult();
        var second = deployer.beginApply(deployer.plan("e", v2, Rollout.blueGreen(), OperationId.of("b")));

        assertThatThrownBy(second::getFinalResult)
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("deployment b on endpoint 'e' failed")
                .hasMessageContaining("target 'in-memory' failed to serve")
                .hasMessageContaining("the slots before it are put back");

        Deployment failed = deployer.findOperation("e", OperationId.of("b")).orElseThrow();
        assertThat(failed.getStatus()).isEqualTo(OperationStatus.FAILED);
        assertThat(failed.getEvent())
                .as("a failed operation changed nothing: no event")
                .isZero();
        assertThat(deployer.status("e").findLiveModel()).hasValue(v1.getRef());
        assertThat(deployer.status("e").getEvent()).isEqualTo(1);
        assertThat(deployer.events("e").stream().map(DeploymentEvent::operationId))
                .containsExactly(OperationId.of("a"));
        assertThat(InMemoryDeploymentTarget.builder().store(store).build().read("e"))
                .hasValue(SlotLayout.of(new TargetSlot("blue", v1.getRef(), 100, 0)));
        assertThat(deployer.beginApply(deployer.plan("e", v1, Rollout.replace(), OperationId.of("c")))
                        .getFinalResult()
                        .getReason())
                .as("the endpoint takes the next operation")
                .contains("already live");
    }

    @Test
    void shouldDriveAnOperationLeftHalfDoneToItsEndWhenItIsReattached() throws Exception {
        ModelVersion v1 = model("one");
        ModelVersion v2 = model("two");
        Deployer first = deployer(10, ref -> false);
        var unused = first.beginApply(first.plan("e", v1, Rollout.replace(), OperationId.of("a")))
                .getFinalResult();
        DeploymentPlan plan = first.plan("e", v2, Rollout.blueGreen(), OperationId.of("b"));
        var begun = first.beginApply(plan); // the process dies here, while the target still moves

        Deployer next = deployer(10, ref -> false);
        DeploymentPlan other = next.plan("e", v1, Rollout.blueGreen(), OperationId.of("c"));
        assertThatThrownBy(() -> next.beginApply(other))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("operation b is in progress");
        Deployment done = next.beginApply(plan).getFinalResult();

        assertThat(begun.getOperationId()).isEqualTo(OperationId.of("b"));
        assertThat(done.getStatus()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(done.getEvent()).isEqualTo(2);
        assertThat(next.status("e").findLiveModel()).hasValue(v2.getRef());
        assertThat(next.events("e").stream().map(DeploymentEvent::number)).containsExactly(1L, 2L);
        assertThat(first.findOperation("e", OperationId.of("b")).orElseThrow().getEvent())
                .isEqualTo(2);
    }

    @Test
    void shouldFinishAnImmediateRolloutADeadDeployerLeftWhenANewOneStarts() throws Exception {
        ModelVersion v1 = model("one");
        Deployer dead = deployer(1, ref -> false);
        var begun = dead.beginApply(dead.plan("e", v1, Rollout.blueGreen(), OperationId.of("a")));
        assertThat(dead.status("e").getLastStatus()).isEqualTo(OperationStatus.IN_PROGRESS);

        Deployer started = deployer(1, ref -> false);

        assertThat(begun.getOperationId()).isEqualTo(OperationId.of("a"));
        assertThat(started.status("e").getLastStatus()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(started.status("e").findLiveModel()).hasValue(v1.getRef());
        assertThat(started.events("e").stream().map(DeploymentEvent::operationId))
                .containsExactly(OperationId.of("a"));
    }

    @Test
    void shouldConflictWhenAnOperationIdIsReusedForAnotherModel() throws Exception {
        // issue 18, on any target: the rollout machine is core's
        ModelVersion v1 = model("one");
        ModelVersion v2 = model("two");
        Deployer deployer = deployer(1, ref -> false);
        var unused = deployer.beginApply(deployer.plan("e", v1, Rollout.replace(), OperationId.of("run-42")))
                .getFinalResult();

        assertThatThrownBy(() -> deployer.plan("e", v2, Rollout.replace(), OperationId.of("run-42")))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("operation id 'run-42' was already used on endpoint 'e' to deploy m@1");
    }
}
