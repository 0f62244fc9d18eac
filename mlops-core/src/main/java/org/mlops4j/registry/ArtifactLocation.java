package org.mlops4j.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.store.Digest;

/**
 * Where a model version's artifacts live: a content-addressed tree in the lake, or a URI of the registry backend or
 * of any other store (an MLflow artifact path, a blob container). A URI may also name the root digest of the tree it
 * holds, when its store is content-addressed. Registering a location uploads nothing: the registry records it.
 *
 * <pre>{@code
 * registry.register(new ModelRegistration("churn").artifacts(ArtifactLocation.lakeTree(trained)));
 * registry.register(new ModelRegistration("churn").artifacts(ArtifactLocation.uri("s3://models/churn/7")));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ArtifactLocation {
    private final @Nullable String uri;
    private final @Nullable Digest tree;

    private ArtifactLocation(@Nullable String uri, @Nullable Digest tree) {
        this.uri = uri;
        this.tree = tree;
    }

    /**
     * Names a tree already stored in the lake, for example by a pipeline's train step or by
     * {@code datasets().contentTrees().storeDirectory(…)}.
     *
     * @param root the tree's root digest
     * @return the location
     */
    public static ArtifactLocation lakeTree(Digest root) {
        return new ArtifactLocation(null, Objects.requireNonNull(root, "root"));
    }

    /**
     * Names artifacts outside the lake.
     *
     * @param uri an absolute URI with a scheme, at most 2,048 characters, without user info or query (no
     *     credentials), e.g. {@code s3://models/churn/7}
     * @return the location
     * @throws IllegalArgumentException if the text is not such a URI
     */
    public static ArtifactLocation uri(String uri) {
        return new ArtifactLocation(requireAbsoluteUri(uri), null);
    }

    /**
     * Names a content-addressed tree outside the lake: its URI, and its root digest.
     *
     * @param uri an absolute URI with a scheme, at most 2,048 characters, without user info or query
     * @param root the tree's root digest
     * @return the location
     * @throws IllegalArgumentException if the text is not such a URI
     */
    public static ArtifactLocation uri(String uri, Digest root) {
        return new ArtifactLocation(requireAbsoluteUri(uri), Objects.requireNonNull(root, "root"));
    }

    /** Returns true when the artifacts are a tree in the lake, which the registry reads itself. */
    public boolean isInLake() {
        return uri == null;
    }

    /** Returns the URI, or empty for a tree in the lake. */
    public Optional<String> getUri() {
        return Optional.ofNullable(uri);
    }

    /** Returns the root digest of the artifacts' tree, if they are a content-addressed tree. */
    public Optional<Digest> getTree() {
        return Optional.ofNullable(tree);
    }

    private static String requireAbsoluteUri(String text) {
        Objects.requireNonNull(text, "uri");
        try {
            URI parsed = new URI(text);
            if (parsed.getRawUserInfo() != null || parsed.getRawQuery() != null) {
                // a SAS token or password would be stored in records and printed in messages
                throw new IllegalArgumentException("an artifact location must not carry user info or a query (a SAS"
                        + " token, a password); give the backend its credential instead. Got a URI with scheme '"
                        + parsed.getScheme() + "'");
            }
            if (text.length() <= 2048 && parsed.isAbsolute()) {
                return text;
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "an artifact location is an absolute URI such as 's3://models/churn/7', got '" + abbreviate(text)
                            + "': " + e.getReason(),
                    e);
        }
        throw new IllegalArgumentException("an artifact location is an absolute URI of at most 2,048 characters, such"
                + " as 's3://models/churn/7', got '" + abbreviate(text) + "'");
    }

    /** Quotes a rejected text for a message, unless it may hold a credential. */
    private static String abbreviate(String text) {
        if (text.indexOf('?') >= 0 || text.indexOf('@') >= 0) {
            return "<" + text.length() + " characters, not shown: they may hold a credential>";
        }
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ArtifactLocation other
                && Objects.equals(uri, other.uri)
                && Objects.equals(tree, other.tree);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri, tree);
    }

    @Override
    public String toString() {
        if (uri == null) {
            return "lake tree " + tree;
        }
        return tree == null ? uri : uri + " (tree " + tree + ")";
    }
}
