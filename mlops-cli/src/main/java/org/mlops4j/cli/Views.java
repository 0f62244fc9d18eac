package org.mlops4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Map;
import org.mlops4j.compare.Finding;
import org.mlops4j.compare.Verdict;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelVersion;

/** The JSON forms of the library's values, one method per value; docs/cli.md documents each. */
final class Views {
    private Views() {}

    static ObjectNode dataset(ObjectNode node, DatasetVersion version) {
        node.put("name", version.getName());
        node.put("version", version.getNumber());
        node.put("ref", version.getRef().toString());
        node.put("digest", version.getDigest().toString());
        node.put("files", version.getFileCount());
        node.put("bytes", version.getByteCount());
        node.put("created", version.getCreated().toString());
        node.put("author", version.getAuthor());
        node.put("message", version.getMessage());
        strings(node.putObject("tags"), version.getTags());
        refs(node.putArray("parents"), version.getParents());
        version.getTransform().ifPresent(t -> {
            ObjectNode transform = node.putObject("transform");
            transform.put("name", t.name());
            transform.put("codeRevision", t.codeRevision());
            strings(transform.putObject("params"), t.params());
        });
        return node;
    }

    static ObjectNode model(ObjectNode node, ModelVersion version) {
        node.put("name", version.getName());
        node.put("version", version.getVersion());
        node.put("ref", version.getRef().toString());
        version.getArtifacts().ifPresent(d -> node.put("artifacts", d.toString()));
        node.put("artifactFiles", version.getArtifactFiles());
        node.put("artifactBytes", version.getArtifactBytes());
        ObjectNode metrics = node.putObject("metrics");
        version.getMetrics().forEach(metrics::put);
        strings(node.putObject("params"), version.getParams());
        strings(node.putObject("tags"), version.getTags());
        ArrayNode inputs = node.putArray("inputs");
        for (ModelInput input : version.getInputs()) {
            inputs.addObject().put("dataset", input.dataset().toString()).put("role", input.role());
        }
        node.put("codeRevision", version.getCodeRevision());
        node.put("pipelineRun", version.getPipelineRun());
        node.put("description", version.getDescription());
        node.put("created", version.getCreated().toString());
        node.put("author", version.getAuthor());
        return node;
    }

    static ObjectNode alias(ObjectNode node, ModelAlias alias) {
        node.put("model", alias.model());
        node.put("alias", alias.alias());
        node.put("version", alias.version());
        node.put("sequence", alias.sequence());
        node.put("movedAt", alias.movedAt().toString());
        node.put("movedBy", alias.movedBy());
        node.put("runId", alias.runId());
        node.put("reason", alias.reason());
        return node;
    }

    static ObjectNode verdict(ObjectNode node, Verdict verdict) {
        node.put("decision", verdict.getDecision().name());
        verdict.getChampion().ifPresentOrElse(c -> node.put("champion", c.toString()), () -> node.putNull("champion"));
        node.put("challenger", verdict.getChallenger().toString());
        ArrayNode findings = node.putArray("findings");
        verdict.getFindings().forEach(f -> finding(findings.addObject(), f));
        return node;
    }

    static ObjectNode finding(ObjectNode finding, Finding f) {
        finding.put("rule", f.rule());
        finding.put("metric", f.metric());
        finding.put("decision", f.decision().name());
        finding.put("champion", f.champion());
        finding.put("challenger", f.challenger());
        finding.put("delta", f.delta());
        finding.put("lower", f.lower());
        finding.put("upper", f.upper());
        finding.put("pValue", f.pValue());
        finding.put("threshold", f.threshold());
        finding.put("detail", f.detail());
        return finding;
    }

    static ObjectNode graph(ObjectNode node, LineageGraph graph) {
        node(node.putObject("start"), graph.start());
        ArrayNode nodes = node.putArray("nodes");
        graph.nodes().forEach(n -> node(nodes.addObject(), n));
        ArrayNode edges = node.putArray("edges");
        graph.edges().forEach(e -> {
            ObjectNode edge = edges.addObject();
            node(edge.putObject("from"), e.from());
            node(edge.putObject("to"), e.to());
            edge.put("role", e.role());
        });
        return node;
    }

    private static void node(ObjectNode node, LineageNode n) {
        node.put("kind", n.kind()).put("name", n.name()).put("version", n.version());
    }

    static ArrayNode strings(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
        return array;
    }

    private static void strings(ObjectNode node, Map<String, String> values) {
        values.forEach(node::put);
    }

    private static void refs(ArrayNode array, Collection<DatasetRef> refs) {
        refs.forEach(r -> array.add(r.toString()));
    }
}
