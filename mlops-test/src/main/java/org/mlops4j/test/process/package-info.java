/**
 * A harness for tests that run code in child JVMs: start a main class with the current classpath, talk to it over
 * its standard streams, halt it at a named step or kill it with SIGKILL, and count where the kills landed.
 *
 * <p>Parent side: {@link org.mlops4j.test.process.ChildJvm}, {@link org.mlops4j.test.process.ChildProcess},
 * {@link org.mlops4j.test.process.CrashLoop} (its plans drawn by {@link org.mlops4j.test.process.KillPlans}),
 * {@link org.mlops4j.test.process.KillHistogram}, {@link org.mlops4j.test.process.LakeTempFiles}. Child side:
 * {@link org.mlops4j.test.process.ParentChannel} and {@link org.mlops4j.test.process.StepTracker}.
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.test.process;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
