package org.mlops4j.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mlops4j.deploy.local.DeployFixtures.get;
import static org.mlops4j.deploy.local.DeployFixtures.model;
import static org.mlops4j.deploy.local.DeployFixtures.post;
import static org.mlops4j.deploy.local.DeployFixtures.register;
import static org.mlops4j.deploy.local.DeployFixtures.rows;
import static org.mlops4j.deploy.local.DeployFixtures.slot;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Deployment;
import org.mlops4j.deploy.DeploymentEvent;
import org.mlops4j.deploy.DeploymentExplanation;
import org.mlops4j.deploy.DeploymentHistory;
import org.mlops4j.deploy.DeploymentPlan;
import org.mlops4j.deploy.DeploymentProgress;
import org.mlops4j.deploy.EndpointStatus;
import org.mlops4j.deploy.HealthGate;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.OperationStatus;
import org.mlops4j.deploy.Poller;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.deploy.SlotStatus;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.serving.ScoringServer;
import org.mlops4j.test.ManualClock;

class LocalDeployerTest {
    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
    private Mlops mlops;
    private Deployer deployer;
    private LocalTarget target;
    private ModelVersion v1;
    private ModelVersion v2;
    private ModelVersion v3;
    private DatasetVersion train;

    @BeforeEach
    void start() {
        mlops = openMlops();
        DatasetVersion raw = mlops.datasets().snapshot("raw").stream(
                        "raw.csv",
                        () -> new java.io.ByteArrayInputStream("x,y\n1,2\n".getBytes(StandardCharsets.UTF_8)))
                .commit();
        train = mlops.datasets().derive("train").from(raw).transform("split", "git:1", Map.of()).stream(
                        "train.csv",
                        () -> new java.io.ByteArrayInputStream("x,y\n1,2\n".getBytes(StandardCharsets.UTF_8)))
                .commit();
        v1 = register(mlops, temp, "churn", 100, "linear", train.getRef());
        v2 = register(mlops, temp, "churn", 200, "linear", train.getRef());
        v3 = register(mlops, temp, "churn", 300, "linear");
        deployer = newDeployer(mlops, 64 * 1024);
    }

    private Mlops openMlops() {
        return Mlops.builder()
                .localLake(temp.resolve("lake"))
                .cacheDirectory(null)
                .clock(clock)
                .build();
    }

    private Deployer newDeployer(Mlops on, int maxRequestBytes) {
        LocalDeployer.Builder builder =
                DeployFixtures.deployerOn(on, ScoringServer.builder().maxRequestBytes(maxRequestBytes));
        target = builder.buildLocalTarget();
        return builder.deployerOver(target);
    }

    private ScoringFront front() {
        return target.findFront().orElseThrow();
    }

    private String baseUri() {
        return front().getBaseUri();
    }

    @AfterEach
    void stop() {
        deployer.close();
        mlops.close();
    }

    private Deployment deploy(ModelVersion model, Rollout rollout, String operation) {
        DeploymentPlan plan = deployer.plan("churn", model, rollout, OperationId.of(operation));
        return deployer.beginApply(plan).getFinalResult();
    }

    private HttpResponse<String> score(double x) {
        return post(deployer.scoringUri("churn"), rows(x));
    }

    @Test
    void shouldDescribeChangesWithoutApplyingWhenPlanning() {
        DeploymentPlan plan = deployer.plan("churn", v1, Rollout.blueGreen(), OperationId.of("op-1"));

        assertThat(plan.isNoChange()).isFalse();
        assertThat(plan.findBefore()).isEmpty();
        assertThat(plan.getChanges())
                .containsExactly(
                        "create endpoint 'churn' at " + deployer.scoringUri("churn"),
                        "load churn@1 into slot blue",
                        "route 100% of traffic to blue (churn@1)");
        assertThat(deployer.findStatus("churn")).isEmpty();
        assertThat(get(deployer.scoringUri("churn")).statusCode()).isEqualTo(404);

        var unused = deploy(v1, Rollout.blueGreen(), "op-1");
        DeploymentPlan next = deployer.plan("churn", v2, Rollout.blueGreen(), OperationId.of("op-2"));
        assertThat(next.getChanges())
                .containsExactly(
                        "load churn@2 into slot green",
                        "switch 100% of traffic from blue (churn@1) to green (churn@2)",
                        "keep blue (churn@1) warm for rollback");
        assertThat(next.findBefore().orElseThrow().getEvent()).isEqualTo(1);
        assertThat(model(score(1))).isEqualTo("churn@1");
    }

    @Test
    void shouldPlanNoChangeWhenModelIsAlreadyLiveAsAsked() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");

        DeploymentPlan again = deployer.plan("churn", v1, Rollout.blueGreen(), OperationId.of("op-2"));
        assertThat(again.isNoChange()).isTrue();
        assertThat(deployer.plan("churn", v1, Rollout.canary(10, 100), OperationId.of("op-3"))
                        .isNoChange())
                .isTrue();
        Deployment done = deployer.beginApply(again).getFinalResult();

        assertThat(done.getStatus()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(done.getReason()).contains("already live");
        assertThat(deployer.status("churn").getEvent()).isEqualTo(1);
        assertThat(mlops.deployments().events("churn").stream()).hasSize(1);
    }

    @Test
    void shouldReattachInsteadOfDeployingTwiceWhenOperationIdWasApplied() {
        DeploymentPlan plan = deployer.plan("churn", v1, Rollout.blueGreen(), OperationId.of("run-7"));
        Deployment first = deployer.beginApply(plan).getFinalResult();

        Deployment again = deployer.beginApply(plan).getFinalResult();
        DeploymentPlan replanned = deployer.plan("churn", v1, Rollout.blueGreen(), OperationId.of("run-7"));
        Poller<DeploymentProgress, Deployment> reattached = deployer.beginApply(replanned);

        assertThat(again.getEvent()).isEqualTo(first.getEvent()).isEqualTo(1);
        assertThat(reattached.getOperationId()).isEqualTo(OperationId.of("run-7"));
        assertThat(reattached.getFinalResult().getEvent()).isEqualTo(1);
        assertThat(deployer.status("churn").getEvent()).isEqualTo(1);
        assertThat(mlops.deployments().events("churn").stream()).hasSize(1);
        assertThat(deployer.findOperation("churn", OperationId.of("run-7"))
                        .orElseThrow()
                        .getModel())
                .isEqualTo(v1.getRef());
        // still found once a later operation took its place in the state
        var unused = deploy(v2, Rollout.blueGreen(), "run-8");
        assertThat(deployer.beginApply(plan).getFinalResult().getEvent()).isEqualTo(1);
        assertThat(deployer.status("churn").getEvent()).isEqualTo(2);
    }

    @Test
    void shouldConflictWhenPlanIsStale() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");
        DeploymentPlan stale = deployer.plan("churn", v2, Rollout.blueGreen(), OperationId.of("op-2"));
        var unused2 = deploy(v3, Rollout.blueGreen(), "op-3");

        assertThatThrownBy(() -> deployer.beginApply(stale))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("changed since plan op-2")
                .hasMessageContaining("event 1, now 2");
        assertThat(model(score(1))).isEqualTo("churn@3");
    }

    @Test
    void shouldConflictWhenAnotherOperationIsInProgress() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");
        HealthGate gate = HealthGate.custom().minRequests(1000).build();
        Poller<DeploymentProgress, Deployment> canary = deployer.beginApply(
                deployer.plan("churn", v2, Rollout.canary(gate, 10, 100), OperationId.of("op-canary")));
        assertThat(canary.poll().status()).isEqualTo(OperationStatus.IN_PROGRESS);
        DeploymentPlan other = deployer.plan("churn", v3, Rollout.blueGreen(), OperationId.of("op-other"));

        assertThatThrownBy(() -> deployer.beginApply(other))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("op-canary is in progress");
        assertThatThrownBy(() -> deployer.rollback("churn", "why not"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("op-canary is in progress");
    }

    @Test
    void shouldAnswer413WithTheLimitWhenBodyIsTooLarge() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");
        String big = "{\"rows\":[" + "{\"x\":1.0},".repeat(10_000) + "{\"x\":1.0}]}";

        HttpResponse<String> response = post(deployer.scoringUri("churn"), big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"error\"").contains("limit of 65536 bytes");
        assertThat(score(1).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer400WithAClearMessageWhenJsonOrRowsAreBad() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");

        HttpResponse<String> notJson = post(deployer.scoringUri("churn"), "{\"rows\":[{\"x\":");
        HttpResponse<String> noRows = post(deployer.scoringUri("churn"), "{\"x\":1}");
        HttpResponse<String> nested = post(deployer.scoringUri("churn"), "{\"rows\":[{\"x\":[1]}]}");
        HttpResponse<String> missing = post(deployer.scoringUri("churn"), "{\"rows\":[{\"x\":1},{\"y\":2}]}");

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("not valid JSON");
        assertThat(noRows.statusCode()).isEqualTo(400);
        assertThat(noRows.body()).contains("\\\"rows\\\" array");
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(nested.body()).contains("row 0 column 'x' is a JSON array");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("row 1 column 'x' must be a number, but is missing");
        assertThat(deployer.status("churn").getSlots().get(0).metrics().errors())
                .isZero();
    }

    @Test
    void shouldAnswerScoresWithSlotAndModelHeaders() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");

        HttpResponse<String> response =
                post(deployer.scoringUri("churn"), "{\"rows\":[{\"x\":1.5,\"city\":\"Oslo\"},{\"x\":-1}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"predictions\":[101.5,99.0]}");
        assertThat(slot(response)).isEqualTo("blue");
        assertThat(model(response)).isEqualTo("churn@1");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void shouldServeSeveralEndpointsOnOneServer() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");
        var unused2 = deployer.beginApply(deployer.plan("fraud", v3, Rollout.replace(), OperationId.of("op-f")))
                .getFinalResult();

        HttpResponse<String> churn = score(1);
        HttpResponse<String> fraud = post(deployer.scoringUri("fraud"), rows(1));

        assertThat(deployer.scoringUri("fraud")).startsWith(baseUri());
        assertThat(model(churn)).isEqualTo("churn@1");
        assertThat(model(fraud)).isEqualTo("churn@3");
        assertThat(fraud.body()).isEqualTo("{\"predictions\":[301.0]}");
        assertThat(get(baseUri() + "/health").body()).contains("\"endpoints\":[\"churn\",\"fraud\"]");
        assertThat(mlops.deployments().explain("fraud").getModel().getRef()).isEqualTo(v3.getRef());
    }

    @Test
    void shouldAnswer404And405WhenPathOrMethodIsWrong() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");

        HttpResponse<String> unknown = post(baseUri() + "/endpoints/nope/score", rows(1));
        HttpResponse<String> wrongMethod = get(deployer.scoringUri("churn"));
        HttpResponse<String> wrongHealthMethod = post(baseUri() + "/health", "{}");
        HttpResponse<String> health = get(baseUri() + "/health");
        HttpResponse<String> endpointHealth = get(baseUri() + "/endpoints/churn/health");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no endpoint 'nope'").contains("churn");
        assertThat(get(baseUri() + "/other").statusCode()).isEqualTo(404);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertThat(wrongHealthMethod.statusCode()).isEqualTo(405);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"endpoints\":[\"churn\"]");
        assertThat(endpointHealth.statusCode()).isEqualTo(200);
        assertThat(endpointHealth.body()).contains("\"model\":\"churn@1\"").contains("\"traffic\":100");
    }

    @Test
    void shouldCountShadowCopiesAndDiscardTheirAnswers() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");
        ModelVersion broken = register(mlops, temp, "churn", 999, "failing");
        Deployment shadow = deploy(broken, Rollout.shadow(30), "op-shadow");
        assertThat(shadow.getStatus()).isEqualTo(OperationStatus.SUCCEEDED);

        int answered = 0;
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> response = score(i);
            if (response.statusCode() == 200 && model(response).equals("churn@1")) {
                answered++;
            }
        }
        assertThat(target.awaitShadows(Duration.ofSeconds(30))).isTrue();
        EndpointStatus status = deployer.status("churn");

        assertThat(answered).isEqualTo(200);
        SlotStatus blue = status.getSlots().get(0);
        SlotStatus green = status.getSlots().get(1);
        assertThat(blue.slot()).isEqualTo("blue");
        assertThat(blue.trafficPercent()).isEqualTo(100);
        assertThat(blue.metrics().requests()).isEqualTo(200);
        assertThat(blue.metrics().errors()).isZero();
        assertThat(green.model()).isEqualTo(broken.getRef());
        assertThat(green.trafficPercent()).isZero();
        assertThat(green.shadowPercent()).isEqualTo(30);
        assertThat(green.metrics().requests()).isEqualTo(60); // 30% of 200, dealt exactly per hundred requests
        assertThat(green.metrics().errors()).isEqualTo(60);
        assertThat(status.findLiveModel()).hasValue(v1.getRef());
        System.out.println(
                "shadow: 200 requests answered by churn@1, " + green.metrics().requests() + " copies to the shadow, "
                        + green.metrics().errors() + " shadow errors counted");
    }

    @Test
    void shouldReachTheDatasetsUpstreamOfADeployment() {
        Deployment done = deploy(v1, Rollout.blueGreen(), "op-1");

        LineageGraph up = mlops.lineage().upstream(LineageNode.deployment("churn", done.getEvent()));
        LineageGraph down = mlops.lineage().downstream(LineageNode.dataset("train", 1));

        assertThat(up.nodes())
                .containsExactly(
                        LineageNode.dataset("raw", 1),
                        LineageNode.dataset("train", 1),
                        LineageNode.deployment("churn", 1),
                        LineageNode.model("churn", 1));
        assertThat(up.edges())
                .contains(new LineageEdge(
                        LineageNode.model("churn", 1),
                        LineageNode.deployment("churn", 1),
                        DeploymentHistory.DEPLOY_ROLE));
        assertThat(down.nodes()).contains(LineageNode.deployment("churn", 1));
        DeploymentExplanation why = mlops.deployments().explain("churn");
        assertThat(why.getModel().getRef()).isEqualTo(v1.getRef());
        assertThat(why.getMetrics().get("auc")).isCloseTo(0.9, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(why.getDatasets()).containsExactly(LineageNode.dataset("raw", 1), LineageNode.dataset("train", 1));
        assertThat(why.getEvent().operationId()).isEqualTo(OperationId.of("op-1"));
        assertThat(why.getEvent().target()).isEqualTo(LocalDeployer.TARGET);
    }

    @Test
    void shouldRestorePreviousVersionWhenRolledBack() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");
        var unused2 = deploy(v2, Rollout.blueGreen(), "op-2");
        assertThat(model(score(1))).isEqualTo("churn@2");

        Deployment back = deployer.rollback("churn", "p95 too high in production");

        assertThat(back.getModel()).isEqualTo(v1.getRef());
        assertThat(back.findPrevious()).hasValue(v2.getRef());
        assertThat(back.getEvent()).isEqualTo(3);
        HttpResponse<String> after = score(1);
        assertThat(model(after)).isEqualTo("churn@1");
        assertThat(slot(after)).isEqualTo("blue");
        DeploymentEvent event = mlops.deployments().getEvent("churn", 3);
        assertThat(event.rollout()).isEqualTo("rollback");
        assertThat(event.reason()).isEqualTo("p95 too high in production");
        assertThat(event.findLive()).hasValue(v1.getRef());
        assertThat(mlops.deployments().explain("churn").getModel().getRef()).isEqualTo(v1.getRef());
        assertThat(mlops.deployments().events("churn").stream().map(DeploymentEvent::number))
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void shouldRefuseRollbackWhenThereIsNoPreviousVersion() {
        assertThatThrownBy(() -> deployer.rollback("churn", "x")).isInstanceOf(NotFoundException.class);
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");

        assertThatThrownBy(() -> deployer.rollback("churn", "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no previous version");
    }

    @Test
    void shouldServeTheDesiredStateAgainWhenANewDeployerOpensTheLake() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");
        var unused2 = deploy(v2, Rollout.blueGreen(), "op-2");
        int oldPort = front().getPort();
        deployer.close();
        mlops.close();

        mlops = openMlops();
        deployer = newDeployer(mlops, 64 * 1024);
        HttpResponse<String> response = score(1);

        assertThat(front().getPort()).isNotEqualTo(oldPort);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(model(response)).isEqualTo("churn@2");
        assertThat(slot(response)).isEqualTo("green");
        assertThat(response.body()).isEqualTo("{\"predictions\":[201.0]}");
        assertThat(deployer.status("churn").getEvent()).isEqualTo(2);
        assertThat(deployer.status("churn").findScoringUri()).hasValue(deployer.scoringUri("churn"));
        // the old slot was loaded warm: a rollback needs no new load
        assertThat(deployer.rollback("churn", "after restart").getModel()).isEqualTo(v1.getRef());
        assertThat(model(score(1))).isEqualTo("churn@1");
    }

    @Test
    void shouldReplaceInPlaceAndDropTheIdleSlot() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");
        var unused2 = deploy(v2, Rollout.blueGreen(), "op-2");

        DeploymentPlan plan = deployer.plan("churn", v3, Rollout.replace(), OperationId.of("op-3"));
        var unused3 = deployer.beginApply(plan).getFinalResult();

        assertThat(plan.getChanges())
                .containsExactly(
                        "replace churn@2 with churn@3 in slot green (100% of traffic)",
                        "unload churn@1 from slot blue");
        assertThat(deployer.status("churn").getSlots())
                .extracting(SlotStatus::slot, SlotStatus::model, SlotStatus::trafficPercent)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("green", v3.getRef(), 100));
        assertThat(model(score(1))).isEqualTo("churn@3");
    }

    @Test
    void shouldRefuseAModelNoLoaderSupports() {
        ModelVersion onnx =
                mlops.registry().register(new org.mlops4j.registry.ModelRegistration("other").tag("flavor", "onnx"));

        assertThatThrownBy(() -> deployer.plan("churn", onnx, Rollout.blueGreen(), OperationId.random()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no loader of this deployer supports other@1");
    }

    @Test
    void shouldConflictWhenAnOperationIdIsReusedForAnotherModelOrRollout() {
        // issue 18: a rerun of a program with a hard-coded id got the old deployment back, silently
        DeploymentPlan first = deployer.plan("churn", v1, Rollout.blueGreen(), OperationId.of("run-42"));
        DeploymentPlan otherModel = deployer.plan("churn", v2, Rollout.blueGreen(), OperationId.of("run-42"));
        DeploymentPlan otherRollout = deployer.plan("churn", v1, Rollout.canary(10, 100), OperationId.of("run-42"));
        Deployment done = deployer.beginApply(first).getFinalResult();

        assertThatThrownBy(() -> deployer.beginApply(otherModel))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("operation id 'run-42' was already used on endpoint 'churn' to deploy churn@1"
                        + " by blueGreen")
                .hasMessageContaining("this plan deploys churn@2 by blueGreen")
                .hasMessageContaining("give this one a new id");
        assertThatThrownBy(() -> deployer.beginApply(otherRollout))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("this plan deploys churn@1 by canary[10, 100]");
        assertThatThrownBy(() -> deployer.plan("churn", v2, Rollout.blueGreen(), OperationId.of("run-42")))
                .as("a plan says so before anything is applied")
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("already used");
        assertThat(deployer.status("churn").findLiveModel()).hasValue(v1.getRef());
        assertThat(deployer.status("churn").getEvent()).isEqualTo(done.getEvent());
        assertThat(deployer.beginApply(first).getFinalResult().getEvent())
                .as("the same model and rollout still re-attach")
                .isEqualTo(done.getEvent());
    }

    @Test
    void shouldNameTheMissingFlavorTagWhenAModelHasNone() {
        // issue 18: "no loader … supports churn@1 (tags {})" pointed at adding a loader, not at the missing tag
        java.nio.file.Path dir = temp.resolve("untagged");
        var unused = LinearModelLoader.write(dir, 1.0, Map.of("x", 1.0));
        ModelVersion untagged =
                mlops.registry().register(new org.mlops4j.registry.ModelRegistration("untagged").artifacts(dir));

        assertThatThrownBy(() -> deployer.plan("churn", untagged, Rollout.blueGreen(), OperationId.random()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot serve untagged@1: it has no 'flavor' tag (tags {})")
                .hasMessageContaining(".tag(\"flavor\", \"linear\") for a linear.json")
                .hasMessageContaining("docs/linear-models.md")
                .hasMessageContaining(".tag(\"flavor\", \"onnx\")");
        assertThat(deployer.findStatus("churn")).isEmpty();
    }

    @Test
    void shouldAnswer500WhenAModelReturnsANonFinitePrediction() {
        ModelVersion nan = register(mlops, temp, "churn", 400, "nan");
        var unused = deploy(nan, Rollout.blueGreen(), "op-nan");

        HttpResponse<String> response = score(1);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body())
                .contains("model churn@4 returned a non-finite number (NaN) for row 0")
                .contains("a prediction is a finite number");
        assertThat(model(response)).isEqualTo("churn@4");
        assertThat(deployer.status("churn").getSlots().get(0).metrics().errors())
                .isEqualTo(1);
    }

    @Test
    void shouldBookNothingWhenTheTargetCannotLoadTheModel() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(temp.resolve("broken"));
        java.nio.file.Files.writeString(dir.resolve(LinearModelLoader.FILE), "{not json");
        ModelVersion broken = mlops.registry()
                .register(new org.mlops4j.registry.ModelRegistration("broken")
                        .artifacts(dir)
                        .tag(LinearModelLoader.FLAVOR_TAG, LinearModelLoader.FLAVOR));
        DeploymentPlan first = deployer.plan("churn", broken, Rollout.blueGreen(), OperationId.of("op-1"));

        assertThatThrownBy(() -> deployer.beginApply(first))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not valid JSON");
        assertThat(deployer.findStatus("churn")).isEmpty();
        assertThat(deployer.findOperation("churn", OperationId.of("op-1"))).isEmpty();
        assertThat(deploy(v1, Rollout.blueGreen(), "op-1").getEvent())
                .as("nothing was booked under the id")
                .isEqualTo(1);

        DeploymentPlan second = deployer.plan("churn", broken, Rollout.blueGreen(), OperationId.of("op-2"));
        assertThatThrownBy(() -> deployer.beginApply(second)).isInstanceOf(IllegalArgumentException.class);
        assertThat(deployer.status("churn").findLastOperation()).hasValue(OperationId.of("op-1"));
        assertThat(deployer.status("churn").getLastStatus()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(model(score(1))).isEqualTo("churn@1");
        assertThat(mlops.deployments().events("churn").stream()).hasSize(1);
    }

    @Test
    void shouldRefuseANonLoopbackHostUnlessAllowed() {
        // the host check lives in the front now: ScoringServer refuses with IllegalStateException
        assertThatThrownBy(() -> LocalDeployer.builder()
                        .mlops(mlops)
                        .loader(new LinearModelLoader())
                        .front(ScoringServer.builder().host("0.0.0.0"))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("allowNonLoopback()");
        assertThatThrownBy(() -> LocalDeployer.builder()
                        .mlops(mlops)
                        .loader(new LinearModelLoader())
                        .front(ScoringServer.builder())
                        .front(ScoringServer.builder()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("front was already set");
        assertThatThrownBy(() -> ScoringServer.builder().port(1).port(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("port was already set");
        assertThatThrownBy(() -> ScoringServer.builder().maxRequestBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldServeInThisProcessOnlyWhenNoFrontIsGiven() {
        Deployer inProcess = LocalDeployer.builder()
                .mlops(mlops)
                .loader(new LinearModelLoader())
                .pollInterval(Duration.ofMillis(1))
                .build();
        deployer.close();
        deployer = inProcess;

        Deployment done = deploy(v1, Rollout.blueGreen(), "op-1");

        assertThat(done.getModel()).isEqualTo(v1.getRef());
        assertThat(deployer.status("churn").findLiveModel()).hasValue(v1.getRef());
        assertThat(deployer.status("churn").findScoringUri()).isEmpty();
    }

    @Test
    void shouldKeepEventsImmutableAndRefuseAnotherEventWithTheSameNumber() {
        Deployment done = deploy(v1, Rollout.blueGreen(), "op-1");
        DeploymentEvent event = mlops.deployments().getEvent("churn", done.getEvent());

        assertThat(mlops.deployments().record(event)).isFalse(); // idempotent
        DeploymentEvent other = new DeploymentEvent(
                "churn",
                1,
                "local",
                OperationId.of("op-x"),
                v2.getRef(),
                null,
                v2.getRef(),
                "replace",
                OperationStatus.SUCCEEDED,
                "forged",
                event.at());
        assertThatThrownBy(() -> mlops.deployments().record(other)).isInstanceOf(ConflictException.class);
        assertThat(mlops.deployments().findLatest("churn")).hasValue(event);
        assertThat(List.of(event.node())).containsExactly(LineageNode.deployment("churn", 1));
        assertThat(event.findPrevious()).isEmpty();
        assertThat(event.model()).isEqualTo(new ModelRef("churn", 1));
    }

    @Test
    void shouldLetOneOfTwoDeployersWinWhenBothApplyAgainstTheSameEvent() throws Exception {
        var unused = deploy(v1, Rollout.blueGreen(), "op-0");
        List<ModelVersion> models = List.of(v1, v2, v3);
        LocalTarget first = target;
        try (Deployer other = newDeployer(mlops, 64 * 1024)) {
            target = first;
            for (int round = 1; round <= 5; round++) {
                ModelRef live = deployer.status("churn").findLiveModel().orElseThrow();
                List<ModelVersion> candidates =
                        models.stream().filter(m -> !m.getRef().equals(live)).toList();
                DeploymentPlan mine =
                        deployer.plan("churn", candidates.get(0), Rollout.blueGreen(), OperationId.of("mine-" + round));
                DeploymentPlan theirs =
                        other.plan("churn", candidates.get(1), Rollout.blueGreen(), OperationId.of("theirs-" + round));
                java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
                try {
                    var a = pool.submit(() -> applyAfter(barrier, deployer, mine));
                    var b = pool.submit(() -> applyAfter(barrier, other, theirs));
                    List<String> outcomes = List.of(a.get(), b.get());

                    assertThat(outcomes).containsExactlyInAnyOrder("won", "conflict");
                    ModelRef winner = outcomes.get(0).equals("won") ? mine.getModel() : theirs.getModel();
                    assertThat(deployer.status("churn").getEvent()).isEqualTo(round + 1);
                    assertThat(deployer.status("churn").findLiveModel()).hasValue(winner);
                    assertThat(mlops.deployments().getEvent("churn", round + 1).model())
                            .isEqualTo(winner);
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    private static String applyAfter(java.util.concurrent.CyclicBarrier barrier, Deployer by, DeploymentPlan plan)
            throws Exception {
        barrier.await();
        try {
            var unused = by.beginApply(plan).getFinalResult();
            return "won";
        } catch (ConflictException e) {
            return "conflict";
        }
    }

    @Test
    void shouldRewriteTheEventOfTheLastMoveWhenItsWriterDiedBeforeWritingIt() {
        var unused = deploy(v1, Rollout.blueGreen(), "op-1");
        var unused2 = deploy(v2, Rollout.blueGreen(), "op-2");
        org.mlops4j.store.ObjectStore lake = mlops.objectStore();
        // what a process killed between its compare-and-set and its event writes leaves behind
        assertThat(lake.delete(org.mlops4j.store.StoreKey.of("deployments/churn/events/00000002.json")))
                .isTrue();
        assertThat(lake.delete(org.mlops4j.store.StoreKey.of("deployments/churn/operations/op-2.json")))
                .isTrue();
        assertThat(mlops.deployments().findEvent("churn", 2)).isEmpty();
        deployer.close();

        deployer = newDeployer(mlops, 64 * 1024);

        DeploymentEvent healed = mlops.deployments().getEvent("churn", 2);
        assertThat(healed.operationId()).isEqualTo(OperationId.of("op-2"));
        assertThat(healed.findLive()).hasValue(v2.getRef());
        assertThat(lake.exists(org.mlops4j.store.StoreKey.of("deployments/churn/operations/op-2.json")))
                .isTrue();
        assertThat(mlops.lineage().upstream(LineageNode.deployment("churn", 2)).nodes())
                .contains(LineageNode.model("churn", 2), LineageNode.dataset("train", 1));
    }
}
