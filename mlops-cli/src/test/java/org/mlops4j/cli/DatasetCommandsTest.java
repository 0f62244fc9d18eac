package org.mlops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlops4j.cli.Runs.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCommandsTest {
    @TempDir
    Path tmp;

    Path lake;
    Path data;

    @BeforeEach
    void setUp() throws IOException {
        lake = tmp.resolve("lake");
        data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.csv"), "x,y\n1,2\n3,4\n");
        Files.createDirectories(data.resolve("sub"));
        Files.writeString(data.resolve("sub/b.txt"), "hello");
    }

    @Test
    void shouldSnapshotAndReportTheVersionAsJson() {
        Runs.Run run =
                run(lake, "dataset", "snapshot", "churn", data.toString(), "-m", "first", "--tag", "k=v", "--json");

        assertThat(run.status()).as(run.toString()).isZero();
        JsonNode doc = run.json();
        assertThat(doc.get("command").asText()).isEqualTo("dataset snapshot");
        assertThat(doc.get("created").asBoolean()).isTrue();
        assertThat(doc.at("/dataset/ref").asText()).isEqualTo("churn@1");
        assertThat(doc.at("/dataset/files").asLong()).isEqualTo(2);
        assertThat(doc.at("/dataset/bytes").asLong()).isEqualTo(17);
        assertThat(doc.at("/dataset/digest").asText()).startsWith("sha256:").hasSize(71);
        assertThat(doc.at("/dataset/message").asText()).isEqualTo("first");
        assertThat(doc.at("/dataset/tags/k").asText()).isEqualTo("v");
    }

    @Test
    void shouldReportAnUnchangedDirectoryAsTheLatestVersion() {
        run(lake, "dataset", "snapshot", "churn", data.toString());

        Runs.Run again = run(lake, "dataset", "snapshot", "churn", data.toString(), "--json");

        assertThat(again.json().get("created").asBoolean()).isFalse();
        assertThat(again.json().at("/dataset/version").asLong()).isEqualTo(1);
        assertThat(run(lake, "dataset", "snapshot", "churn", data.toString()).out())
                .startsWith("unchanged, latest is churn@1");
    }

    @Test
    void shouldListDiffAndStatusVersions() throws IOException {
        run(lake, "dataset", "snapshot", "churn", data.toString(), "-m", "one");
        Files.writeString(data.resolve("a.csv"), "x,y\n1,2\n");
        Files.writeString(data.resolve("c.txt"), "new");
        Files.delete(data.resolve("sub/b.txt"));
        Files.delete(data.resolve("sub")); // an empty directory would be kept, as "sub/"

        Runs.Run status = run(lake, "dataset", "status", "churn", data.toString(), "--json");
        assertThat(status.status()).as(status.toString()).isZero();
        assertThat(status.json().get("clean").asBoolean()).isFalse();
        assertThat(status.json().get("added").toString()).isEqualTo("[\"c.txt\"]");
        assertThat(status.json().get("modified").toString()).isEqualTo("[\"a.csv\"]");
        assertThat(status.json().get("removed").toString()).isEqualTo("[\"sub/b.txt\"]");

        run(lake, "dataset", "snapshot", "churn", data.toString(), "-m", "two");
        Runs.Run log = run(lake, "dataset", "log", "churn", "--json");
        assertThat(log.json().get("versions")).hasSize(2);
        assertThat(log.json().at("/versions/0/message").asText()).isEqualTo("two");
        assertThat(log.json().at("/versions/1/message").asText()).isEqualTo("one");

        Runs.Run diff = run(lake, "dataset", "diff", "churn@1", "churn@2", "--json");
        assertThat(diff.json().get("added").toString()).isEqualTo("[\"c.txt\"]");
        assertThat(diff.json().get("changed").toString()).isEqualTo("[\"a.csv\"]");
        assertThat(diff.json().get("removed").toString()).isEqualTo("[\"sub/b.txt\"]");
        assertThat(run(lake, "dataset", "diff", "churn@1", "churn").out())
                .contains("A  c.txt", "M  a.csv", "D  sub/b.txt");

        Runs.Run clean = run(lake, "dataset", "status", "churn", data.toString());
        assertThat(clean.out()).contains("matches churn@2");
    }

    @Test
    void shouldCheckOutTheBytesThatWereSnapshot() throws IOException {
        run(lake, "dataset", "snapshot", "churn", data.toString());
        Path out = tmp.resolve("out");

        Runs.Run run = run(lake, "dataset", "checkout", "churn@1", out.toString(), "--json");

        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.json().get("files").asLong()).isEqualTo(2);
        assertThat(Files.readString(out.resolve("sub/b.txt"))).isEqualTo("hello");
        assertThat(Files.readString(out.resolve("a.csv"))).isEqualTo("x,y\n1,2\n3,4\n");
    }

    @Test
    void shouldFailVerificationWithExitOneWhenAnObjectIsCorrupt() throws IOException {
        byte[] big = new byte[100_000]; // above the pack limit (64 KiB), so stored as one object file
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        Files.write(data.resolve("big.bin"), big);
        run(lake, "dataset", "snapshot", "churn", data.toString());
        assertThat(run(lake, "dataset", "verify", "churn@1", "--json")
                        .json()
                        .get("clean")
                        .asBoolean())
                .isTrue();
        Path object;
        try (Stream<Path> files = Files.walk(lake.resolve("objects"))) {
            object = files.filter(p -> p.toFile().length() == big.length)
                    .findFirst()
                    .orElseThrow();
        }
        big[50_000] ^= 1;
        object.toFile().setWritable(true);
        Files.write(object, big);

        Runs.Run run = run(lake, "dataset", "verify", "churn", "--json");

        assertThat(run.status()).as(run.toString()).isEqualTo(1);
        assertThat(run.json().get("clean").asBoolean()).isFalse();
        assertThat(run.json().get("problems")).isNotEmpty();
        assertThat(run.err()).contains("failed verification");
    }

    @Test
    void shouldPushAndPullBetweenLakes() {
        Path remote = tmp.resolve("remote");
        Path other = tmp.resolve("other");
        run(lake, "dataset", "snapshot", "churn", data.toString());

        Runs.Run push = run(lake, "dataset", "push", "churn", "--to", remote.toString(), "--json");
        assertThat(push.status()).as(push.toString()).isZero();
        assertThat(push.json().get("objectsCopied").asLong()).isPositive();
        Runs.Run again =
                run(lake, "dataset", "push", "churn@1", "--to", remote.toUri().toString(), "--json");
        assertThat(again.json().get("objectsCopied").asLong()).isZero();

        Runs.Run pull = run(other, "dataset", "pull", "churn", "--from", remote.toString(), "--json");
        assertThat(pull.status()).as(pull.toString()).isZero();
        assertThat(pull.json().get("version").asText()).isEqualTo("churn@1");
        Runs.Run verify = run(other, "dataset", "verify", "churn@1", "--json");
        assertThat(verify.json().get("clean").asBoolean()).as(verify.toString()).isTrue();
        assertThat(verify.json().get("filesChecked").asLong()).isEqualTo(2);
    }

    @Test
    void shouldExitOneWithAOneLineMessageForAMissingDataset() {
        Runs.Run run =
                run(lake, "dataset", "checkout", "nope@3", tmp.resolve("x").toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err().strip())
                .startsWith("mlops4j: ")
                .doesNotContain("\n")
                .doesNotContain("\tat ");
        assertThat(run.err()).contains("nope");
    }

    @Test
    void shouldPrintTheErrorAsJsonAndTheStackTraceOnlyWhenVerbose() {
        Runs.Run json =
                run(lake, "dataset", "checkout", "nope@3", tmp.resolve("x").toString(), "--json");
        assertThat(json.status()).isEqualTo(1);
        assertThat(json.json().at("/error/type").asText()).isEqualTo("NotFoundException");
        assertThat(json.json().at("/error/message").asText()).contains("nope");

        Runs.Run verbose =
                run(lake, "dataset", "checkout", "nope@3", tmp.resolve("x").toString(), "--verbose");
        assertThat(verbose.status()).isEqualTo(1);
        assertThat(verbose.err()).contains("\tat org.mlops4j.");
    }

    @Test
    void shouldExitTwoOnAUsageError() {
        assertThat(run(lake, "dataset", "snapshot").status()).isEqualTo(2);
        assertThat(run(lake, "dataset", "frobnicate").status()).isEqualTo(2);
        assertThat(run(lake, "dataset").status()).isEqualTo(2);
        Runs.Run none = run(lake);
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("needs a sub-command");
        assertThat(run(lake, "dataset", "log", "churn", "--limit", "many").status())
                .isEqualTo(2);
    }
}
