package org.mlops4j.azure;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mlops4j.internal.Redaction;
import org.mlops4j.store.StoreKey;

/**
 * Where a lake lies in Azure Blob Storage, parsed from {@code azblob://<account>/<container>[/prefix]} or a URL,
 * {@code https://<account>.blob.core.windows.net/<container>[/prefix][?<sas>]} (or, for emulators and private
 * endpoints, the path style {@code http://127.0.0.1:10000/<account>/<container>[/prefix]}). A SAS in the URL's query
 * is kept apart and never shown.
 *
 * @param account the storage account
 * @param container the container
 * @param prefix the blob name prefix of the lake, without slashes at either end; empty for the container's root
 * @param endpoint the blob service endpoint of the account, or {@code null} to derive it from the account
 * @param sas the SAS token of the URL, without {@code ?}, or {@code null}
 */
record BlobLocation(
        String account,
        String container,
        String prefix,
        @Nullable String endpoint,
        @Nullable String sas) {
    static final String SCHEME = "azblob";

    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");
    private static final Pattern CONTAINER = Pattern.compile("(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern IP_HOST = Pattern.compile("[0-9.]+|\\[[0-9a-fA-F:]+\\]|localhost");

    /**
     * Parses a location.
     *
     * @param text the location
     * @return the parts
     * @throws IllegalArgumentException naming the broken rule, with the location shown without its secrets
     */
    static BlobLocation parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw invalid(text, "it is not a URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null ? "" : uri.getPath();
        String query = uri.getRawQuery();
        String sas = query == null || query.isBlank() ? null : query;
        if (uri.getRawUserInfo() != null) {
            throw invalid(
                    text,
                    "credentials do not belong in the location; use a SAS in the query, or a connection"
                            + " string in AZURE_STORAGE_CONNECTION_STRING");
        }
        if (scheme.equals(SCHEME)) {
            if (sas != null) {
                throw invalid(
                        text,
                        "an azblob:// location takes no query; put a SAS in AZURE_STORAGE_SAS_TOKEN, or use"
                                + " the https:// URL");
            }
            String account = uri.getHost();
            return of(text, account, path, null, null);
        }
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(
                    text,
                    "it is neither azblob://<account>/<container>[/prefix] nor an https:// URL of a" + " container");
        }
        String host = uri.getHost();
        if (host == null) {
            throw invalid(text, "it names no host");
        }
        String origin = scheme + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        if (IP_HOST.matcher(host).matches()) {
            // path style (Azurite, private endpoints): /<account>/<container>[/prefix]
            String trimmed = trimSlashes(path);
            int slash = trimmed.indexOf('/');
            String account = slash < 0 ? trimmed : trimmed.substring(0, slash);
            String rest = slash < 0 ? "" : trimmed.substring(slash);
            return of(text, account, rest, origin + "/" + account, sas);
        }
        int dot = host.indexOf('.');
        if (dot < 0 || !host.substring(dot + 1).toLowerCase(Locale.ROOT).startsWith("blob.")) {
            throw invalid(text, "the host is not a blob endpoint (<account>.blob.core.windows.net)");
        }
        return of(text, host.substring(0, dot).toLowerCase(Locale.ROOT), path, origin, sas);
    }

    private static BlobLocation of(
            String text, @Nullable String account, String path, @Nullable String endpoint, @Nullable String sas) {
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            throw invalid(text, "the account name is 3 to 24 lower-case letters and digits");
        }
        String trimmed = trimSlashes(path);
        int slash = trimmed.indexOf('/');
        String container = slash < 0 ? trimmed : trimmed.substring(0, slash);
        String prefix = slash < 0 ? "" : trimSlashes(trimmed.substring(slash + 1));
        if (!CONTAINER.matcher(container).matches()) {
            throw invalid(text, "the container name is 3 to 63 lower-case letters, digits and single hyphens");
        }
        if (!prefix.isEmpty()) {
            try {
                var unused = StoreKey.of(prefix);
            } catch (IllegalArgumentException e) {
                throw invalid(text, "the prefix is not a valid key: " + e.getMessage());
            }
        }
        return new BlobLocation(account, container, prefix, endpoint, sas);
    }

    private static String trimSlashes(String path) {
        int from = 0;
        int to = path.length();
        while (from < to && path.charAt(from) == '/') {
            from++;
        }
        while (to > from && path.charAt(to - 1) == '/') {
            to--;
        }
        return path.substring(from, to);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid Azure Blob lake location '" + Redaction.redact(text) + "': " + why
                + "; write azblob://<account>/<container>[/prefix] or https://<account>.blob.core.windows.net/"
                + "<container>[/prefix]");
    }

    /** Returns the blob name prefix of the lake's keys: empty, or the prefix and a slash. */
    String blobPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /** Returns the location without credentials, {@code azblob://<account>/<container>[/prefix]}. */
    String display() {
        return SCHEME + "://" + account + "/" + container + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    @Override
    public String toString() {
        return display();
    }
}
