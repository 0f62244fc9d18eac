package org.mlops4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetDiff;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetStatus;
import org.mlops4j.data.DatasetVerification;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.data.SnapshotBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mlops4j dataset …}: versioned, content-addressed datasets (DESIGN §3.2). */
@Command(
        name = "dataset",
        description = "Snapshot, list, compare, check and copy dataset versions.",
        subcommands = {
            DatasetCommands.Snapshot.class,
            DatasetCommands.Log.class,
            DatasetCommands.Diff.class,
            DatasetCommands.Status.class,
            DatasetCommands.Verify.class,
            DatasetCommands.Checkout.class,
            DatasetCommands.Push.class,
            DatasetCommands.Pull.class
        })
final class DatasetCommands extends Group {

    @Command(
            name = "snapshot",
            description = "Record a directory as the next version of a dataset (or return the latest version when"
                    + " nothing changed).")
    static final class Snapshot extends Leaf {
        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset's name.")
        String name = "";

        @Parameters(index = "1", paramLabel = "DIR", description = "The directory to snapshot.")
        Path directory = Path.of(".");

        @Option(
                names = {"-m", "--message"},
                description = "Why this version exists.")
        @Nullable
        String message;

        @Option(names = "--author", description = "Who made it (default: the user name).")
        @Nullable
        String author;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag; repeatable.")
        Map<String, String> tags = new LinkedHashMap<>();

        @Option(names = "--from", paramLabel = "NAME@VERSION", description = "A parent version; repeatable.")
        List<String> parents = new ArrayList<>();

        @Option(names = "--transform", description = "The transform that made it from its parents.")
        @Nullable
        String transform;

        @Option(names = "--code-revision", description = "The transform's code revision (e.g. a git commit).")
        String codeRevision = "";

        @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A transform parameter; repeatable.")
        Map<String, String> params = new LinkedHashMap<>();

        @Option(names = "--no-stat-cache", description = "Hash every file instead of trusting the stat cache.")
        boolean noStatCache;

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            Datasets datasets = mlops.datasets();
            Optional<DatasetVersion> before = datasets.findLatest(name);
            SnapshotBuilder snapshot = datasets.snapshot(name).directory(directory);
            for (String parent : parents) {
                snapshot.from(Refs.dataset(datasets, parent));
            }
            if (message != null) {
                snapshot.message(message);
            }
            if (author != null) {
                snapshot.author(author);
            }
            tags.forEach(snapshot::tag);
            if (transform != null) {
                snapshot.transform(transform, codeRevision, params);
            } else if (!params.isEmpty() || !codeRevision.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(
                        requireSpec().commandLine(), "--param and --code-revision describe a --transform; name it");
            }
            snapshot.statCache(!noStatCache);
            DatasetVersion version;
            try (Progress progress = cli.progress("snapshot " + name)) {
                version = snapshot.progress(progress).commit();
            }
            boolean created =
                    before.map(b -> b.getNumber() != version.getNumber()).orElse(true);
            ObjectNode document = output.document();
            document.put("created", created);
            Views.dataset(document.putObject("dataset"), version);
            output.emit(document, out -> {
                out.println((created ? "created " : "unchanged, latest is ") + version.getRef() + "  "
                        + version.getDigest());
                out.println(version.getFileCount() + " files, " + Text.bytes(version.getByteCount()));
            });
            return 0;
        }
    }

    @Command(name = "log", description = "List a dataset's versions, newest first.")
    static final class Log extends Leaf {
        @Parameters(paramLabel = "NAME", description = "The dataset's name.")
        String name = "";

        @Option(
                names = {"-n", "--limit"},
                description = "At most this many versions (default: ${DEFAULT-VALUE}).")
        int limit = 20;

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            List<DatasetVersion> versions =
                    mlops.datasets().history(name).stream().limit(limit).toList();
            ObjectNode document = output.document();
            document.put("name", name);
            ArrayNode list = document.putArray("versions");
            versions.forEach(v -> Views.dataset(list.addObject(), v));
            output.emit(document, out -> {
                if (versions.isEmpty()) {
                    out.println("dataset '" + name + "' has no versions");
                }
                for (DatasetVersion v : versions) {
                    out.printf(
                            "%s  %s  %s  %d files  %s  %s%n",
                            v.getRef(),
                            v.getDigest().toString().substring(0, 19),
                            v.getCreated(),
                            v.getFileCount(),
                            Text.bytes(v.getByteCount()),
                            v.getMessage());
                }
            });
            return 0;
        }
    }

    @Command(name = "diff", description = "Files added, removed and changed between two versions.")
    static final class Diff extends Leaf {
        @Parameters(index = "0", paramLabel = "OLDER", description = "name@version")
        String older = "";

        @Parameters(index = "1", paramLabel = "NEWER", description = "name@version, or a name for its latest")
        String newer = "";

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            Datasets datasets = mlops.datasets();
            DatasetVersion a = Refs.dataset(datasets, older);
            DatasetVersion b = Refs.dataset(datasets, newer);
            DatasetDiff diff = datasets.diff(a, b);
            ObjectNode document = output.document();
            document.put("older", a.getRef().toString());
            document.put("newer", b.getRef().toString());
            Views.strings(document.putArray("added"), diff.added());
            Views.strings(document.putArray("removed"), diff.removed());
            Views.strings(document.putArray("changed"), diff.changed());
            output.emit(document, out -> {
                diff.added().forEach(p -> out.println("A  " + p));
                diff.removed().forEach(p -> out.println("D  " + p));
                diff.changed().forEach(p -> out.println("M  " + p));
                if (diff.isEmpty()) {
                    out.println(a.getRef() + " and " + b.getRef() + " hold the same files");
                }
            });
            return 0;
        }
    }

    @Command(name = "status", description = "Compare a directory with the dataset's latest version.")
    static final class Status extends Leaf {
        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset's name.")
        String name = "";

        @Parameters(index = "1", paramLabel = "DIR", description = "The directory.")
        Path directory = Path.of(".");

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            DatasetStatus status = mlops.datasets().status(name, directory);
            ObjectNode document = output.document();
            document.put("base", status.base().toString());
            document.put("clean", status.isClean());
            Views.strings(document.putArray("added"), status.added());
            Views.strings(document.putArray("removed"), status.removed());
            Views.strings(document.putArray("modified"), status.modified());
            ArrayNode moved = document.putArray("moved");
            status.moved().forEach(m -> moved.addObject().put("from", m.from()).put("to", m.to()));
            output.emit(document, out -> {
                if (status.isClean()) {
                    out.println(directory + " matches " + status.base());
                    return;
                }
                out.println(directory + " differs from " + status.base() + ":");
                status.added().forEach(p -> out.println("A  " + p));
                status.removed().forEach(p -> out.println("D  " + p));
                status.modified().forEach(p -> out.println("M  " + p));
                status.moved().forEach(m -> out.println("R  " + m.from() + " -> " + m.to()));
            });
            return 0;
        }
    }

    @Command(
            name = "verify",
            description =
                    "Re-hash every file and tree of a version and check its lineage edges; exit 1 on a" + " problem.")
    static final class Verify extends Leaf {
        @Parameters(paramLabel = "VERSION", description = "name@version, or a name for its latest")
        String version = "";

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            DatasetVerification result = mlops.datasets().verify(Refs.dataset(mlops.datasets(), version));
            ObjectNode document = output.document();
            document.put("version", result.version().toString());
            document.put("clean", result.isClean());
            document.put("filesChecked", result.filesChecked());
            document.put("bytesChecked", result.bytesChecked());
            document.put("edgesRepaired", result.edgesRepaired());
            Views.strings(document.putArray("problems"), result.problems());
            output.emit(document, out -> {
                out.println(result.version() + ": " + result.filesChecked() + " files, "
                        + Text.bytes(result.bytesChecked()) + " checked"
                        + (result.edgesRepaired() > 0
                                ? ", " + result.edgesRepaired() + " lineage edges repaired"
                                : ""));
                result.problems().forEach(p -> out.println("problem: " + p));
                out.println(result.isClean() ? "OK" : result.problems().size() + " problems");
            });
            if (!result.isClean()) {
                cli.err.println("mlops4j: " + result.version() + " failed verification with "
                        + result.problems().size() + " problems; restore the objects named from a copy of the lake");
                return Cli.ERROR;
            }
            return 0;
        }
    }

    @Command(name = "checkout", description = "Write a version's files into a directory, each verified.")
    static final class Checkout extends Leaf {
        @Parameters(index = "0", paramLabel = "VERSION", description = "name@version, or a name for its latest")
        String version = "";

        @Parameters(index = "1", paramLabel = "DIR", description = "The target directory.")
        Path directory = Path.of(".");

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            DatasetVersion v = Refs.dataset(mlops.datasets(), version);
            long files = mlops.datasets().checkout(v, directory);
            ObjectNode document = output.document();
            document.put("version", v.getRef().toString());
            document.put("directory", directory.toAbsolutePath().toString());
            document.put("files", files);
            output.emit(
                    document,
                    out -> out.println("checked out " + v.getRef() + " into " + directory + " (" + files + " files)"));
            return 0;
        }
    }

    @Command(
            name = "push",
            description = "Copy a version (and everything it names) to another lake: a directory, file: URI,"
                    + " azblob://account/container[/prefix] or https://account.blob.core.windows.net/container.")
    static final class Push extends Leaf {
        @Parameters(index = "0", paramLabel = "VERSION", description = "name@version, or a name for its latest")
        String version = "";

        @Option(names = "--to", required = true, paramLabel = "LAKE", description = "The target lake.")
        String to = "";

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            DatasetVersion v = Refs.dataset(mlops.datasets(), version);
            try (Remote remote = Remote.open(to)) {
                return Remote.copy(cli, output, "push", mlops.objectStore(), remote.store(), v.getRef());
            }
        }
    }

    @Command(name = "pull", description = "Copy a version (and everything it names) from another lake into this one.")
    static final class Pull extends Leaf {
        @Parameters(
                index = "0",
                paramLabel = "VERSION",
                description = "name@version, or a name for the remote's latest")
        String version = "";

        @Option(names = "--from", required = true, paramLabel = "LAKE", description = "The source lake.")
        String from = "";

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            try (Remote remote = Remote.open(from)) {
                DatasetRef ref = Refs.dataset(remote.datasets(), version).getRef();
                return Remote.copy(cli, output, "pull", remote.store(), mlops.objectStore(), ref);
            }
        }
    }
}
