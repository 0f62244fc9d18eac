package org.mlops4j.samples;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.mlops4j.Mlops;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.VersionAllocator;

/**
 * The README's first command: a tour of the lake on the embedded defaults (no account, no server).
 *
 * <p>Run it with {@code ./mvnw -q -B -Pquickstart -pl samples -am verify}. It grows with the library: datasets,
 * registry, comparison, deployment and retraining join as they land.
 */
public final class Quickstart {
    private Quickstart() {}

    /**
     * Runs the tour.
     *
     * @param args optional: the home directory (default {@code ./.mlops4j})
     */
    public static void main(String[] args) {
        Path home = Path.of(args.length > 0 ? args[0] : ".mlops4j");
        run(home, System.out);
    }

    /**
     * Runs the tour in a home directory, printing to {@code out}.
     *
     * @param home the embedded default's home directory
     * @param out where the story is printed
     * @return the version number the tour allocated
     */
    public static long run(Path home, PrintStream out) {
        try (Mlops mlops = Mlops.local(home)) {
            ObjectStore lake = mlops.objectStore();
            out.println("MLOps4J quickstart — lake: " + lake);

            byte[] weights = "pretend these are model weights".getBytes(StandardCharsets.UTF_8);
            ContentInfo first = lake.putContent(new ByteArrayInputStream(weights));
            ContentInfo again = lake.putContent(new ByteArrayInputStream(weights));
            out.printf(
                    "content stored once by its SHA-256: %s (%d bytes, second put stored again: %s)%n",
                    first.digest(), first.size(), again.created());

            VersionAllocator versions = mlops.versionAllocator();
            StoreKey series = StoreKey.of("demo/quickstart/v");
            String commitId = UUID.randomUUID().toString();
            VersionAllocator.AllocatedVersion version = versions.allocate(
                    series,
                    commitId,
                    n -> ("{\"commit\":\"" + commitId + "\",\"content\":\"" + first.digest() + "\",\"version\":" + n
                                    + "}")
                            .getBytes(StandardCharsets.UTF_8),
                    bytes -> new String(bytes, StandardCharsets.UTF_8).replaceAll(".*\"commit\":\"([^\"]+)\".*", "$1"));
            out.printf(
                    "immutable record created at %s (version %d, conflicts: %d)%n",
                    version.key(), version.number(), version.conflicts());

            StoreKey pointer = StoreKey.of("demo/quickstart/latest.json");
            Optional<ObjectTag> expected = lake.find(pointer).map(o -> o.getTag());
            Optional<ObjectTag> moved = lake.compareAndSet(
                    pointer,
                    expected.orElse(null),
                    ("{\"version\":" + version.number() + "}").getBytes(StandardCharsets.UTF_8));
            out.printf(
                    "pointer 'latest' moved by compare-and-set to version %d (new tag %s)%n",
                    version.number(), moved.map(ObjectTag::value).orElse("lost the race"));
            return version.number();
        }
    }
}
