/**
 * The local deployment target's scoring seam: what an HTTP front (module {@code mlops-serving}) needs from the slots
 * that serve model versions in this JVM. The front does HTTP only (limits, timeouts, request formats, encoding);
 * routing by traffic share, shadow copies and the per-slot counters that feed the health gate live behind
 * {@link org.mlops4j.deploy.local.ScoringEndpoint}.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.deploy.local;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
