package org.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, acceptance 1: with 500 connections trickling one byte per second, at least 99% of 1,000 scoring calls from
 * 4 other clients succeed, and their p99 latency stays within 5x the p99 measured without the slow clients. Loopback
 * only; bounded in time (each call 5 s, the loaded run 60 s). The clients keep one socket each ({@link Load#runRaw}),
 * so that what is measured is the server, not a client's connection pool. On the JDK-server front ({@code
 * -Dmlops4j.serving.front=jdk}) almost no call is answered.
 */
class SlowClientsAcceptanceTest {
    private static final int SLOW = 500;
    private static final int CLIENTS = 4;
    private static final int CALLS = 1000;

    @Test
    void shouldKeepScoringWhileFiveHundredSlowClientsHoldConnections() throws Exception {
        FakeEndpoints endpoints = new FakeEndpoints().linear("churn");
        try (Fronts.Front front = Fronts.start(endpoints)) {
            String path = "/endpoints/churn/score";
            Duration callLimit = Duration.ofSeconds(5);
            Duration runLimit = Duration.ofSeconds(60);
            Load.Result warm = Load.runRaw(front.port(), path, CLIENTS, 3 * CALLS / CLIENTS, runLimit, callLimit);
            Load.Result unloaded = Load.runRaw(front.port(), path, CLIENTS, CALLS / CLIENTS, runLimit, callLimit);
            Load.Result loaded;
            try (Trickler slow = new Trickler(front.port(), SLOW)) {
                // every slow connection is open and a few bytes into its headers before the measured calls start
                await().atMost(Duration.ofSeconds(30)).until(() -> slow.fewestBytesSent() >= 3);
                loaded = Load.runRaw(front.port(), path, CLIENTS, CALLS / CLIENTS, runLimit, callLimit);
                System.out.printf(
                        "slow clients (%s front): warm-up %s%n  unloaded: %s%n  with %d trickling connections: %s"
                                + " (slow clients sent %d bytes, reopened %d connections)%n",
                        Fronts.FRONT, warm, unloaded, SLOW, loaded, slow.bytesSent(), slow.reopened());
            }

            assertThat(unloaded.succeeded()).isEqualTo(CALLS);
            assertThat(loaded.succeeded()).as("calls answered 200").isGreaterThanOrEqualTo(CALLS * 99 / 100);
            assertThat(loaded.p(0.99))
                    .as("p99 with slow clients (ms), unloaded p99 %.2f ms", unloaded.p(0.99))
                    .isLessThanOrEqualTo(5 * unloaded.p(0.99));
        }
    }
}
