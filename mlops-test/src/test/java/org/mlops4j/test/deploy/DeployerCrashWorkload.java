package org.mlops4j.test.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.EndpointStatus;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.deploy.local.LocalDeployer;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.serving.ScoringServer;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.test.InMemoryDeployer;
import org.mlops4j.test.InMemoryDeploymentTarget;
import org.mlops4j.test.process.ParentChannel;
import org.mlops4j.test.process.StepTracker;
import org.mlops4j.test.process.StoreSteps;

/**
 * A child of {@link DeployerCrashTest} that changes endpoint {@value #ENDPOINT} until it is halted or killed: random
 * blue/green switches, in-place replaces, shadows and rollbacks among the registered versions of model
 * {@value #MODEL}, each applied under an operation id {@code <run>-<i>}.
 *
 * <p>Arguments: lake directory, random seed, run name, and the target ({@code local} by default, or
 * {@code in-memory}). The store's steps are reported as {@code <phase>/<step>}, the
 * phase being the kind of key written ({@link #phaseOf}).
 */
public final class DeployerCrashWorkload {
    static final String ENDPOINT = "churn";
    static final String MODEL = "churn";

    static final String STATE = "state";
    static final String EVENT = "event";
    static final String OPERATION = "operation";
    static final String LINEAGE = "lineage";
    static final String OTHER = "other";

    private DeployerCrashWorkload() {}

    /** Returns the kind of a key the deployer writes. */
    static String phaseOf(StoreKey key) {
        String value = key.value();
        if (value.startsWith("deployments/")) {
            if (value.endsWith("/state.json")) {
                return STATE;
            }
            return value.contains("/events/") ? EVENT : value.contains("/operations/") ? OPERATION : OTHER;
        }
        return value.startsWith("lineage/") ? LINEAGE : OTHER;
    }

    /**
     * Returns the crash test's deployer on a lake: over the local target, or over the test kit's fake target (books,
     * fake state and events all in the lake).
     */
    static Deployer deployer(Mlops mlops, String kind) {
        if (kind.equals(InMemoryDeployer.TARGET)) {
            return Deployer.builder()
                    .target(InMemoryDeploymentTarget.builder()
                            .store(mlops.objectStore())
                            .build())
                    .history(mlops.deployments())
                    .pollInterval(Duration.ofMillis(1))
                    .build();
        }
        return LocalDeployer.builder()
                .mlops(mlops)
                .loader(new LinearModelLoader())
                .front(ScoringServer.builder())
                .build();
    }

    public static void main(String[] args) {
        ParentChannel parent = ParentChannel.open();
        StepTracker steps = StepTracker.fromSystemProperties();
        Path lake = Path.of(args[0]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        String run = args[2];
        String kind = args.length > 3 ? args[3] : LocalDeployer.TARGET;
        try (LocalObjectStore store = StoreSteps.reporting(
                                LocalObjectStore.builder().root(lake),
                                steps.phasedListener(DeployerCrashWorkload::phaseOf))
                        .build();
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build();
                Deployer deployer = deployer(mlops, kind)) {
            List<ModelVersion> models =
                    mlops.registry().versions(MODEL).stream().toList();
            parent.ready();
            for (int i = 1; ; i++) {
                EndpointStatus status = deployer.findStatus(ENDPOINT).orElse(null);
                ModelRef live = status == null ? null : status.findLiveModel().orElse(null);
                int choice = random.nextInt(4);
                if (choice == 3 && status != null) {
                    try {
                        var unused = deployer.rollback(ENDPOINT, run + " rollback " + i);
                    } catch (IllegalStateException e) {
                        // only one model was ever live: nothing to go back to
                    }
                } else {
                    List<ModelVersion> others = models.stream()
                            .filter(m -> !m.getRef().equals(live))
                            .toList();
                    ModelVersion target = others.get(random.nextInt(others.size()));
                    Rollout rollout = status == null || choice == 0
                            ? Rollout.blueGreen()
                            : choice == 1 ? Rollout.replace() : Rollout.shadow(50);
                    var unused = deployer.beginApply(
                                    deployer.plan(ENDPOINT, target, rollout, OperationId.of(run + "-" + i)))
                            .getFinalResult();
                }
            }
        }
    }
}
