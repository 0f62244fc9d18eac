package org.mlops4j.lake;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.Objects;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;

/**
 * Where each kind of record lives in a lake ({@code docs/lake-format.md} §1.1): the one place that makes the lake's
 * keys, so that their shapes are decided by the layout and not by a store.
 *
 * <p><b>No key is a folder of another.</b> A flat blob namespace could hold {@code a/b} beside {@code a/b/c}, a
 * directory cannot; the {@link ObjectStore} contract leaves that to each store, and the layout never asks it. Every
 * key follows one fixed template of its namespace: each variable part is exactly one segment (a name, a digest, a
 * zero-padded number), and under any one folder the templates that end there end in a file-like last segment
 * ({@code …json}, {@code …hint}, a 64-hex digest, a lineage role at a fixed depth) that no template continues below.
 * {@code LakeLayoutTest} makes every template with adversarial parts (parts equal to other templates' fixed words,
 * names that end in {@code .json}) and checks that no key is a prefix of another followed by {@code /}.
 *
 * <p>Callers validate their own values (a dataset name, an alias, a run id); the layout checks only that each part is
 * one segment of a valid key. Thread-safe; no instances.
 */
public final class LakeLayout {
    /** The lake's descriptor, {@code lake.json}. */
    public static final StoreKey DESCRIPTOR = StoreKey.of("lake.json");

    /** The prefix of every pack record: {@code packs/sha256/<64 hex>}. */
    public static final String PACK_RECORDS = "packs/sha256/";

    /** The pointer to the lake's consolidated pack index ({@code docs/lake-format.md} §11.7). */
    public static final StoreKey PACK_INDEX = StoreKey.of("packs/index.json");

    /** The prefix of every layer of the pack index: {@code packs/layers/<64 hex>}. */
    public static final String PACK_INDEX_LAYERS = "packs/layers/";

    private static final String LINEAGE = "lineage/by-parent/";

    private LakeLayout() {}

    /**
     * Returns the key of a content: {@code objects/sha256/ab/<64 hex>}.
     *
     * @param digest the content's digest
     * @return the key
     */
    public static StoreKey content(Digest digest) {
        return ObjectStore.contentKey(digest);
    }

    /**
     * Returns the key of a directory manifest: {@code trees/sha256/ab/<64 hex>}.
     *
     * @param tree the tree's digest
     * @return the key
     */
    public static StoreKey tree(Digest tree) {
        String hex = tree.hex();
        return StoreKey.of("trees/sha256/" + hex.substring(0, 2) + "/" + hex);
    }

    /**
     * Returns the key of a pack's record: {@code packs/sha256/<64 hex>}.
     *
     * @param pack the pack's digest
     * @return the key
     */
    public static StoreKey packRecord(Digest pack) {
        return StoreKey.of(PACK_RECORDS + pack.hex());
    }

    /**
     * Returns the key of a layer of the pack index, named by the digest of its bytes: {@code packs/layers/<64 hex>}.
     *
     * @param layer the layer's digest
     * @return the key
     */
    public static StoreKey packIndexLayer(Digest layer) {
        return StoreKey.of(PACK_INDEX_LAYERS + layer.hex());
    }

    /**
     * Returns the key that remembers the profile of a CSV content: {@code profiles/csv-v2/ab/<64 hex>.json} (csv-v1 named the approximate profiles of format 1).
     *
     * @param content the CSV content's digest
     * @return the key
     */
    public static StoreKey csvProfile(Digest content) {
        String hex = content.hex();
        return StoreKey.of("profiles/csv-v2/" + hex.substring(0, 2) + "/" + hex + ".json");
    }

    /**
     * Returns the series of a dataset's version records, {@code datasets/<name>/v}; version {@code n} is
     * {@code datasets/<name>/v/<8 digits>.json} and the series' hint {@code datasets/<name>/v.hint}.
     *
     * @param dataset the dataset's name
     * @return the series
     */
    public static StoreKey datasetVersions(String dataset) {
        return StoreKey.of("datasets/" + segment("dataset", dataset) + "/v");
    }

    /**
     * Returns the series of a model's version records, {@code models/<name>/v}.
     *
     * @param model the model's name
     * @return the series
     */
    public static StoreKey modelVersions(String model) {
        return StoreKey.of("models/" + segment("model", model) + "/v");
    }

    /**
     * Returns the key of a registration request's claim: {@code models/<name>/requests/<64 hex>.json}.
     *
     * @param model the model's name
     * @param requestId the digest of the request id
     * @return the key
     */
    public static StoreKey modelRequest(String model, Digest requestId) {
        return StoreKey.of("models/" + segment("model", model) + "/requests/" + requestId.hex() + ".json");
    }

    /**
     * Returns the key that marks a model version superseded by a twin: {@code models/<name>/superseded/<8 digits>.json}.
     *
     * @param model the model's name
     * @param version the superseded version
     * @return the key
     */
    public static StoreKey modelSuperseded(String model, long version) {
        return StoreKey.of("models/" + segment("model", model) + "/superseded/" + eightDigits(version) + ".json");
    }

    /**
     * Returns the key of a model alias: {@code models/<name>/aliases/<alias>.json}.
     *
     * @param model the model's name
     * @param alias the alias
     * @return the key
     */
    public static StoreKey modelAlias(String model, String alias) {
        return StoreKey.of("models/" + segment("model", model) + "/aliases/" + segment("alias", alias) + ".json");
    }

    /**
     * Returns the key of one entry of an alias's history: {@code models/<name>/alias-log/<alias>/<8 digits>.json}.
     *
     * @param model the model's name
     * @param alias the alias
     * @param sequence the move's sequence number, from 1
     * @return the key
     */
    public static StoreKey modelAliasLogEntry(String model, String alias, long sequence) {
        return StoreKey.of("models/" + segment("model", model) + "/alias-log/" + segment("alias", alias) + "/"
                + eightDigits(sequence) + ".json");
    }

    /**
     * Returns the key of a reverse lineage edge: {@code lineage/by-parent/<from>/<to>/<role>}, each node written
     * {@code <kind>/<name>/<8 digits>}; every edge key has nine segments.
     *
     * @param from the input's kind, name and version
     * @param to the output's kind, name and version
     * @param role the edge's role
     * @return the key
     */
    public static StoreKey lineageEdge(NodePath from, NodePath to, String role) {
        return StoreKey.of(lineageEdgesFrom(from) + to.path() + "/" + segment("role", role));
    }

    /**
     * Returns the prefix of every reverse edge out of a node: {@code lineage/by-parent/<kind>/<name>/<8 digits>/}.
     *
     * @param from the input's kind, name and version
     * @return the prefix, ending in {@code /}
     */
    public static String lineageEdgesFrom(NodePath from) {
        return LINEAGE + from.path() + "/";
    }

    /**
     * Returns the key of a pipeline's lease: {@code pipelines/<name>/lease.json}.
     *
     * @param pipeline the pipeline's name
     * @return the key
     */
    public static StoreKey pipelineLease(String pipeline) {
        return StoreKey.of("pipelines/" + segment("pipeline", pipeline) + "/lease.json");
    }

    /**
     * Returns the key of a pipeline's state (the versions it consumed): {@code pipelines/<name>/state.json}.
     *
     * @param pipeline the pipeline's name
     * @return the key
     */
    public static StoreKey pipelineState(String pipeline) {
        return StoreKey.of("pipelines/" + segment("pipeline", pipeline) + "/state.json");
    }

    /**
     * Returns the key of one journal entry of a run: {@code pipelines/<name>/runs/<run id>/journal/<8 digits>.json}.
     *
     * @param pipeline the pipeline's name
     * @param runId the run's id
     * @param sequence the entry's number, from 1
     * @return the key
     */
    public static StoreKey pipelineJournalEntry(String pipeline, String runId, long sequence) {
        return StoreKey.of("pipelines/" + segment("pipeline", pipeline) + "/runs/" + segment("run id", runId)
                + "/journal/" + eightDigits(sequence) + ".json");
    }

    /**
     * Returns the key of an endpoint's desired state: {@code deployments/<endpoint>/state.json}.
     *
     * @param endpoint the endpoint's name
     * @return the key
     */
    public static StoreKey deploymentState(String endpoint) {
        return StoreKey.of("deployments/" + segment("endpoint", endpoint) + "/state.json");
    }

    /**
     * Returns the key of an ended deployment operation: {@code deployments/<endpoint>/operations/<id>.json}.
     *
     * @param endpoint the endpoint's name
     * @param operationId the operation's id
     * @return the key
     */
    public static StoreKey deploymentOperation(String endpoint, String operationId) {
        return StoreKey.of("deployments/" + segment("endpoint", endpoint) + "/operations/"
                + segment("operation id", operationId) + ".json");
    }

    /**
     * Returns the series of an endpoint's deployment events, {@code deployments/<endpoint>/events}.
     *
     * @param endpoint the endpoint's name
     * @return the series
     */
    public static StoreKey deploymentEvents(String endpoint) {
        return StoreKey.of("deployments/" + segment("endpoint", endpoint) + "/events");
    }

    /**
     * A lineage node as a key's segments: {@code <kind>/<name>/<8 digits>}.
     *
     * @param kind the node's kind, lower case ({@code dataset}, {@code model}, {@code deployment})
     * @param name the node's name
     * @param version its version, at least 1
     */
    public record NodePath(String kind, String name, long version) {
        /**
         * Checks that each part is one key segment.
         *
         * @throws IllegalArgumentException if a part is not one segment, or the version is below 1
         */
        public NodePath {
            segment("kind", kind);
            segment("name", name);
            if (version < 1) {
                throw new IllegalArgumentException("versions start at 1, got " + version + " for '" + name + "'");
            }
        }

        String path() {
            return kind + "/" + name + "/" + eightDigits(version);
        }
    }

    /** Padded by hand: String.format's first use costs milliseconds on the path of every snapshot. */
    static String eightDigits(long n) {
        String digits = Long.toString(n);
        return "00000000".substring(Math.min(digits.length(), 8)) + digits;
    }

    @CanIgnoreReturnValue
    private static String segment(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.indexOf('/') >= 0 || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException(
                    "a " + what + " must be one key segment (not empty, no '/', not '.' or '..'), got '" + value + "'");
        }
        return value;
    }
}
