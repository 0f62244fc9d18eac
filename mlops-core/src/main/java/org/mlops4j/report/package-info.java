/**
 * Reports of a model's story: {@link org.mlops4j.report.StoryReport} writes the lineage graph, the champion's and
 * challenger's metrics, the verdict with its findings and the story's events as Markdown (with a Mermaid graph) or as
 * one self-contained HTML page (inline SVG, a Content-Security-Policy, no scripts and no external resources).
 */
@NullMarked
@CheckReturnValue
package org.mlops4j.report;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
