/**
 * Reports of a model's story: {@link org.mlops4j.report.StoryReport} writes the lineage graph (with each model's
 * aliases, live endpoints and gate decision), the champion's and challenger's metrics on their evaluation dataset, the
 * verdict with its findings, curves and confusion matrices from per-example outcomes, metrics per slice, drift per
 * column, the model's metric history and the story's events, as Markdown (with a Mermaid graph) or as one
 * self-contained HTML page (inline SVG, a Content-Security-Policy, no scripts and no external resources).
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.report;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
