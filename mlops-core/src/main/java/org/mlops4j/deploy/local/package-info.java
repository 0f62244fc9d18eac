/**
 * The local deployment target: model versions served in this JVM. {@link org.mlops4j.deploy.local.LocalDeployer}
 * builds a {@link org.mlops4j.deploy.Deployer} over it. Its scoring seam is what an HTTP front (module
 * {@code mlops-serving}) needs from the slots: the front does HTTP only (limits, timeouts, request formats,
 * encoding); routing by traffic share, shadow copies and the per-slot counters that feed the health gate live behind
 * {@link org.mlops4j.deploy.local.ScoringEndpoint}.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.deploy.local;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
