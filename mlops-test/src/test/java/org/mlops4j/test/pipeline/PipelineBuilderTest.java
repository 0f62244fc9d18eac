package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.pipeline.FinalStep;
import org.mlops4j.pipeline.Preparer;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.test.InMemoryDeployer;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.RemoteLikeStores;

/** One test per validation rule of the pipeline's step builder. */
class PipelineBuilderTest {
    @TempDir
    Path dir;

    private Mlops mlops;
    private PipelineFixture fixture;
    private final Preparer noop = (ctx, out) -> {};

    @BeforeEach
    void setUp() {
        mlops = PipelineFixture.open(RemoteLikeStores.around(new InMemoryObjectStore()), Clock.systemUTC());
        fixture = new PipelineFixture(dir);
    }

    @AfterEach
    void tearDown() {
        mlops.close();
    }

    private FinalStep define() {
        return mlops.pipeline("churn")
                .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                .train(fixture.trainer())
                .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                .promoteWhen(PipelineFixture.policy());
    }

    @Test
    void shouldRejectAnInvalidPipelineNameWhenStarting() {
        assertThatThrownBy(() -> mlops.pipeline("../churn"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../churn'");
    }

    @Test
    void shouldRejectANullTriggerWhenSet() {
        assertThatThrownBy(() -> mlops.pipeline("churn").trigger(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("trigger");
    }

    @Test
    void shouldRejectANullTrainerWhenSet() {
        assertThatThrownBy(
                        () -> mlops.pipeline("churn").trigger(Triggers.manual()).train(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("trainer");
    }

    @Test
    void shouldRejectANullRemoteTrainerWhenSet() {
        assertThatThrownBy(
                        () -> mlops.pipeline("churn").trigger(Triggers.manual()).trainRemotely(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("trainer");
    }

    @Test
    void shouldRejectAnInvalidHoldoutNameWhenSet() {
        assertThatThrownBy(() -> mlops.pipeline("churn")
                        .trigger(Triggers.manual())
                        .train(fixture.trainer())
                        .evaluateOn("bad/name", fixture.evaluator(mlops)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad/name");
    }

    @Test
    void shouldRejectANullPolicyWhenSet() {
        assertThatThrownBy(() -> mlops.pipeline("churn")
                        .trigger(Triggers.manual())
                        .train(fixture.trainer())
                        .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                        .promoteWhen(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("policy");
    }

    @Test
    void shouldRejectTheSamePreparedDatasetWhenPreparedTwice() {
        assertThatThrownBy(() -> define().prepare("features", noop).prepare("features", noop))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'features' is already prepared");
    }

    @Test
    void shouldRefuseToBuildWhenAPreparationDerivesATriggerDataset() {
        FinalStep step = define().prepare(PipelineFixture.RAW, noop);
        assertThatThrownBy(step::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("derives a dataset the trigger watches");
    }

    @Test
    void shouldRejectASecondDeployTargetWhenSetTwice() {
        Deployer deployer = InMemoryDeployer.create();
        FinalStep step = define().deployTo(deployer, "a", Rollout.replace());
        assertThatThrownBy(() -> step.deployTo(deployer, "b", Rollout.replace()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("deployTo was already set");
    }

    @Test
    void shouldRejectAnInvalidEndpointNameWhenDeploying() {
        assertThatThrownBy(() -> define().deployTo(InMemoryDeployer.create(), "a b", Rollout.replace()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a b'");
    }

    @Test
    void shouldRejectAnInvalidChampionAliasWhenSet() {
        assertThatThrownBy(() -> define().championAlias("Champion!")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectAnInvalidModelNameWhenSet() {
        assertThatThrownBy(() -> define().modelName(".hidden")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectABlankCodeRevisionWhenSet() {
        assertThatThrownBy(() -> define().codeRevision(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codeRevision must not be blank");
    }

    @Test
    void shouldRejectASecondCodeRevisionWhenSetTwice() {
        FinalStep step = define().codeRevision("git:1");
        assertThatThrownBy(() -> step.codeRevision("git:2"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("codeRevision was already set to git:1");
    }

    @Test
    void shouldRejectANonPositiveLeaseDurationWhenSet() {
        assertThatThrownBy(() -> define().leaseDuration(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseDuration must be positive, got PT0S");
    }

    @Test
    void shouldRejectANegativeLeaseWaitWhenSet() {
        assertThatThrownBy(() -> define().leaseWait(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseWait must not be negative");
    }

    @Test
    void shouldRejectASecondDryRunSettingWhenSetTwice() {
        FinalStep step = define().dryRun(true);
        assertThatThrownBy(() -> step.dryRun(false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dryRun was already set");
    }

    @Test
    void shouldRejectASecondClockWhenSetTwice() {
        FinalStep step = define().clock(Clock.systemUTC());
        assertThatThrownBy(() -> step.clock(Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clock was already set");
    }

    @Test
    void shouldRejectANullTriggerDatasetWhenCombining() {
        assertThatThrownBy(() -> Triggers.newVersionOf("raw").or(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldRejectANonPositiveScheduleWhenCreated() {
        assertThatThrownBy(() -> Triggers.schedule(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period must be positive");
    }
}
