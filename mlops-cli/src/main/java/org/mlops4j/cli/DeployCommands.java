package org.mlops4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Deployment;
import org.mlops4j.deploy.DeploymentEvent;
import org.mlops4j.deploy.DeploymentExplanation;
import org.mlops4j.deploy.DeploymentPlan;
import org.mlops4j.deploy.DeploymentProgress;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.PollResponse;
import org.mlops4j.deploy.Poller;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.registry.ModelVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlops4j deploy plan|apply|rollback|status|history} (DESIGN §3.5): plan, apply and roll back through a deployer
 * the user's class builds ({@code --target}), with rollouts in YAML; status and history from the lake's deployment
 * history, whatever deployer (local or remote) wrote it.
 */
@Command(
        name = "deploy",
        description = "Plan, apply and roll back deployments (rollouts in YAML); which model is live and why.",
        subcommands = {
            DeployCommands.Plan.class,
            DeployCommands.Apply.class,
            DeployCommands.Rollback.class,
            DeployCommands.Status.class,
            DeployCommands.History.class
        })
final class DeployCommands extends Group {

    /** The deployer: the user's class that builds one for the lake (a deployment target needs code or config). */
    static final class Target {
        @Option(
                names = "--target",
                required = true,
                paramLabel = "CLASS",
                description = "A class implementing java.util.function.Function<Mlops, Deployer>, with a public"
                        + " no-argument constructor.")
        String className = "";

        @Mixin
        UserCode.ClassPath classPath = new UserCode.ClassPath();

        Deployer load(Mlops mlops) {
            return UserCode.build(className, classPath.entries, mlops, Deployer.class);
        }
    }

    /** What {@code plan} and {@code apply} take: the endpoint, the model version and the rollout. */
    static final class Request {
        @Parameters(index = "0", paramLabel = "ENDPOINT", description = "The endpoint's name.")
        String endpoint = "";

        @Option(names = "--model", required = true, paramLabel = "NAME@VERSION", description = "name@7 or name@alias")
        String model = "";

        @Option(names = "--rollout", required = true, paramLabel = "FILE", description = "The rollout, in YAML.")
        Path rollout = Path.of("rollout.yaml");

        @Option(
                names = "--operation-id",
                paramLabel = "ID",
                description = "The operation's id: the same id re-attaches instead of deploying twice (default:"
                        + " a new one).")
        @Nullable
        String operationId;

        DeploymentPlan plan(Mlops mlops, Deployer deployer) {
            Rollout parsed = RolloutYaml.read(rollout);
            ModelVersion version = Refs.model(mlops.registry(), null, model);
            OperationId id = operationId == null ? OperationId.random() : OperationId.of(operationId);
            return deployer.plan(endpoint, version, parsed, id);
        }
    }

    @Command(name = "plan", description = "What applying a rollout of a model to an endpoint would change (dry run).")
    static final class Plan extends Leaf {
        @Mixin
        Target target = new Target();

        @Mixin
        Request request = new Request();

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            try (Deployer deployer = target.load(mlops)) {
                DeploymentPlan plan = request.plan(mlops, deployer);
                ObjectNode document = output.document();
                plan(document.putObject("plan"), plan);
                output.emit(document, out -> {
                    out.println(plan.getEndpoint() + ": " + plan.getModel() + " by " + plan.getRollout()
                            + " (operation " + plan.getOperationId() + ")");
                    plan.getChanges().forEach(c -> out.println("  " + c));
                    if (plan.isNoChange()) {
                        out.println("  no change");
                    }
                });
                return 0;
            }
        }
    }

    @Command(
            name = "apply",
            description = "Apply a rollout and wait for it: exit 0 when the model is live, 1 when the health gate"
                    + " rolled it back.")
    static final class Apply extends Leaf {
        @Mixin
        Target target = new Target();

        @Mixin
        Request request = new Request();

        @Option(names = "--timeout", description = "How long to wait (default: ${DEFAULT-VALUE}).")
        Duration timeout = Duration.ofMinutes(30);

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            try (Deployer deployer = target.load(mlops)) {
                DeploymentPlan plan = request.plan(mlops, deployer);
                Poller<DeploymentProgress, Deployment> poller = deployer.beginApply(plan);
                PollResponse<DeploymentProgress> last = poller.waitForCompletion(timeout);
                if (!last.status().isTerminal()) {
                    throw new CliException("the rollout of " + plan.getModel() + " to '" + plan.getEndpoint()
                            + "' is still " + last.status() + " after " + timeout + "; run the same command with"
                            + " --operation-id " + plan.getOperationId() + " to wait again");
                }
                Deployment deployment = poller.getFinalResult();
                return deployment(output, plan, deployment, cli);
            }
        }
    }

    @Command(name = "rollback", description = "Put the previous live model back on the endpoint, with all traffic.")
    static final class Rollback extends Leaf {
        @Mixin
        Target target = new Target();

        @Parameters(paramLabel = "ENDPOINT", description = "The endpoint's name.")
        String endpoint = "";

        @Option(names = "--reason", required = true, description = "Why (kept in the deployment history).")
        String reason = "";

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            try (Deployer deployer = target.load(mlops)) {
                return deployment(output, null, deployer.rollback(endpoint, reason), cli);
            }
        }
    }

    private static int deployment(Output output, @Nullable DeploymentPlan plan, Deployment d, Cli cli) {
        ObjectNode document = output.document();
        if (plan != null) {
            plan(document.putObject("plan"), plan);
        }
        ObjectNode node = document.putObject("deployment");
        node.put("endpoint", d.getEndpoint());
        node.put("operationId", d.getOperationId().value());
        node.put("status", d.getStatus().toString());
        node.put("succeeded", d.isSucceeded());
        node.put("model", d.getModel().toString());
        d.findPrevious().ifPresentOrElse(p -> node.put("previous", p.toString()), () -> node.putNull("previous"));
        node.put("rollout", d.getRollout());
        node.put("reason", d.getReason());
        node.put("event", d.getEvent());
        output.emit(
                document,
                out -> out.println(d.getEndpoint() + ": " + d.getModel() + " " + d.getStatus() + " ("
                        + d.getRollout() + ", event #" + d.getEvent() + ")"
                        + (d.getReason().isEmpty() ? "" : ": " + d.getReason())));
        if (!d.isSucceeded()) {
            cli.err.println("mlops4j: the rollout of " + d.getModel() + " to '" + d.getEndpoint() + "' ended "
                    + d.getStatus() + ": " + d.getReason());
            return Cli.ERROR;
        }
        return 0;
    }

    private static void plan(ObjectNode node, DeploymentPlan plan) {
        node.put("endpoint", plan.getEndpoint());
        node.put("operationId", plan.getOperationId().value());
        node.put("model", plan.getModel().toString());
        node.put("rollout", plan.getRollout().toString());
        node.put("noChange", plan.isNoChange());
        Views.strings(node.putArray("changes"), plan.getChanges());
    }

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
