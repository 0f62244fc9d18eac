package org.mlops4j.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlops4j.deploy.local.DeployFixtures.model;
import static org.mlops4j.deploy.local.DeployFixtures.post;
import static org.mlops4j.deploy.local.DeployFixtures.register;
import static org.mlops4j.deploy.local.DeployFixtures.rows;
import static org.mlops4j.deploy.local.DeployFixtures.slot;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.CanaryStepEvent;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Deployment;
import org.mlops4j.deploy.DeploymentEvent;
import org.mlops4j.deploy.DeploymentPlan;
import org.mlops4j.deploy.DeploymentProgress;
import org.mlops4j.deploy.EndpointStatus;
import org.mlops4j.deploy.HealthGate;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.OperationStatus;
import org.mlops4j.deploy.PollResponse;
import org.mlops4j.deploy.Poller;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.deploy.SlotStatus;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.serving.ScoringServer;
import org.mlops4j.test.ManualClock;

/** Acceptance (issue 6, point 1): switches and canaries under real HTTP traffic. */
class RolloutUnderTrafficTest {
    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
    private Mlops mlops;
    private Deployer deployer;

    @BeforeEach
    void start() {
        mlops = Mlops.builder()
                .localLake(temp.resolve("lake"))
                .cacheDirectory(null)
                .clock(clock)
                .build();
        deployer = DeployFixtures.deployerOn(mlops)
                .loader(new DeployFixtures.GuardedLinearLoader())
                .build();
    }

    @AfterEach
    void stop() {
        deployer.close();
        mlops.close();
    }

    private Deployment deploy(ModelVersion model, Rollout rollout) {
        return deployer.beginApply(deployer.plan("churn", model, rollout, OperationId.random()))
                .getFinalResult();
    }

    @Test
    void shouldAnswerEveryRequestWhenSlotsSwitchUnderLoad() throws Exception {
        List<ModelVersion> models = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            models.add(register(mlops, temp, "churn", i * 100, "guarded"));
        }
        var unused = deploy(models.get(0), Rollout.blueGreen());
        int total = 12_000;
        int clients = 4;
        int switchEvery = 600;
        String uri = deployer.scoringUri("churn");
        AtomicInteger next = new AtomicInteger();
        AtomicInteger switches = new AtomicInteger();
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder wrongAnswer = new LongAdder();
        Map<String, LongAdder> bySlot = new ConcurrentHashMap<>();
        Map<String, LongAdder> byModel = new ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Object switchLock = new Object();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    while (true) {
                        int i = next.getAndIncrement();
                        if (i >= total) {
                            return;
                        }
                        if (i > 0 && i % switchEvery == 0) {
                            synchronized (switchLock) { // one switch at a time, while the other clients keep sending
                                int k = switches.incrementAndGet();
                                // alternate: blue/green keeps the old slot warm; replace retires the live predictor
                                // while requests are in flight on it
                                var unusedDeployment = deploy(
                                        models.get(k % models.size()),
                                        k % 2 == 1 ? Rollout.blueGreen() : Rollout.replace());
                            }
                        }
                        HttpResponse<String> response;
                        try {
                            response = post(uri, rows(1));
                        } catch (RuntimeException e) {
                            failed.increment();
                            failures.add("request " + i + ": " + e);
                            continue;
                        }
                        if (response.statusCode() / 100 != 2) {
                            failed.increment();
                            failures.add("request " + i + ": " + response.statusCode() + " " + response.body());
                            continue;
                        }
                        ok.increment();
                        String model = model(response);
                        bySlot.computeIfAbsent(slot(response), s -> new LongAdder())
                                .increment();
                        byModel.computeIfAbsent(model, s -> new LongAdder()).increment();
                        // y = intercept + x, intercept = 100 * version: the body must come from the model named
                        long version = Long.parseLong(model.substring(model.indexOf('@') + 1));
                        if (!response.body().equals("{\"predictions\":[" + (version * 100 + 1) + ".0]}")) {
                            wrongAnswer.increment();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> slots = new TreeMap<>();
        bySlot.forEach((k, v) -> slots.put(k, v.sum()));
        Map<String, Long> perModel = new TreeMap<>();
        byModel.forEach((k, v) -> perModel.put(k, v.sum()));
        System.out.printf(
                "blue/green under load: %d requests from %d clients, %d switches (blueGreen and replace alternating),"
                        + " 2xx=%d, errors=%d, wrong answers=%d, by slot %s, by model %s, %.1f s%n",
                total, clients, switches.get(), ok.sum(), failed.sum(), wrongAnswer.sum(), slots, perModel, seconds);

        assertThat(failures).isEmpty();
        assertThat(ok.sum()).isEqualTo(total);
        assertThat(failed.sum()).isZero();
        assertThat(wrongAnswer.sum()).isZero();
        assertThat(switches.get()).isGreaterThanOrEqualTo(5);
        assertThat(slots.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
        assertThat(slots).containsOnlyKeys("blue", "green");
        assertThat(perModel).containsOnlyKeys("churn@1", "churn@2", "churn@3");
        assertThat(deployer.status("churn").getEvent()).isEqualTo(1 + switches.get());
        // the deployer's own counters agree with the clients: every request counted once, no errors
        EndpointStatus status = deployer.status("churn");
        assertThat(status.getSlots())
                .allSatisfy(s -> assertThat(s.metrics().errors()).isZero());
    }

    @Test
    void shouldRollBackWithinTheGateMinRequestsWhenCanaryFails() {
        ModelVersion good = register(mlops, temp, "churn", 100, "linear");
        ModelVersion broken = register(mlops, temp, "churn", 200, "failing");
        var unused = deploy(good, Rollout.blueGreen());
        HealthGate gate = HealthGate.custom().minRequests(20).maxErrorRate(0.05).build();
        List<DeploymentEvent> rolledBack = new java.util.concurrent.CopyOnWriteArrayList<>();
        deployer.getEventPublisher().onRolledBack(rolledBack::add);
        Poller<DeploymentProgress, Deployment> canary = deployer.beginApply(
                deployer.plan("churn", broken, Rollout.canary(gate, 10, 50, 100), OperationId.of("canary-1")));

        int sent = 0;
        int brokenAnswers = 0;
        int goodAnswers = 0;
        PollResponse<DeploymentProgress> progress = canary.poll();
        while (!progress.status().isTerminal() && sent < 10_000) {
            HttpResponse<String> response = post(deployer.scoringUri("churn"), rows(sent));
            sent++;
            if (model(response).equals("churn@2")) {
                assertThat(response.statusCode()).isEqualTo(500);
                assertThat(response.body()).contains("model churn@2 failed");
                brokenAnswers++;
            } else {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(model(response)).isEqualTo("churn@1");
                goodAnswers++;
            }
            progress = canary.poll();
        }
        Deployment result = canary.getFinalResult();
        System.out.printf(
                "canary rollback: %d requests until rollback, %d failed on the canary slot (gate minRequests %d),"
                        + " %d answered by the old slot; reason: %s%n",
                sent, brokenAnswers, gate.getMinRequests(), goodAnswers, result.getReason());

        assertThat(progress.status()).isEqualTo(OperationStatus.ROLLED_BACK);
        assertThat(brokenAnswers)
                .isLessThanOrEqualTo((int) gate.getMinRequests())
                .isEqualTo(20);
        assertThat(sent).isLessThanOrEqualTo(200); // the canary slot gets exactly 10 of every 100 requests
        assertThat(result.getStatus()).isEqualTo(OperationStatus.ROLLED_BACK);
        assertThat(result.getReason()).contains("error rate 1.0000 (20 of 20) above 0.0500");
        assertThat(result.getEvent()).isEqualTo(2);
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> response = post(deployer.scoringUri("churn"), rows(i));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(model(response)).isEqualTo("churn@1");
            assertThat(slot(response)).isEqualTo("blue");
        }
        EndpointStatus status = deployer.status("churn");
        assertThat(status.getSlots()).extracting(SlotStatus::model).containsExactly(good.getRef());
        assertThat(status.getLastStatus()).isEqualTo(OperationStatus.ROLLED_BACK);
        DeploymentEvent event = mlops.deployments().getEvent("churn", 2);
        assertThat(event.status()).isEqualTo(OperationStatus.ROLLED_BACK);
        assertThat(event.model()).isEqualTo(broken.getRef());
        assertThat(event.findLive()).hasValue(good.getRef());
        assertThat(mlops.deployments().explain("churn").getModel().getRef()).isEqualTo(good.getRef());
        assertThat(rolledBack).containsExactly(event);
    }

    @Test
    void shouldRollBackWhenCanaryGetsTooFewRequestsWithinMaxWait() {
        ModelVersion good = register(mlops, temp, "churn", 100, "linear");
        ModelVersion next = register(mlops, temp, "churn", 200, "linear");
        var unused = deploy(good, Rollout.blueGreen());
        HealthGate gate = HealthGate.custom()
                .minRequests(50)
                .maxWait(Duration.ofMinutes(1))
                .build();
        Poller<DeploymentProgress, Deployment> canary = deployer.beginApply(
                deployer.plan("churn", next, Rollout.canary(gate, 10, 100), OperationId.of("canary-2")));
        for (int i = 0; i < 30; i++) {
            assertThat(post(deployer.scoringUri("churn"), rows(i)).statusCode()).isEqualTo(200);
        }

        clock.advance(Duration.ofSeconds(59));
        PollResponse<DeploymentProgress> before = canary.poll();
        clock.advance(Duration.ofSeconds(1));
        PollResponse<DeploymentProgress> after = canary.poll();

        assertThat(before.status()).isEqualTo(OperationStatus.IN_PROGRESS);
        assertThat(before.value().newSlotPercent()).isEqualTo(10);
        assertThat(before.value().message()).matches("slot green: \\d of 50 requests");
        assertThat(after.status()).isEqualTo(OperationStatus.ROLLED_BACK);
        assertThat(after.value().message()).matches("slot green: only \\d of 50 requests within PT1M");
        assertThat(model(post(deployer.scoringUri("churn"), rows(1)))).isEqualTo("churn@1");
    }

    @Test
    void shouldMoveThroughEveryStepWhenCanaryIsHealthy() {
        ModelVersion good = register(mlops, temp, "churn", 100, "linear");
        ModelVersion next = register(mlops, temp, "churn", 200, "linear");
        var unused = deploy(good, Rollout.blueGreen());
        HealthGate gate = HealthGate.custom().minRequests(10).build();
        List<CanaryStepEvent> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<DeploymentEvent> deployed = new java.util.concurrent.CopyOnWriteArrayList<>();
        deployer.getEventPublisher().onCanaryStep(steps::add).onDeployed(deployed::add);
        Poller<DeploymentProgress, Deployment> canary = deployer.beginApply(
                deployer.plan("churn", next, Rollout.canary(gate, 10, 50, 100), OperationId.of("canary-3")));

        List<Integer> shares = new ArrayList<>();
        PollResponse<DeploymentProgress> progress = canary.poll();
        int sent = 0;
        while (!progress.status().isTerminal() && sent < 10_000) {
            if (shares.isEmpty()
                    || shares.get(shares.size() - 1) != progress.value().newSlotPercent()) {
                shares.add(progress.value().newSlotPercent());
            }
            assertThat(post(deployer.scoringUri("churn"), rows(sent)).statusCode())
                    .isEqualTo(200);
            sent++;
            progress = canary.poll();
        }

        assertThat(progress.status()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(shares).containsExactly(10, 50, 100);
        assertThat(canary.getFinalResult().getReason()).startsWith("canary passed all 3 steps");
        assertThat(model(post(deployer.scoringUri("churn"), rows(1)))).isEqualTo("churn@2");
        assertThat(deployer.status("churn").getSlots())
                .extracting(SlotStatus::slot, SlotStatus::trafficPercent)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("blue", 0),
                        org.assertj.core.groups.Tuple.tuple("green", 100));
        assertThat(deployer.rollback("churn", "changed my mind").getModel()).isEqualTo(good.getRef());
        assertThat(steps)
                .extracting(CanaryStepEvent::step, CanaryStepEvent::newSlotPercent)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2, 50), org.assertj.core.groups.Tuple.tuple(3, 100));
        assertThat(deployed)
                .extracting(DeploymentEvent::number, DeploymentEvent::rollout)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2L, "canary[10, 50, 100]"),
                        org.assertj.core.groups.Tuple.tuple(3L, "rollback"));
    }

    @Test
    void shouldReattachToARunningCanaryWhenANewDeployerAppliesTheSamePlan() {
        ModelVersion good = register(mlops, temp, "churn", 100, "linear");
        ModelVersion next = register(mlops, temp, "churn", 200, "linear");
        var unused = deploy(good, Rollout.blueGreen());
        HealthGate gate = HealthGate.custom().minRequests(10).build();
        DeploymentPlan plan =
                deployer.plan("churn", next, Rollout.canary(gate, 20, 100), OperationId.of("pipeline-run-9"));
        assertThat(deployer.beginApply(plan).poll().status()).isEqualTo(OperationStatus.IN_PROGRESS);
        deployer.close(); // the process that started the canary is gone

        deployer = LocalDeployer.builder()
                .mlops(mlops)
                .loader(new LinearModelLoader())
                .front(ScoringServer.builder())
                .pollInterval(Duration.ofMillis(1))
                .build();
        Poller<DeploymentProgress, Deployment> resumed = deployer.beginApply(plan);
        PollResponse<DeploymentProgress> progress = resumed.poll();
        assertThat(progress.status()).isEqualTo(OperationStatus.IN_PROGRESS);
        assertThat(progress.value().newSlotPercent()).isEqualTo(20);
        int sent = 0;
        while (!progress.status().isTerminal() && sent < 10_000) {
            assertThat(post(deployer.scoringUri("churn"), rows(sent)).statusCode())
                    .isEqualTo(200);
            sent++;
            progress = resumed.poll();
        }

        assertThat(progress.status()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(resumed.getFinalResult().getEvent()).isEqualTo(2);
        assertThat(mlops.deployments().events("churn").stream()).hasSize(2);
        assertThat(model(post(deployer.scoringUri("churn"), rows(1)))).isEqualTo("churn@2");
    }
}
