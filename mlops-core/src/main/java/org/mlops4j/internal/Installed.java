package org.mlops4j.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A factory that a class hands out once, as it loads, to the package that wires it: how the facade reaches a service
 * constructor that is not public (the JDK's "shared secrets"). Not API. Thread-safe.
 *
 * @param <T> the factory's type
 */
public final class Installed<T> {
    private final Class<?> owner;
    private volatile @Nullable T value;

    /**
     * Creates the slot for a factory that {@code owner} installs from its static initializer.
     *
     * @param owner the class that installs it
     */
    public Installed(Class<?> owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /**
     * Installs the factory; called once, by the owner's static initializer.
     *
     * @param factory the factory
     * @throws IllegalStateException if installed before
     */
    public synchronized void install(T factory) {
        if (value != null) {
            throw new IllegalStateException(owner.getName() + " installed its factory already");
        }
        value = Objects.requireNonNull(factory, "factory");
    }

    /**
     * Returns the factory, loading the owner first so that its static initializer has installed it.
     *
     * @return the factory
     */
    public T get() {
        T factory = value;
        if (factory == null) {
            try {
                Class.forName(owner.getName(), true, owner.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(owner.getName() + " cannot be loaded", e);
            }
            factory = Objects.requireNonNull(value, () -> owner.getName() + " installs no factory");
        }
        return factory;
    }
}
