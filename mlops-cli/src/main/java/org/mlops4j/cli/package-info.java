/**
 * The {@code mlops4j} command line: datasets, models, comparison verdicts with exit codes, lineage, shell completion,
 * over {@link org.mlops4j.Mlops#fromEnvironment()}. See {@code docs/cli.md}.
 */
@NullMarked
package org.mlops4j.cli;

import org.jspecify.annotations.NullMarked;
