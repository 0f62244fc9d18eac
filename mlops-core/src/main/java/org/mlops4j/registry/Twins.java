package org.mlops4j.registry;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageIndex;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.VersionAllocator;

/**
 * Request-id idempotency, twin resolution and the lineage that follows the winner: the same for every driver, kept in
 * the lake beside whatever the driver stores.
 *
 * <ul>
 *   <li>{@code models/<name>/requests/<sha256 of request id>.json}: which version a request made (compare-and-set, only
 *       ever moved to a lower version: the lowest twin wins);
 *   <li>{@code models/<name>/superseded/<8 digits>.json}: marks a losing twin, which the API hides.
 * </ul>
 *
 * <p>A twin is a second record of one request: a stalled attempt that landed after its retry, or a retry whose first
 * attempt's response was lost. Whoever meets a twin first (a registration, a read, a listing) settles it. The reverse
 * lineage edges from each input dataset version belong to the winner: written when it wins, removed from a demoted
 * twin. Thread-safe, and safe across processes that share the lake.
 */
final class Twins {
    static final RecordFormat REQUEST_FORMAT = RecordFormat.of("mlops4j.model-request", 1);
    static final RecordFormat SUPERSEDED_FORMAT = RecordFormat.of("mlops4j.model-superseded", 1);

    private final ObjectStore lake;
    private final RegistryDriver driver;
    private final LineageIndex lineage;

    Twins(ObjectStore lake, RegistryDriver driver, LineageIndex lineage) {
        this.lake = lake;
        this.driver = driver;
        this.lineage = lineage;
    }

    /** Reads a version the API shows: empty if absent or a superseded twin. */
    Optional<ModelVersion> find(ModelRef ref) {
        return driver.readVersion(ref).filter(this::isShown);
    }

    /** Tells whether the API shows a version read from the driver: false for a superseded twin. */
    boolean isShown(ModelVersion version) {
        return resolve(version) == version.getVersion();
    }

    /**
     * Returns the version a request made, if it made one that is live, and writes its lineage, which its writer may
     * have died before writing.
     */
    Optional<ModelVersion> findRegistered(String model, String requestId) {
        Optional<RequestClaim> claim = readClaim(model, requestId);
        if (claim.isEmpty()) {
            return Optional.empty();
        }
        Optional<ModelVersion> existing = find(new ModelRef(model, claim.get().version()));
        existing.ifPresent(this::recordLineage);
        return existing;
    }

    /** Settles a version just created for a request: returns the request's winning version, lineage written. */
    ModelVersion settle(ModelVersion version) {
        long winner = resolve(version);
        if (winner == version.getVersion()) {
            recordLineage(version);
            if (!lake.exists(supersededKey(version.getName(), winner))) {
                return version;
            }
            // a lower twin won while the edges were written: whoever demoted this version may have removed its
            // edges before they were written, so take them back here too
            forgetLineage(version);
            winner = readClaim(version.getName(), version.getRequestId())
                    .map(RequestClaim::version)
                    .orElse(winner);
        }
        ModelRef won = new ModelRef(version.getName(), winner);
        ModelVersion found = find(won)
                .orElseThrow(() -> new NotFoundException("model version " + won + ", which won over its twin "
                        + version.getRef() + ", is gone; the registry's"
                        + " backend lost a record. Register again with a new request id"));
        recordLineage(found); // its writer may have died before writing them
        return found;
    }

    /** Writes the reverse lineage edges from each input of a version; idempotent. */
    private void recordLineage(ModelVersion version) {
        for (LineageEdge edge : version.inputEdges()) {
            boolean unused = lineage.record(edge);
        }
    }

    /** Removes the reverse lineage edges of a version hidden as a superseded twin, so that downstream skips it. */
    private void forgetLineage(ModelVersion version) {
        for (LineageEdge edge : version.inputEdges()) {
            boolean unused = lineage.remove(edge);
        }
    }

    private record RequestClaim(long version, ObjectTag tag) {}

    private Optional<RequestClaim> readClaim(String model, String requestId) {
        return lake.find(requestKey(model, requestId)).map(o -> {
            RecordReader r =
                    RecordReader.parse(o.getBytes(), REQUEST_FORMAT, o.getKey().value());
            long version = r.getLong("version", 1, Long.MAX_VALUE);
            var unused = r.getString("request");
            r.finish();
            return new RequestClaim(version, o.getTag());
        });
    }

    /**
     * Decides which version a request made: the lowest one. Claims the request for this version if it is lower than
     * the claimed one (or nothing is claimed), and marks the higher twin superseded.
     *
     * @return the winning version number
     */
    private long resolve(ModelVersion version) {
        String model = version.getName();
        long mine = version.getVersion();
        if (lake.exists(supersededKey(model, mine))) {
            return readClaim(model, version.getRequestId())
                    .map(RequestClaim::version)
                    .orElse(mine);
        }
        byte[] claimMine = RecordWriter.create(REQUEST_FORMAT)
                .put("request", version.getRequestId())
                .put("version", mine)
                .toBytes();
        while (true) {
            Optional<RequestClaim> claim = readClaim(model, version.getRequestId());
            if (claim.isPresent() && claim.get().version() == mine) {
                return mine;
            }
            if (claim.isPresent() && claim.get().version() < mine) {
                markSuperseded(model, mine, claim.get().version());
                return claim.get().version();
            }
            ObjectTag expected = claim.map(RequestClaim::tag).orElse(null);
            if (lake.compareAndSet(requestKey(model, version.getRequestId()), expected, claimMine)
                    .isPresent()) {
                if (claim.isPresent()) {
                    // the higher twin claimed first and may have indexed its lineage: move the index to this one
                    markSuperseded(model, claim.get().version(), mine);
                    recordLineage(version);
                    driver.readVersion(new ModelRef(model, claim.get().version()))
                            .ifPresent(this::forgetLineage);
                }
                return mine;
            }
        }
    }

    private void markSuperseded(String model, long loser, long winner) {
        boolean unused = lake.createIfAbsent(
                supersededKey(model, loser),
                RecordWriter.create(SUPERSEDED_FORMAT).put("by", winner).toBytes());
    }

    private static StoreKey requestKey(String model, String requestId) {
        return StoreKey.of("models/" + model + "/requests/"
                + Digest.of(requestId.getBytes(StandardCharsets.UTF_8)).hex() + ".json");
    }

    private static StoreKey supersededKey(String model, long version) {
        return VersionAllocator.versionKey(StoreKey.of("models/" + model + "/superseded"), version);
    }
}
