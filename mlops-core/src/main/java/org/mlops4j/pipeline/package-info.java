/**
 * Retraining pipelines: trigger → prepare → train → register → evaluate → compare → promote → deploy, every step
 * journaled in the lake so that a crashed run resumes instead of redoing or duplicating work, with a lease so that one
 * process runs a pipeline at a time. Start with {@code mlops.pipeline(name)}; the journal's schema is in
 * {@code docs/pipeline-journal.md}.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.pipeline;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
