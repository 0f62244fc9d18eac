package org.mlops4j.store.internal;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.StoreKey;

/**
 * The named write steps of {@link LocalObjectStore}, and the hook that reports them: for crash tests that stop a
 * process at a named point, reached through the test kit ({@code org.mlops4j.test.process.StoreSteps}). Not API.
 */
public final class LocalStoreSteps {
    /** Step: content bytes are in a temp file, not yet renamed into place. */
    public static final String CONTENT_WRITTEN = "content.temp-written";
    /** Step: content renamed into place. */
    public static final String CONTENT_COMMITTED = "content.committed";
    /** Step: a record's bytes are in a temp file, not yet linked. */
    public static final String RECORD_WRITTEN = "record.temp-written";
    /** Step: a record linked into place. */
    public static final String RECORD_COMMITTED = "record.committed";
    /** Step: a pointer's new bytes are in a temp file, the locks held. */
    public static final String POINTER_WRITTEN = "pointer.temp-written";
    /** Step: a pointer renamed into place, the locks still held. */
    public static final String POINTER_MOVED = "pointer.moved";

    private static volatile @Nullable BiFunction<
                    LocalObjectStore.Builder, BiConsumer<String, StoreKey>, LocalObjectStore.Builder>
            installer;

    private LocalStoreSteps() {}

    /**
     * Called once by {@link LocalObjectStore} as it loads, with its builder's package-private hook.
     *
     * @param hook sets a builder's step listener
     * @throws IllegalStateException if called again
     */
    public static synchronized void install(
            BiFunction<LocalObjectStore.Builder, BiConsumer<String, StoreKey>, LocalObjectStore.Builder> hook) {
        if (installer != null) {
            throw new IllegalStateException("the local store's step hook is installed already");
        }
        installer = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Makes the store a builder builds report each write step as it completes. Must be fast and must not throw.
     *
     * @param builder a builder from {@link LocalObjectStore#builder()} (which loaded the store's class)
     * @param listener receives the step's name and the key written
     * @return the builder
     * @throws IllegalStateException if a listener was set before
     */
    public static LocalObjectStore.Builder listen(
            LocalObjectStore.Builder builder, BiConsumer<String, StoreKey> listener) {
        var hook = Objects.requireNonNull(installer, "LocalObjectStore is loaded by its builder");
        return hook.apply(Objects.requireNonNull(builder, "builder"), listener);
    }
}
