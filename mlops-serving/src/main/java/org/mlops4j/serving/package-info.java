/**
 * The local deployment target's HTTP front on Jetty 12: {@link org.mlops4j.serving.ScoringServer} serves the endpoints
 * behind {@link org.mlops4j.deploy.local.ScoringEndpoints} with per-instance timeouts and limits, the native
 * {@code {"rows":[…]}} route and MLflow's scoring formats on {@code /invocations}.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.serving;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
