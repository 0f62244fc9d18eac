package org.mlops4j.deploy.spi;

import java.util.Objects;

/**
 * A target's answer about one layout update: the handle to poll it by, where it is and why. The token stays valid
 * across a restart of the process (and of the target, for a durable backend), so that a deployer that died while a
 * target was busy can poll the same update again instead of starting a second one.
 *
 * @param token the handle: 1..1024 characters, no whitespace or control characters; opaque to core
 * @param state where the update is
 * @param message what the target says about it: progress, or why it failed
 */
public record TargetOperation(String token, State state, String message) {
    /** Where an update is; a target maps its own states onto these three. */
    public enum State {
        /** The target is still moving to the layout. */
        IN_PROGRESS,
        /** The layout is served. */
        SUCCEEDED,
        /** The target gave up; what it serves is unknown until read. */
        FAILED
    }

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if the token is empty, too long or holds whitespace or control characters
     */
    public TargetOperation {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        if (!token.matches("[^\\p{Cntrl}\\s]{1,1024}")) {
            throw new IllegalArgumentException(
                    "an operation token is 1..1024 characters without whitespace, got '" + token + "'");
        }
    }

    /** Returns whether the update has ended, served or failed. */
    public boolean isDone() {
        return state != State.IN_PROGRESS;
    }
}
