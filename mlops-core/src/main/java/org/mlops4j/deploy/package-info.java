/**
 * Deployments: a model version made live behind an endpoint, with rollouts ({@link org.mlops4j.deploy.Rollout}),
 * health gates and rollback. {@link org.mlops4j.deploy.Deployer} is the one rollout state machine, over a
 * {@link org.mlops4j.deploy.spi.DeploymentTarget} driver; every change is a deployment event in lineage
 * ({@link org.mlops4j.deploy.DeploymentHistory}). {@link org.mlops4j.deploy.ModelLoader} turns a model version's
 * artifacts into a {@link org.mlops4j.deploy.Predictor} for the local target.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.deploy;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
