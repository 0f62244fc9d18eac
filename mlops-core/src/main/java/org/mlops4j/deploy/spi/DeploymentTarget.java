package org.mlops4j.deploy.spi;

import java.util.Optional;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.registry.ModelVersion;

/**
 * A backend that serves model versions behind named endpoints: the local HTTP slots, an Azure ML online endpoint, a
 * test fake. A thin driver: it serves the {@link SlotLayout} it is given, reports what it serves and how each slot is
 * doing, and returns a pollable handle for every change. It runs no rollout of its own: canary steps, the health gate,
 * rollback, operation ids, stale plans and the deployment events are {@link org.mlops4j.deploy.Deployer}'s.
 *
 * <p>Rules an implementation keeps (the contract suite {@code DeploymentTargetContract} in {@code mlops-test} checks
 * them):
 *
 * <ul>
 *   <li>{@link #beginUpdate} is idempotent by its key: the same key for the same endpoint returns the handle of the
 *       update already begun (or done) instead of starting another, also after a restart;
 *   <li>an update replaces the endpoint's whole layout: slots left out are removed, a slot whose model changed is
 *       loaded anew, a slot whose model is unchanged keeps serving without a gap;
 *   <li>traffic moves from the old layout to the new one without failing a request that was already accepted;
 *   <li>{@link #health} counts only what a slot served since its model or its traffic share last changed;
 *   <li>a handle's token can be {@linkplain #poll polled} by a new instance on the same backend.
 * </ul>
 *
 * <p>Implementations are thread-safe. Closing releases what the instance holds (servers, threads, models); what the
 * backend keeps stays.
 */
public interface DeploymentTarget extends AutoCloseable {
    /**
     * Returns the name written into deployment events as their target: lower-case letters, digits and {@code -},
     * e.g. {@code local}, {@code azureml}, {@code in-memory}.
     *
     * @return the name
     */
    String name();

    /**
     * Refuses, before anything moves, a model version this target cannot serve.
     *
     * @param model the model version
     * @throws IllegalArgumentException saying why the version cannot be served and how to make it servable (e.g. the
     *     tag a loader looks for)
     */
    void checkServable(ModelVersion model);

    /**
     * Returns where an endpoint answers scoring requests, or will once it is created.
     *
     * @param endpoint the endpoint's name
     * @return the URI, or empty if the target cannot tell before the endpoint exists
     */
    Optional<String> findScoringUri(String endpoint);

    /**
     * Reads what the target serves on an endpoint now.
     *
     * @param endpoint the endpoint's name
     * @return the layout served, or empty if the endpoint serves nothing here
     */
    Optional<SlotLayout> read(String endpoint);

    /**
     * Starts moving an endpoint to a layout, creating the endpoint and its slots as needed; a target that can do this
     * at once returns a handle that is already {@linkplain TargetOperation.State#SUCCEEDED done}.
     *
     * @param endpoint the endpoint's name
     * @param layout the slots to serve, with their shares
     * @param key the caller's idempotency key: the same key re-attaches to the update begun with it
     * @return the update's handle
     * @throws IllegalArgumentException if a model in the layout cannot be served (nothing changed then)
     * @throws org.mlops4j.common.StorageException if a model's artifacts cannot be read or checked out (nothing
     *     changed then)
     * @throws org.mlops4j.common.MlopsServiceException if the backend cannot be reached or refuses (nothing changed
     *     then)
     */
    TargetOperation beginUpdate(String endpoint, SlotLayout layout, String key);

    /**
     * Polls an update by its token, also one handed out before a restart.
     *
     * @param endpoint the endpoint's name
     * @param token the token of the update's handle
     * @return the update's handle now
     * @throws NotFoundException if the target knows no update of that token on the endpoint (the caller begins the
     *     update again with its key)
     */
    TargetOperation poll(String endpoint, String token);

    /**
     * Reads what a slot served since its model or its traffic share last changed.
     *
     * @param endpoint the endpoint's name
     * @param slot the slot's name
     * @return the slot's counters
     * @throws NotFoundException if the endpoint serves no such slot here
     */
    SlotHealth health(String endpoint, String slot);

    /** Releases what this instance holds; the backend keeps what it serves. The default does nothing. */
    @Override
    default void close() {}
}
