package org.mlops4j.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.common.StorageException;
import org.mlops4j.data.UnsafePathException;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.spi.StoredArtifacts;
import org.mlops4j.store.Digest;
import org.mlops4j.store.internal.VerifyingInputStream;

/**
 * Model files on an MLflow server, in pure Java, through its artifact proxy ({@code /api/2.0/mlflow-artifacts/…}):
 * each upload is an MLflow run of the experiment the driver uses; the files go under {@code <run artifact root>/model},
 * one streamed PUT each (the proxy's multipart upload answers 501 on a local destination), several at a time, hashed
 * with SHA-256 before (for the manifest the run is created with) and again while they stream (a file changed in between
 * fails). The proxy keeps no hash, so the run records a manifest ({@code <sha256> <size> <path>} per file, sorted by
 * path) in its tags {@code mlops4j.manifest.0…n}; the manifest's own SHA-256 is the tree digest of the {@link
 * ArtifactLocation} (so identical files give identical digests), and every download is checked against it. Thread-safe.
 */
final class MlflowArtifacts {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MlflowArtifacts.class);
    static final String MANIFEST = "mlops4j.manifest.";
    static final String MANIFEST_CHUNKS = "mlops4j.manifest.chunks";
    static final String MANIFEST_DIGEST = "mlops4j.manifest.sha256";
    static final String SCHEME = "mlflow-artifacts:/";
    private static final String HEADER = "mlops4j-mlflow-manifest 1\n";
    private static final String MODEL_DIR = "model";

    private final MlflowHttp http;
    private final MlflowRuns runs;
    private final MlflowParallel parallel;
    private final java.util.Set<String> unclaimed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    MlflowArtifacts(MlflowHttp http, MlflowRuns runs, MlflowParallel parallel) {
        this.http = http;
        this.runs = runs;
        this.parallel = parallel;
    }

    /** One file of a manifest. */
    record Entry(String path, long size, String sha256) {}

    /**
     * Hashes the files, creates the run with their manifest in its tags (one request where tags logged afterwards
     * would take another), and uploads them, each checked against its hash on the way: a file changed since it was
     * hashed fails the upload.
     */
    StoredArtifacts store(String model, Path directory, ProgressListener progress) {
        List<Entry> entries = hashAll(directory, list(directory));
        String manifest = manifest(entries);
        Digest digest = Digest.of(manifest.getBytes(StandardCharsets.UTF_8));
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlops4j.model", model);
        List<String> chunks = MlflowRecords.chunk(manifest);
        for (int i = 0; i < chunks.size(); i++) {
            tags.put(MANIFEST + i, chunks.get(i));
        }
        tags.put(MANIFEST_CHUNKS, Integer.toString(chunks.size()));
        tags.put(MANIFEST_DIGEST, digest.hex());
        MlflowRuns.Run run = runs.create("upload " + model, tags);
        String root = run.artifactUri() + "/" + MODEL_DIR;
        try {
            // the run is marked finished while its files go up: a status, true once they are all up
            long bytes = uploadAll(directory, entries, proxyPath(root), progress, () -> runs.finish(run.id()));
            unclaimed.add(run.id());
            return new StoredArtifacts(ArtifactLocation.uri(root, digest), entries.size(), bytes);
        } catch (RuntimeException e) {
            // nothing can name the run yet: it is deleted, not left for a retry to pass by
            MlflowRuns.bestEffort(e, () -> runs.delete(run.id()));
            throw e;
        }
    }

    /**
     * Copies files to {@code mlflow-artifacts:/…/<root>} for MLflow's own clients (a version whose files are in the
     * lake); the lake keeps the verified copy.
     */
    void copy(Path directory, String root) {
        var unused = uploadAll(directory, hashAll(directory, list(directory)), proxyPath(root), ProgressListener.NONE);
    }

    /**
     * Whether a run is one that {@link #store} made and no version has tried to use yet, and takes it: only such a run
     * may be deleted or marked failed when its version cannot be created (a location the caller named may point into
     * a run that holds other versions).
     */
    boolean claim(String runId) {
        return unclaimed.remove(runId);
    }

    /** Uploads a text (a value too long for a tag) and returns its SHA-256 in hex. */
    String putText(String uri, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        http.putArtifact(
                "upload-artifact", proxyPath(uri), bytes.length, () -> new java.io.ByteArrayInputStream(bytes));
        return Digest.of(bytes).hex();
    }

    /** Hashes the files at once, sorted by path. */
    private List<Entry> hashAll(Path directory, List<Path> files) {
        List<CompletableFuture<Entry>> hashes = new ArrayList<>(files.size());
        for (Path file : files) {
            String rel = relative(directory, file);
            hashes.add(parallel.start(() -> hash(rel, file)));
        }
        List<Entry> entries = new ArrayList<>(MlflowParallel.results(hashes));
        entries.sort(Comparator.comparing(Entry::path));
        return entries;
    }

    private static Entry hash(String rel, Path file) {
        MessageDigest md = Digest.newSha256();
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
                size += n;
            }
        } catch (IOException e) {
            throw StorageException.of("cannot read the artifact " + file, e);
        }
        return new Entry(rel, size, HexFormat.of().formatHex(md.digest()));
    }

    /** Uploads the files at once (as many at a time as the executor runs), plus any extra calls meanwhile. */
    private long uploadAll(
            Path directory, List<Entry> entries, String proxyRoot, ProgressListener progress, Runnable... meanwhile) {
        long total = 0;
        for (Entry e : entries) {
            total += e.size();
        }
        AtomicLong filesDone = new AtomicLong();
        AtomicLong bytesDone = new AtomicLong();
        long bytesTotal = total;
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (Entry entry : entries) {
            all.add(parallel.run(() -> {
                upload(proxyRoot, entry, directory.resolve(entry.path()));
                progress.onProgress(new ProgressListener.ProgressEvent(
                        "upload",
                        filesDone.incrementAndGet(),
                        entries.size(),
                        bytesDone.addAndGet(entry.size()),
                        bytesTotal));
            }));
        }
        for (Runnable call : meanwhile) {
            all.add(parallel.run(call));
        }
        MlflowParallel.awaitAll(all);
        return bytesTotal;
    }

    /** Uploads one file; the bytes sent must be those hashed (each attempt reads the file again). */
    private void upload(String proxyRoot, Entry entry, Path file) {
        MessageDigest[] last = new MessageDigest[1];
        http.putArtifact("upload-artifact", proxyRoot + "/" + entry.path(), entry.size(), () -> {
            try {
                MessageDigest md = Digest.newSha256();
                last[0] = md;
                return new DigestInputStream(Files.newInputStream(file), md);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String sent = HexFormat.of().formatHex(last[0].digest());
        if (!sent.equals(entry.sha256())) {
            throw new IntegrityException("the artifact " + file + " changed while it was registered (SHA-256 "
                    + entry.sha256() + " when hashed, " + sent + " when uploaded); register it again once it is"
                    + " written");
        }
    }

    InputStream open(ArtifactLocation location, String path) {
        if (isForeign(location)) {
            String root = proxyPath(resolve(root(location)));
            LOG.warn(
                    "reading {} of {} unverified: it was registered by another MLflow client, without an MLOps4J"
                            + " manifest of file hashes",
                    path,
                    location);
            return http.openArtifact("download-artifact", root + "/" + path);
        }
        Map<String, Entry> manifest = manifest(location);
        Entry entry = manifest.get(path);
        if (entry == null) {
            throw new NotFoundException("no artifact '" + path + "' at " + location + "; it holds " + shown(manifest));
        }
        return verifying(http.openArtifact("download-artifact", proxyPath(root(location)) + "/" + path), entry);
    }

    long checkout(ArtifactLocation location, Path directory) {
        boolean foreign = isForeign(location);
        String resolved = foreign ? resolve(root(location)) : root(location);
        Map<String, Entry> manifest = foreign ? listing(resolved) : manifest(location);
        if (foreign) {
            LOG.warn(
                    "checking out {} unverified: it was registered by another MLflow client, without an MLOps4J"
                            + " manifest of file hashes ({} files)",
                    location,
                    manifest.size());
        }
        try {
            if (Files.exists(directory)) {
                try (Stream<Path> children = Files.list(directory)) {
                    if (children.findAny().isPresent()) {
                        throw new IllegalStateException(
                                "cannot check out " + location + " into " + directory + ": it is not empty");
                    }
                }
            }
            Files.createDirectories(directory);
            String proxyRoot = proxyPath(resolved);
            for (Entry entry : manifest.values()) {
                Path target = safeTarget(directory, entry.path());
                Files.createDirectories(target.getParent());
                Path temp = Files.createTempFile(target.getParent(), ".mlops4j-", ".part");
                try {
                    InputStream raw = http.openArtifact("download-artifact", proxyRoot + "/" + entry.path());
                    try (InputStream in = foreign ? raw : verifying(raw, entry)) {
                        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                    }
                    try {
                        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(temp, target);
                    }
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            return manifest.size();
        } catch (IntegrityException | UncheckedIOException e) {
            throw e;
        } catch (IOException e) {
            if (e.getCause() instanceof IntegrityException integrity) {
                throw integrity;
            }
            throw StorageException.of("checking out " + location + " into " + directory + " failed", e);
        }
    }

    /**
     * Whether a location was registered by another MLflow client: no tree digest (this driver records one for every
     * upload), or a {@code models:/} source. Its files are read without verification.
     */
    static boolean isForeign(ArtifactLocation location) {
        return location.getUri().isPresent() && location.getTree().isEmpty();
    }

    /**
     * Resolves a foreign source to an {@code mlflow-artifacts:/} root: {@code models:/<model_id>} (a 3.x logged model)
     * through the logged model's artifact location; other {@code mlflow-artifacts:/} sources as they are.
     */
    private String resolve(String source) {
        if (source.startsWith("runs:/")) {
            String[] parts = source.substring("runs:/".length()).split("/", 2);
            String root = http.get("get-run", "/mlflow/runs/get", Map.of("run_id", parts[0]))
                    .path("run")
                    .path("info")
                    .path("artifact_uri")
                    .asText("");
            return parts.length == 2 ? root + "/" + checkPath(parts[1]) : root;
        }
        if (source.startsWith("models:/")) {
            String id = source.substring("models:/".length());
            if (id.matches("m-[0-9a-f]{8,64}")) {
                String uri = http.get("get-logged-model", "/mlflow/logged-models/" + id, Map.of())
                        .path("model")
                        .path("info")
                        .path("artifact_uri")
                        .asText("");
                if (!uri.isEmpty()) {
                    return uri;
                }
            }
            throw new NotFoundException("cannot read the files of " + source + ": this driver reads logged models"
                    + " (models:/m-<id>) and mlflow-artifacts:/ sources of its own server");
        }
        return source;
    }

    /** Lists a foreign root's files through the artifact proxy (basenames per directory, walked), with their sizes. */
    private Map<String, Entry> listing(String root) {
        Map<String, Entry> files = new TreeMap<>();
        java.util.ArrayDeque<String> dirs = new java.util.ArrayDeque<>();
        dirs.add("");
        String proxyRoot = proxyPath(root);
        while (!dirs.isEmpty()) {
            String dir = dirs.poll();
            String path = dir.isEmpty() ? proxyRoot : proxyRoot + "/" + dir;
            com.fasterxml.jackson.databind.JsonNode listed = http.getProxy("list-artifacts", Map.of("path", path));
            for (com.fasterxml.jackson.databind.JsonNode f : listed.path("files")) {
                String name = f.path("path").asText();
                String rel = checkPath(dir.isEmpty() ? name : dir + "/" + name);
                if (f.path("is_dir").asBoolean(false)) {
                    dirs.add(rel);
                } else {
                    files.put(rel, new Entry(rel, f.path("file_size").asLong(0), ""));
                }
            }
        }
        if (files.isEmpty()) {
            throw new NotFoundException("MLflow holds no files at " + root);
        }
        return files;
    }

    /** Reads and checks the manifest of a location this server holds. */
    Map<String, Entry> manifest(ArtifactLocation location) {
        String root = root(location);
        String runId = runIdOf(root)
                .orElseThrow(() -> new NotFoundException("this MLflow driver holds no artifacts at " + location
                        + ": it reads run artifact roots, mlflow-artifacts:/<experiment>/<run>/artifacts/…"));
        Map<String, String> tags = runs.tags(runId);
        String chunks = tags.get(MANIFEST_CHUNKS);
        if (chunks == null) {
            throw new NotFoundException("the MLflow run " + runId + " of " + location
                    + " has no MLOps4J manifest (mlops4j.manifest.* tags): were its files uploaded by another client?");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Integer.parseInt(chunks); i++) {
            String chunk = tags.get(MANIFEST + i);
            if (chunk == null) {
                throw new IntegrityException("the manifest of " + location + " lacks its tag " + MANIFEST + i);
            }
            text.append(chunk);
        }
        Digest actual = Digest.of(text.toString().getBytes(StandardCharsets.UTF_8));
        Optional<Digest> expected = location.getTree();
        if (expected.isPresent() && !expected.get().equals(actual)) {
            throw new IntegrityException("the manifest of " + location + " hashes to " + actual + ", not "
                    + expected.get() + " as registered; the run's mlops4j.manifest.* tags were changed");
        }
        return parse(location, text.toString());
    }

    private static Map<String, Entry> parse(ArtifactLocation location, String manifest) {
        if (!manifest.startsWith(HEADER)) {
            throw new IntegrityException(
                    "the manifest of " + location + " does not start with '" + HEADER.strip() + "'");
        }
        Map<String, Entry> entries = new TreeMap<>();
        for (String line : manifest.substring(HEADER.length()).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(" ", 3);
            if (parts.length != 3 || !parts[0].matches("[0-9a-f]{64}")) {
                throw new IntegrityException("the manifest of " + location + " has a bad line: " + line);
            }
            String path = checkPath(parts[2]);
            entries.put(path, new Entry(path, Long.parseLong(parts[1]), parts[0]));
        }
        return entries;
    }

    private static String manifest(List<Entry> entries) {
        StringBuilder sb = new StringBuilder(HEADER);
        for (Entry e : entries) {
            sb.append(e.sha256())
                    .append(' ')
                    .append(e.size())
                    .append(' ')
                    .append(e.path())
                    .append('\n');
        }
        return sb.toString();
    }

    private static String root(ArtifactLocation location) {
        return location.getUri()
                .orElseThrow(() -> new NotFoundException("this MLflow driver holds no artifacts in the lake ("
                        + location + "); the registry reads lake trees itself"));
    }

    /** {@code mlflow-artifacts:/<exp>/<run>/artifacts/…} to the run id. */
    static Optional<String> runIdOf(String uri) {
        if (!uri.startsWith(SCHEME) || uri.startsWith(SCHEME + "/")) {
            return Optional.empty();
        }
        String[] parts = uri.substring(SCHEME.length()).split("/");
        return parts.length >= 3 && parts[2].equals("artifacts") && parts[1].matches("[0-9a-zA-Z_-]{1,64}")
                ? Optional.of(parts[1])
                : Optional.empty();
    }

    /** {@code mlflow-artifacts:/<p>} to the proxy's {@code <p>}. */
    private static String proxyPath(String uri) {
        if (!uri.startsWith(SCHEME) || uri.startsWith(SCHEME + "/")) {
            throw new NotFoundException(
                    "this MLflow driver reads mlflow-artifacts:/ locations of its own server, not " + uri);
        }
        return uri.substring(SCHEME.length());
    }

    private static List<Path> list(Path directory) {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw StorageException.of(
                    "cannot upload artifacts from " + directory + ": not a directory",
                    new NoSuchFileException(directory.toString()));
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.toList()) {
                BasicFileAttributes attributes =
                        Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isSymbolicLink()) {
                    throw new UnsafePathException(
                            relative(directory, p),
                            "a symbolic link is not uploaded to MLflow;"
                                    + " copy the file it points to into the directory instead");
                }
                if (attributes.isRegularFile()) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw StorageException.of("cannot read the artifacts in " + directory, e);
        }
        files.sort(Comparator.comparing(p -> relative(directory, p)));
        return files;
    }

    private static String relative(Path directory, Path file) {
        List<String> parts = new ArrayList<>();
        for (Path part : directory.relativize(file)) {
            parts.add(part.toString());
        }
        return checkPath(String.join("/", parts));
    }

    /** Refuses a path that could escape a directory or that the proxy would refuse. */
    static String checkPath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.indexOf('\\') >= 0) {
            throw new UnsafePathException(path, "an artifact path is relative, '/'-separated, without '\\'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new UnsafePathException(path, "an artifact path has no empty, '.' or '..' segment");
            }
            for (int i = 0; i < segment.length(); i++) {
                if (segment.charAt(i) < 0x20 || segment.charAt(i) == 0x7f) {
                    throw new UnsafePathException(path, "an artifact path holds no control character");
                }
            }
        }
        return path;
    }

    private static Path safeTarget(Path directory, String path) {
        Path target = directory.resolve(checkPath(path)).normalize();
        if (!target.startsWith(directory.normalize())) {
            throw new UnsafePathException(path, "it leaves the checkout directory");
        }
        return target;
    }

    private static String shown(Map<String, Entry> manifest) {
        List<String> names = new ArrayList<>(manifest.keySet());
        return names.size() <= 10 ? names.toString() : names.subList(0, 10) + " and " + (names.size() - 10) + " more";
    }

    /** Checks size and SHA-256 as the stream is read: {@link IntegrityException} if the server's copy differs. */
    private static InputStream verifying(InputStream in, Entry entry) {
        return new VerifyingInputStream(
                in,
                Digest.parse(Digest.PREFIX + entry.sha256()),
                entry.size(),
                () -> "artifact '" + entry.path() + "'",
                () -> {},
                "the server's copy was changed or damaged since it was uploaded; register the version again");
    }
}
