/**
 * Deployers: a model version made live behind an endpoint, with rollouts ({@link org.mlops4j.deploy.Rollout}),
 * health gates and rollback. {@link org.mlops4j.deploy.Deployer} is the SPI; every change is a deployment event in
 * lineage.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.deploy;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
