package org.mlops4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.store.LocalObjectStore;

/**
 * Issue 16, "Configuration and secrets": canary secrets planted in every configuration input (the environment, system
 * properties, builder arguments that take paths) must never come back in a log line (any level, stack traces
 * included), an exception's message or stack trace, or a {@code toString()}. A URI where a path is expected is refused
 * with the URI redacted, before anything is made on the disk.
 */
class Issue16SecretsTest {
    private static final String CANARY = "CANARY-SECRET-" + UUID.randomUUID();
    private static final String SAS = "https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&sig=" + CANARY;
    private static final List<String> URIS = List.of(
            SAS,
            "https://user:" + CANARY + "@example.com/lake",
            "abfss://c@acct.dfs.core.windows.net/lake?token=" + CANARY,
            "file:/tmp/lake#" + CANARY,
            "wasbs://c@acct.blob.core.windows.net/p?sig=" + CANARY + "&se=2030");

    @TempDir
    Path temp;

    /** Everything the code under test said: exceptions (message and stack trace), toString()s; logs are added last. */
    private final List<String> said = new ArrayList<>();

    @BeforeEach
    void record() {
        CapturedLogs.start();
    }

    @AfterEach
    void stopRecording() {
        var unused = CapturedLogs.stop();
    }

    /** A call that should fail; what it would return is not used. */
    @FunctionalInterface
    private interface Call {
        Object call() throws Exception;
    }

    private void expectFailure(Call call) {
        Throwable thrown = catchThrowable(() -> {
            Object unused = call.call();
        });
        assertThat(thrown).as("a failure").isNotNull();
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        said.add(thrown.toString());
        said.add(trace.toString());
    }

    private void say(Supplier<Object> value) {
        said.add(String.valueOf(value.get()));
    }

    private static long count(List<String> texts) {
        long n = 0;
        for (String text : texts) {
            for (int i = text.indexOf(CANARY); i >= 0; i = text.indexOf(CANARY, i + 1)) {
                n++;
            }
        }
        return n;
    }

    private long scan() {
        List<String> logs = CapturedLogs.stop();
        said.addAll(logs);
        long found = count(said);
        System.out.printf(
                "canary-secret scan: %d texts (%d log lines), %d occurrences of the canary%n",
                said.size(), logs.size(), found);
        return found;
    }

    @Test
    void shouldRefuseAUriAsALocalPathWithTheUriRedactedAndMakeNoDirectoryForIt() throws Exception {
        for (String uri : URIS) {
            Path asPath = Path.of(uri);
            expectFailure(() -> Mlops.local(asPath));
            expectFailure(() -> Mlops.builder().localLake(asPath));
            expectFailure(() -> Mlops.builder().cacheDirectory(asPath));
            expectFailure(() -> LocalObjectStore.open(asPath));
            expectFailure(() -> LocalObjectStore.builder().root(asPath));
        }
        assertThat(said.get(0))
                .contains("https:/acct.blob.core.windows.net/c?…")
                .doesNotContain("sv=");
        assertThat(Files.exists(Path.of("https:")))
                .as("a directory named after the URI")
                .isFalse();
        assertThat(Files.exists(Path.of("abfss:"))).isFalse();

        assertThat(scan()).isZero();
    }

    @Test
    void shouldNeverEchoACanaryPlantedInTheEnvironmentOrSystemProperties() {
        for (String uri : URIS) {
            Map<String, String> env = Map.of(Mlops.HOME_VARIABLE, uri);
            expectFailure(() -> Mlops.local(env::get, System::getProperty));

            Mlops.Builder cacheFromEnv = Mlops.builder().localLake(temp.resolve("lake"));
            cacheFromEnv.env = Map.of("XDG_CACHE_HOME", uri)::get;
            expectFailure(() -> cacheFromEnv.build());

            Mlops.Builder cacheFromHome = Mlops.builder().localLake(temp.resolve("lake"));
            cacheFromHome.env = name -> null;
            cacheFromHome.properties = Map.of("user.home", uri)::get;
            expectFailure(() -> cacheFromHome.build());
        }
        assertThat(said.get(0)).contains(Mlops.HOME_VARIABLE).contains("acct.blob.core.windows.net");

        assertThat(scan()).isZero();
    }

    @Test
    void shouldRedactAPathThatCarriesASecretInLogsToStringAndMessages() throws Exception {
        // a real directory whose name holds a SAS query: legal on this disk, and still never echoed
        Path home = Files.createDirectories(temp.resolve("home?sv=1&sig=" + CANARY));
        Map<String, String> env = new HashMap<>();
        env.put(Mlops.HOME_VARIABLE, home.toString());
        Function<String, String> properties =
                Map.of("user.home", temp.resolve("u?sig=" + CANARY).toString())::get;
        try (Mlops mlops = Mlops.local(env::get, properties)) {
            say(mlops::toString);
            say(mlops::objectStore);
            expectFailure(() -> Mlops.builder().objectStore(mlops.objectStore()).localLake(home));
            Mlops.Builder builder = Mlops.builder().localLake(home.resolve("other"));
            say(builder::toString);
            expectFailure(() -> builder.localLake(home));
            expectFailure(() -> Mlops.builder().cacheDirectory(home).cacheDirectory(home));
            expectFailure(() -> LocalObjectStore.builder().root(home).root(home));
            say(() -> LocalObjectStore.builder().root(home));
        }
        assertThat(String.join("\n", said)).contains("sig=…");

        List<String> logs = new ArrayList<>(said);
        long found = scan();
        assertThat(said.subList(logs.size(), said.size())).anyMatch(line -> line.contains("MLOps4J ready"));
        assertThat(found).isZero();
    }
}
