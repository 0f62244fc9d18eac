package org.mlops4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.store.LocalObjectStore;

class MlopsTest {
    @TempDir
    Path home;

    @Test
    void shouldOpenLocalLakeUnderHomeAndCloseWhatItCreated() {
        ExecutorService executor;
        try (Mlops mlops = Mlops.local(home)) {
            assertThat(mlops.objectStore()).isInstanceOf(LocalObjectStore.class);
            assertThat(((LocalObjectStore) mlops.objectStore()).getRoot())
                    .isEqualTo(home.resolve("lake").toAbsolutePath());
            executor = mlops.executor();
        }
        assertThat(executor.isShutdown()).isTrue();
    }

    @Test
    void shouldLeaveTheHostsExecutorAndStoreOpen() {
        ExecutorService hostExecutor = Executors.newSingleThreadExecutor();
        try (LocalObjectStore store = LocalObjectStore.open(home.resolve("lake"))) {
            Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
            try (Mlops mlops = Mlops.builder()
                    .objectStore(store)
                    .executor(hostExecutor)
                    .clock(clock)
                    .build()) {
                assertThat(mlops.clock()).isSameAs(clock);
                assertThat(mlops.executor()).isSameAs(hostExecutor);
            }
            assertThat(hostExecutor.isShutdown()).isFalse();
            assertThat(store.exists(org.mlops4j.store.StoreKey.of("x"))).isFalse();
        } finally {
            hostExecutor.shutdown();
        }
    }

    @Test
    void shouldRequireALake() {
        assertThatThrownBy(() -> Mlops.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Mlops.local()");
    }

    @Test
    void shouldRejectTheLakeSetTwice() {
        assertThatThrownBy(() -> Mlops.builder().localLake(home).localLake(home))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already set");
    }

    @Test
    void shouldRejectExecutorAndClockSetTwice() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            assertThatThrownBy(() -> Mlops.builder().executor(executor).executor(executor))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("executor");
            assertThatThrownBy(() -> Mlops.builder().clock(Clock.systemUTC()).clock(Clock.systemUTC()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("clock");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void shouldRejectNullSettings() {
        assertThatThrownBy(() -> Mlops.builder().objectStore(null)).isInstanceOf(NullPointerException.class);
    }
}
