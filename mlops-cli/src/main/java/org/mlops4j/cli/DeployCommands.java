package org.mlops4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.mlops4j.Mlops;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.deploy.DeploymentEvent;
import org.mlops4j.deploy.DeploymentExplanation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlops4j deploy status|history}: what the lake's deployment history says about an endpoint, whatever deployer
 * (local or remote) wrote it (DESIGN §3.5). Planning and applying need a deployment target and are not commands yet.
 */
@Command(
        name = "deploy",
        description = "Read an endpoint's deployments from the lake: which model is live and why, and its history.",
        subcommands = {DeployCommands.Status.class, DeployCommands.History.class})
final class DeployCommands extends Group {

    @Command(
            name = "status",
            description = "The endpoint's latest deployment: the live model, its metrics and the datasets upstream.")
    static final class Status extends Leaf {
        @Parameters(paramLabel = "ENDPOINT", description = "The endpoint's name.")
        String endpoint = "";

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            DeploymentExplanation why = mlops.deployments().explain(endpoint);
            DeploymentEvent event = why.getEvent();
            ObjectNode document = output.document();
            event(document.putObject("event"), event);
            Views.model(document.putObject("model"), why.getModel());
            ArrayNode datasets = document.putArray("datasets");
            why.getDatasets().forEach(d -> datasets.add(d.name() + "@" + d.version()));
            output.emit(document, out -> {
                out.println(endpoint + ": " + why.getModel().getRef() + " is live since event #" + event.number() + " ("
                        + event.rollout() + ", " + event.status() + ", " + event.at() + ")");
                out.println("metrics   " + Text.pairs(why.getMetrics()));
                why.getDatasets().forEach(d -> out.println("dataset   " + d.name() + "@" + d.version()));
                if (!event.reason().isEmpty()) {
                    out.println("reason    " + event.reason());
                }
            });
            return 0;
        }
    }

    @Command(name = "history", description = "The endpoint's deployment events, oldest first.")
    static final class History extends Leaf {
        @Parameters(paramLabel = "ENDPOINT", description = "The endpoint's name.")
        String endpoint = "";

        @Option(
                names = {"-n", "--limit"},
                description = "At most this many events (default: ${DEFAULT-VALUE}).")
        int limit = 100;

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            List<DeploymentEvent> events =
                    mlops.deployments().events(endpoint).stream().limit(limit).toList();
            if (events.isEmpty()) {
                throw new NotFoundException("endpoint '" + endpoint + "' has no deployment events in this lake; check"
                        + " the name and MLOPS4J_LAKE");
            }
            ObjectNode document = output.document();
            ArrayNode list = document.putArray("events");
            events.forEach(e -> event(list.addObject(), e));
            output.emit(
                    document,
                    out -> events.forEach(e -> out.println("#" + e.number() + "  " + e.at() + "  "
                            + e.status() + "  " + e.rollout() + "  "
                            + e.findPrevious().map(Object::toString).orElse("-")
                            + " -> " + e.findLive().map(Object::toString).orElse("-") + "  " + e.reason())));
            return 0;
        }
    }

    static ObjectNode event(ObjectNode node, DeploymentEvent e) {
        node.put("endpoint", e.endpoint());
        node.put("number", e.number());
        node.put("target", e.target());
        node.put("operationId", e.operationId().value());
        node.put("model", e.model().toString());
        e.findPrevious().ifPresentOrElse(p -> node.put("previous", p.toString()), () -> node.putNull("previous"));
        e.findLive().ifPresentOrElse(p -> node.put("live", p.toString()), () -> node.putNull("live"));
        node.put("rollout", e.rollout());
        node.put("status", e.status().toString());
        node.put("reason", e.reason());
        node.put("at", e.at().toString());
        return node;
    }
}
