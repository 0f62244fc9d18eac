// MLOps4J in JShell. Start it with scripts/jshell (it builds the class path), or:
//   jshell --class-path <mlops-core and its dependencies> samples/jshell/mlops.jsh
// The lake is $MLOPS4J_LAKE, else $MLOPS4J_HOME/lake, else ./.mlops4j/lake; the registry is the one in the lake, or
// the one MLOPS4J_REGISTRY names (mlflow with MLFLOW_TRACKING_URI, or mlflow+http(s)://host).
import java.nio.file.*;
import java.time.*;
import java.util.*;
import org.mlops4j.*;
import org.mlops4j.compare.*;
import org.mlops4j.data.*;
import org.mlops4j.data.profile.*;
import org.mlops4j.deploy.*;
import org.mlops4j.deploy.local.*;
import org.mlops4j.drift.*;
import org.mlops4j.lake.*;
import org.mlops4j.lineage.*;
import org.mlops4j.onnx.*;
import org.mlops4j.pipeline.*;
import org.mlops4j.registry.*;
import org.mlops4j.report.*;
import org.mlops4j.serving.*;
import org.mlops4j.store.*;

var mlops = Mlops.fromEnvironment();

System.out.println(mlops == null
    ? "MLOps4J opened no lake (the error above says why); fix that, then: var mlops = Mlops.fromEnvironment();"
    : """
    MLOps4J — lake: %s
    `mlops` is open on it. A few lines to try:
      var v = mlops.datasets().snapshot("demo").directory(Path.of("some/dir")).commit();
      mlops.datasets().history("demo").stream().forEach(System.out::println);
      mlops.datasets().findProfile(v, "file.csv").ifPresent(System.out::println);
      mlops.registry().register(new ModelRegistration("demo-model").artifacts(Path.of("model/dir")).input(v.getRef(), "train"));
      System.out.println(LineageExport.toMermaid(mlops.lineage().upstream(LineageNode.model("demo-model", 1))));
      Policies.metric("auc").higherIsBetter().atLeast(0.7)
      Triggers.drift("demo", Drift.psi(0.2)).or(Triggers.newVersionOf("demo"))
      var deployer = LocalDeployer.builder().mlops(mlops).loader(new OnnxModelLoader()).front(ScoringServer.builder()).build();
      Rollout.canary(10, 50, 100)
    /exit (or Ctrl-D) closes JShell.""".formatted(mlops.objectStore()));
