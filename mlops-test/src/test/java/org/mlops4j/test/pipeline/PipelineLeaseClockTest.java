package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.pipeline.FinalStep;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RunStatus;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.store.StoreKey;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.ManualClock;

/**
 * Issue 15: a pipeline's lease expires by the store's time ({@code ObjectStore.clock()}), which every host sharing
 * the lake agrees on, not by the host's clock; a clock set on the pipeline replaces it. The store here runs in 2020,
 * the host's clock (the default of {@code Mlops}, and of the pipeline) in the present.
 */
class PipelineLeaseClockTest {
    private static final Instant STORE_TIME = Instant.parse("2020-01-01T00:00:00Z");
    private static final StoreKey LEASE = StoreKey.of("pipelines/churn/lease.json");

    @TempDir
    Path dir;

    private final ManualClock storeClock = new ManualClock(STORE_TIME);
    private InMemoryObjectStore store;
    private Mlops mlops;
    private PipelineFixture fixture;

    @BeforeEach
    void setUp() {
        store = new InMemoryObjectStore(storeClock);
        mlops = Mlops.builder().objectStore(store).cacheDirectory(null).build(); // the host's clock
        fixture = new PipelineFixture(dir);
        var unusedHoldout = fixture.snapshotHoldout(mlops);
        var unusedRaw = fixture.snapshotRaw(mlops, "0.80", "a");
    }

    @AfterEach
    void tearDown() {
        mlops.close();
        store.close();
    }

    private FinalStep define() {
        return mlops.pipeline("churn")
                .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                .train(fixture.trainer())
                .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                .promoteWhen(PipelineFixture.policy())
                .workDirectory(dir.resolve("work"))
                .codeRevision("git:1");
    }

    @Test
    void shouldKeepALeaseThatIsLiveOnTheStoresClockThoughTheHostsClockIsPastIt() {
        assertThat(Clock.systemUTC().instant()).isAfter(STORE_TIME.plus(Duration.ofDays(365)));
        // another host took the lease a minute ago, store time, for five minutes; by this host's clock it ended long
        // ago
        plantLease("other-host", STORE_TIME.plus(Duration.ofMinutes(4)));
        var pipeline = define().leaseDuration(Duration.ofMinutes(5)).build();

        assertThatThrownBy(pipeline::run)
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("held by other-host")
                .hasMessageContaining("until 2020-01-01T00:04:00Z");
        assertThat(fixture.trainings.get()).isZero();

        storeClock.advance(Duration.ofMinutes(4)); // the other host's lease ends on the store's clock
        PipelineRun run = pipeline.run();

        assertThat(run.getStatus()).isEqualTo(RunStatus.PROMOTED);
    }

    @Test
    void shouldWriteTheExpiryOnTheStoresClock() {
        var pipeline = define().leaseDuration(Duration.ofMinutes(5)).build();
        Instant[] during = new Instant[1];
        var unusedListener = pipeline.getEventPublisher().onStepStarted(e -> {
            if (e.step().equals("train")) {
                during[0] = leaseExpiry();
            }
        });

        var unusedRun = pipeline.run();

        assertThat(during[0]).isEqualTo(STORE_TIME.plus(Duration.ofMinutes(5)));
    }

    @Test
    void shouldUseAClockInjectedIntoThePipelineInsteadOfTheStores() {
        ManualClock injected = new ManualClock(Instant.parse("2030-06-01T12:00:00Z"));
        plantLease("other-host", STORE_TIME.plus(Duration.ofMinutes(4)));
        var pipeline =
                define().leaseDuration(Duration.ofMinutes(5)).clock(injected).build();

        PipelineRun run = pipeline.run(); // on the injected clock the planted lease ended in 2020

        assertThat(run.getStatus()).isEqualTo(RunStatus.PROMOTED);
    }

    /** Writes a lease record as another host holding it would have ({@code docs/pipeline-journal.md}). */
    private void plantLease(String holder, Instant expires) {
        String record = "{\"expires\":\"" + expires + "\",\"format\":\"mlops4j.pipeline-lease/1\",\"holder\":\""
                + holder + "\",\"released\":false,\"run\":\"\",\"token\":1}";
        assertThat(store.compareAndSet(LEASE, null, record.getBytes(StandardCharsets.UTF_8)))
                .isPresent();
    }

    private Instant leaseExpiry() {
        String record = new String(store.find(LEASE).orElseThrow().getBytes(), StandardCharsets.UTF_8);
        Matcher expires = Pattern.compile("\"expires\":\"([^\"]+)\"").matcher(record);
        assertThat(expires.find()).as("expires in %s", record).isTrue();
        return Instant.parse(expires.group(1));
    }
}
