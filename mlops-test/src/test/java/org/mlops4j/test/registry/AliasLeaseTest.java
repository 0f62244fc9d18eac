package org.mlops4j.test.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.test.HookedRegistryDriver;
import org.mlops4j.test.NonAtomicRegistryDriver;

/**
 * Two movers race for one alias of the non-atomic driver, the first held inside its alias write while the second
 * tries: under the registry's lease the second waits and is then told it conflicts; trusted without the lease (the
 * driver claims atomic moves), the second overwrites the first and one successful move is lost.
 */
class AliasLeaseTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final CountDownLatch firstWriting = new CountDownLatch(1);
    private final CountDownLatch letFirstWrite = new CountDownLatch(1);
    private final AtomicBoolean firstWrite = new AtomicBoolean(true);
    private LocalObjectStore store;
    private Mlops mlops;

    @AfterEach
    void tearDown() {
        letFirstWrite.countDown();
        if (mlops != null) {
            mlops.close();
        }
        if (store != null) {
            store.close();
        }
        executor.shutdownNow();
    }

    /** A registry on the non-atomic driver whose first alias write waits for the test. */
    private ModelRegistry registry(boolean claimAtomicAliasMoves) {
        store = LocalObjectStore.open(dir.resolve("lake"));
        HookedRegistryDriver driver = new HookedRegistryDriver(
                new NonAtomicRegistryDriver(store, executor), claimAtomicAliasMoves, this::holdTheFirstWrite);
        mlops = Mlops.builder()
                .objectStore(store)
                .executor(executor)
                .cacheDirectory(null)
                .registryDriver(driver)
                .build();
        ModelRegistry registry = mlops.registry();
        for (int i = 0; i < 3; i++) {
            registry.register(new ModelRegistration("churn"));
        }
        firstWrite.set(false);
        registry.setAlias("churn", "champion", 1, AliasUpdate.expectingAbsent());
        firstWrite.set(true);
        return registry;
    }

    private void holdTheFirstWrite() {
        if (firstWrite.compareAndSet(true, false)) {
            firstWriting.countDown();
            try {
                assertThat(letFirstWrite.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void shouldMakeTheSecondOfTwoRacingMovesWaitAndConflictUnderTheLease() throws Exception {
        ModelRegistry registry = registry(false);
        CompletableFuture<ModelAlias> first = CompletableFuture.supplyAsync(
                () -> registry.setAlias("churn", "champion", 2, AliasUpdate.expecting(1)), executor);
        assertThat(firstWriting.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        AtomicReference<Thread> secondThread = new AtomicReference<>();
        CompletableFuture<ModelAlias> second = CompletableFuture.supplyAsync(
                () -> {
                    secondThread.set(Thread.currentThread());
                    return registry.setAlias("churn", "champion", 3, AliasUpdate.expecting(1));
                },
                executor);

        // the second mover read the alias as 1 too, but it waits for the lease: parked between attempts
        await().atMost(WAIT)
                .until(() -> secondThread.get() != null && secondThread.get().getState() == Thread.State.TIMED_WAITING);
        assertThat(second).isNotDone();
        letFirstWrite.countDown();

        assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS).version()).isEqualTo(2);
        assertThatThrownBy(() -> second.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ConflictException.class)
                .hasMessageContaining("points to version 2, not to version 1");
        List<AliasEvent> history =
                registry.aliasHistory("churn", "champion").stream().toList();
        assertThat(history).extracting(AliasEvent::toVersion).containsExactly(1L, 2L);
        assertThat(registry.findAlias("churn", "champion").orElseThrow().version())
                .isEqualTo(2);
    }

    @Test
    void shouldLoseAnUpdateWhenANonAtomicDriverIsTrustedWithoutTheLease() throws Exception {
        ModelRegistry registry = registry(true);
        CompletableFuture<ModelAlias> first = CompletableFuture.supplyAsync(
                () -> registry.setAlias("churn", "champion", 2, AliasUpdate.expecting(1)), executor);
        assertThat(firstWriting.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // nothing holds the second mover back: it reads 1, checks, and writes while the first is mid-write
        ModelAlias second = registry.setAlias("churn", "champion", 3, AliasUpdate.expecting(1));
        letFirstWrite.countDown();
        ModelAlias firstMoved = first.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(List.of(firstMoved.sequence(), second.sequence()))
                .as("both moves succeeded, under one sequence number")
                .containsExactly(2L, 2L);
        List<AliasEvent> history =
                registry.aliasHistory("churn", "champion").stream().toList();
        assertThat(history).as("a lost update: two successful moves, one entry").hasSize(2);
        assertThat(registry.findAlias("churn", "champion").orElseThrow().version())
                .as("the alias no longer matches the end of its history")
                .isNotEqualTo(history.get(1).toVersion());
    }
}
