package org.mlops4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Deployment;
import org.mlops4j.deploy.DeploymentPlan;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.OperationStatus;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;

class InMemoryDeployerTest {
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
    private final Deployer deployer = InMemoryDeployer.builder().store(store).build();

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

    @Test
    void shouldReattachInsteadOfDeployingTwiceWhenTheSameOperationIsAppliedAgain() throws Exception {
        ModelVersion v1 = model("one");
        DeploymentPlan plan = deployer.plan("e", v1, Rollout.replace(), OperationId.of("run-1"));
        Deployment first = deployer.beginApply(plan).getFinalResult();

        Deployment again = deployer.beginApply(deployer.plan("e", v1, Rollout.replace(), OperationId.of("run-1")))
                .getFinalResult();

        assertThat(first.isSucceeded()).isTrue();
        assertThat(again.getEvent()).isEqualTo(first.getEvent());
        assertThat(InMemoryDeployer.events(deployer, "e")).hasSize(1);
        assertThat(deployer.findOperation("e", OperationId.of("run-1"))
                        .orElseThrow()
                        .getStatus())
                .isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(InMemoryDeployer.builder().store(store).build().status("e").findLiveModel())
                .as("the books survive a new deployer on the same store")
                .contains(v1.getRef());
    }

    @Test
    void shouldRefuseAStalePlanWhenTheEndpointChangedSincePlanning() throws Exception {
        ModelVersion v1 = model("one");
        ModelVersion v2 = model("two");
        DeploymentPlan stale = deployer.plan("e", v2, Rollout.replace(), OperationId.of("late"));
        var unused = deployer.beginApply(deployer.plan("e", v1, Rollout.replace(), OperationId.of("early")))
                .getFinalResult();

        assertThatThrownBy(() -> deployer.beginApply(stale))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("changed since the plan was made");
    }

    @Test
    void shouldPutThePreviousModelBackWhenRolledBack() throws Exception {
        ModelVersion v1 = model("one");
        ModelVersion v2 = model("two");
        var unused1 = deployer.beginApply(deployer.plan("e", v1, Rollout.replace(), OperationId.of("a")))
                .getFinalResult();
        var unused2 = deployer.beginApply(deployer.plan("e", v2, Rollout.blueGreen(), OperationId.of("b")))
                .getFinalResult();

        Deployment back = deployer.rollback("e", "bad latency");

        assertThat(back.getModel()).isEqualTo(v1.getRef());
        assertThat(deployer.status("e").findLiveModel()).contains(v1.getRef());
        assertThat(InMemoryDeployer.events(deployer, "e"))
                .extracting(InMemoryDeployer.DeploymentEvent::kind)
                .containsExactly("apply", "apply", "rollback");
    }

    @Test
    void shouldMoveTrafficStepByStepWhenTheCanaryGatePasses() throws Exception {
        ModelVersion v1 = model("one");
        ModelVersion v2 = model("two");
        var unused = deployer.beginApply(deployer.plan("e", v1, Rollout.replace(), OperationId.of("a")))
                .getFinalResult();
        var poller = deployer.beginApply(deployer.plan("e", v2, Rollout.canary(10, 50, 100), OperationId.of("c")));

        assertThat(poller.poll().value().newSlotPercent()).isEqualTo(10);
        assertThat(deployer.status("e").getSlots()).hasSize(2);
        assertThat(poller.poll().value().newSlotPercent()).isEqualTo(50);
        assertThat(poller.poll().status()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(deployer.status("e").findLiveModel()).contains(v2.getRef());
    }
}
