package org.mlops4j.test;

import java.io.InputStream;
import java.nio.file.Path;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.spi.StoredArtifacts;
import org.mlops4j.store.Digest;

/**
 * The artifact I/O of the test kit's registry drivers: content-addressed trees in a driver's own store, named by
 * {@code <scheme>sha256:…} URIs that carry their root digest. Thread-safe.
 */
final class ArtifactTrees {
    private final ContentTrees trees;
    private final String scheme;
    private final String owner;

    /**
     * @param trees the driver's trees
     * @param scheme the URI scheme with its colon, e.g. {@code memory:}
     * @param owner names the driver in messages
     */
    ArtifactTrees(ContentTrees trees, String scheme, String owner) {
        this.trees = trees;
        this.scheme = scheme;
        this.owner = owner;
    }

    StoredArtifacts store(String model, Path directory, ProgressListener progress) {
        ContentTrees.StoredTree tree = trees.storeDirectory(directory, progress, "register " + model);
        return new StoredArtifacts(
                ArtifactLocation.uri(scheme + tree.digest(), tree.digest()), tree.files(), tree.bytes());
    }

    InputStream open(ArtifactLocation location, String path) {
        return trees.open(treeOf(location), path, location.toString());
    }

    long checkout(ArtifactLocation location, Path directory) {
        return trees.checkout(treeOf(location), directory, location.toString());
    }

    private Digest treeOf(ArtifactLocation location) {
        return location.getUri()
                .filter(uri -> uri.startsWith(scheme))
                .flatMap(uri -> location.getTree())
                .orElseThrow(() -> new NotFoundException(
                        "the " + owner + " holds no artifacts at " + location + "; it holds only its own"));
    }
}
