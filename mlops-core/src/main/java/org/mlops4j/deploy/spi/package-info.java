/**
 * The deployment-target SPI: what a backend implements so that {@link org.mlops4j.deploy.Deployer} can run its
 * rollouts there. A target only does I/O: it serves a {@link org.mlops4j.deploy.spi.SlotLayout} (slots with a model
 * version each, their traffic and mirror shares), reports per-slot {@link org.mlops4j.deploy.spi.SlotHealth} and
 * hands out {@link org.mlops4j.deploy.spi.TargetOperation} handles that can be polled again after a restart. The
 * rollout state machine (canary steps, health gate, rollback, operation ids, stale plans) and the deployment events
 * live in core; a target adds none of them. The contract suite {@code DeploymentTargetContract} in {@code mlops-test}
 * checks a target.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.deploy.spi;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
