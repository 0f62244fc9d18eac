/**
 * What a remote training backend implements so that a retraining pipeline can train there: submit a job with the run
 * id as its idempotency key, poll it, and fetch what it produced ({@link org.mlops4j.pipeline.spi.RemoteTrainer}). The
 * pipeline journals the job's handle before it waits, so a run resumed after a crash re-attaches to the job instead of
 * submitting another. Drivers only do I/O; the journal, the lease and the waiting are the pipeline's.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.pipeline.spi;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
