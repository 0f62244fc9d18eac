package org.mlops4j.test.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.DeploymentEvent;
import org.mlops4j.deploy.EndpointStatus;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.deploy.local.LocalDeployer;
import org.mlops4j.deploy.spi.TargetSlot;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.test.InMemoryDeployer;
import org.mlops4j.test.InMemoryDeploymentTarget;
import org.mlops4j.test.process.ChildJvm;
import org.mlops4j.test.process.CrashLoop;
import org.mlops4j.test.process.KillHistogram;
import org.mlops4j.test.process.KillOutcome;
import org.mlops4j.test.process.KillPlan;
import org.mlops4j.test.process.KillPlans;
import org.mlops4j.test.process.StoreSteps;

/**
 * Kills a process that deploys, at chosen steps of its writes (halts right after the desired state moved, after an
 * event or operation record, after a lineage edge) and at random moments (SIGKILL), and after each death checks that
 * a new deployer on the lake serves a consistent endpoint: the events are numbered 1..n without gaps (the records a
 * dead writer left out are written again), the latest event names the model the state serves, that model answers
 * over HTTP, no operation wrote two events, and lineage reaches the deployed model. The deployer is the core one over
 * the local target, and again over the test kit's fake target, whose updates end only when polled (what it serves is
 * then read from its books instead of over HTTP).
 */
class DeployerCrashTest {
    static final String SEED_PROPERTY = "mlops4j.test.deployerCrashSeed";
    private static final Map<String, Integer> MAX_OCCURRENCE = Map.of(
            DeployerCrashWorkload.STATE + "/" + StoreSteps.STEP_POINTER_MOVED, 4,
            DeployerCrashWorkload.STATE + "/" + StoreSteps.STEP_POINTER_WRITTEN, 4,
            DeployerCrashWorkload.EVENT + "/" + StoreSteps.STEP_RECORD_COMMITTED, 4,
            DeployerCrashWorkload.OPERATION + "/" + StoreSteps.STEP_RECORD_COMMITTED, 4,
            DeployerCrashWorkload.LINEAGE + "/" + StoreSteps.STEP_RECORD_COMMITTED, 4);
    private static final int HALTS_PER_STEP = 3;
    private static final int SIGKILLS = 6;
    private static final Duration MAX_KILL_DELAY = Duration.ofMillis(399);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @TempDir
    Path dir;

    private Path lake;
    private long checks;
    private String kind = LocalDeployer.TARGET;

    @Test
    void shouldServeAConsistentEndpointAfterTheDeployerIsKilledAtAnyStep() {
        crashLoop("deployer crash test");
    }

    /** The same deaths over the test kit's fake target, whose updates end only when polled: handles re-attached. */
    @Test
    void shouldKeepConsistentBooksAfterTheDeployerIsKilledAtAnyStepOverATargetThatTakesItsTime() {
        kind = InMemoryDeployer.TARGET;
        crashLoop("deployer crash test (in-memory target)");
    }

    private void crashLoop(String title) {
        Random random = new Random(CrashLoop.seed(SEED_PROPERTY, title));
        lake = dir.resolve("lake");
        try (Mlops mlops = Mlops.builder().localLake(lake).cacheDirectory(null).build()) {
            for (int i = 1; i <= 3; i++) {
                Path artifacts = dir.resolve("model-" + i);
                var unused = LinearModelLoader.write(artifacts, 100.0 * i, Map.of("x", 1.0));
                var unused2 = mlops.registry()
                        .register(new ModelRegistration(DeployerCrashWorkload.MODEL)
                                .artifacts(artifacts)
                                .tag(LinearModelLoader.FLAVOR_TAG, LinearModelLoader.FLAVOR)
                                .requestId("model-" + i));
            }
        }
        List<KillPlan> plans = new KillPlans(random)
                .halts(MAX_OCCURRENCE, HALTS_PER_STEP)
                .sigkills(SIGKILLS, MAX_KILL_DELAY)
                .shuffled();

        KillHistogram histogram = CrashLoop.builder()
                .child(plan -> {
                    long childSeed = random.nextLong();
                    return ChildJvm.builder(DeployerCrashWorkload.class)
                            .outputDirectory(dir.resolve("children"))
                            .args(
                                    lake.toString(),
                                    Long.toString(childSeed),
                                    "run" + Long.toHexString(childSeed & 0xffffffffL),
                                    kind)
                            .haltAsPlanned(plan)
                            .build();
                })
                .afterEach(this::checkAfterDeath)
                .report(title, System.out)
                .build()
                .run(plans);

        System.out.printf("%s: %d events checked%n", title, checks);
        assertThat(histogram.total()).isEqualTo(plans.size());
        assertThat(checks).as("events checked").isPositive();
    }

    private void checkAfterDeath(KillOutcome outcome) {
        try (Mlops mlops = Mlops.builder().localLake(lake).cacheDirectory(null).build();
                Deployer deployer = DeployerCrashWorkload.deployer(mlops, kind)) {
            String what = outcome.toString();
            EndpointStatus status =
                    deployer.findStatus(DeployerCrashWorkload.ENDPOINT).orElse(null);
            if (status == null) {
                return; // killed before its first change
            }
            List<DeploymentEvent> events = mlops.deployments().events(DeployerCrashWorkload.ENDPOINT).stream()
                    .toList();
            assertThat(events)
                    .as(what)
                    .extracting(DeploymentEvent::number)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, status.getEvent())
                            .boxed()
                            .toList());
            Set<String> operations = new HashSet<>();
            for (DeploymentEvent event : events) {
                assertThat(operations.add(event.operationId().value()))
                        .as("%s: operation %s wrote one event", what, event.operationId())
                        .isTrue();
            }
            DeploymentEvent latest = events.get(events.size() - 1);
            ModelRef live = status.findLiveModel().orElseThrow();
            assertThat(latest.findLive()).as(what).hasValue(live);
            assertThat(mlops.lineage().upstream(latest.node()).nodes())
                    .as(what)
                    .contains(LineageNode.model(
                            latest.model().name(), latest.model().version()));
            if (kind.equals(InMemoryDeployer.TARGET)) {
                // the fake serves no HTTP: what it serves is its books, which must say what the events say
                assertThat(InMemoryDeploymentTarget.builder()
                                .store(mlops.objectStore())
                                .build()
                                .read(DeployerCrashWorkload.ENDPOINT)
                                .flatMap(layout -> layout.slots().stream()
                                        .filter(s -> s.trafficPercent() == 100)
                                        .findFirst())
                                .map(TargetSlot::model))
                        .as(what)
                        .hasValue(live);
                checks += events.size();
                return;
            }
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(deployer.scoringUri(DeployerCrashWorkload.ENDPOINT)))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"rows\":[{\"x\":1}]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(what).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Mlops-Model")).as(what).hasValue(live.toString());
            assertThat(response.body()).as(what).isEqualTo("{\"predictions\":[" + (live.version() * 100 + 1) + ".0]}");
            checks += events.size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
