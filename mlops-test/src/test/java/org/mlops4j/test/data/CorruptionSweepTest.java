package org.mlops4j.test.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoreVerification;

/**
 * Issue 16, acceptance 3: damage to the lake is detected, by {@code verify} or on read with a typed exception
 * ({@link MlopsException}), never accepted as other values. Every single-bit flip of a dataset version record, a model
 * version record and an alias record; byte flips, truncation and deletion of each kind of object (a whole content, a
 * pack, a pack record, the pack index and a layer, a tree, records). Prints the counts.
 */
class CorruptionSweepTest {
    private static final String DATASET = "churn";
    private static final String MODEL = "churn-model";
    private static final String ALIAS = "champion";
    private static final StoreKey DATASET_RECORD = StoreKey.of("datasets/churn/v/00000001.json");
    private static final StoreKey MODEL_RECORD = StoreKey.of("models/churn-model/v/00000001.json");
    private static final StoreKey ALIAS_RECORD = StoreKey.of("models/churn-model/aliases/champion.json");
    private static final byte[] POINTER_MAGIC = "\0mlops4j-pointer ".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private Path lake;
    private LocalObjectStore store;
    private Mlops mlops;
    private String datasetBefore;
    private String modelBefore;
    private String aliasBefore;

    @BeforeEach
    void setUp() throws IOException {
        lake = dir.resolve("lake");
        Path source = dir.resolve("source");
        Files.createDirectories(source.resolve("sub"));
        Files.writeString(source.resolve("a.txt"), "alpha\n");
        Files.writeString(source.resolve("sub/b.txt"), "beta\n");
        Files.writeString(source.resolve("table.csv"), "x,y\n1,a\n2,b\n3,c\n");
        byte[] large = new byte[70_000]; // above the packing limit: stored whole
        new Random(16).nextBytes(large);
        Files.write(source.resolve("sub/large.bin"), large);
        Path artifacts = dir.resolve("artifacts");
        Files.createDirectories(artifacts);
        Files.writeString(artifacts.resolve("model.json"), "{\"weights\":[1,2,3]}");
        Files.writeString(artifacts.resolve("README"), "a model\n");

        open();
        DatasetVersion data = mlops.datasets()
                .snapshot(DATASET)
                .directory(source)
                .author("root")
                .message("first")
                .tag("team", "ml")
                .commit();
        ModelVersion model = mlops.registry()
                .register(new ModelRegistration(MODEL)
                        .artifacts(artifacts)
                        .metric("auc", 0.75)
                        .param("depth", "3")
                        .input(data.getRef(), "train"));
        var unused = mlops.registry().setAlias(MODEL, ALIAS, model.getVersion(), AliasUpdate.expectingAbsent());
        reopen();
        datasetBefore = readDataset().toString();
        modelBefore = readModel().toString();
        aliasBefore = readAlias();
        assertThat(mlops.datasets().verifyLake().problems()).isEmpty();
        assertThat(mlops.registry().verify(new ModelRef(MODEL, 1)).problems()).isEmpty();
    }

    @AfterEach
    void tearDown() {
        close();
    }

    private void open() {
        store = LocalObjectStore.open(lake);
        mlops = Mlops.builder().objectStore(store).cacheDirectory(null).build();
    }

    private void close() {
        if (mlops != null) {
            mlops.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** A fresh reader: no pack index, damaged pack or damaged copy remembered from before. */
    private void reopen() {
        close();
        open();
    }

    private DatasetVersion readDataset() {
        return mlops.datasets().get(DATASET, 1);
    }

    private ModelVersion readModel() {
        return mlops.registry().get(new ModelRef(MODEL, 1));
    }

    private String readAlias() {
        return mlops.registry().findAlias(MODEL, ALIAS).map(Object::toString).orElse("absent");
    }

    /** What one damage led to. */
    private enum Outcome {
        DETECTED_BY_VERIFY_AND_READ,
        DETECTED_BY_VERIFY,
        DETECTED_ON_READ,
        MISSED
    }

    private static final class Counts {
        final AtomicInteger tried = new AtomicInteger();
        final AtomicInteger byVerify = new AtomicInteger();
        final AtomicInteger onRead = new AtomicInteger();
        final AtomicInteger missed = new AtomicInteger();
        final AtomicInteger changedOnRead = new AtomicInteger();
        final List<String> misses = new ArrayList<>();

        void add(Outcome outcome, String what) {
            tried.incrementAndGet();
            if (outcome == Outcome.DETECTED_BY_VERIFY || outcome == Outcome.DETECTED_BY_VERIFY_AND_READ) {
                byVerify.incrementAndGet();
            }
            if (outcome == Outcome.DETECTED_ON_READ || outcome == Outcome.DETECTED_BY_VERIFY_AND_READ) {
                onRead.incrementAndGet();
            }
            if (outcome == Outcome.MISSED) {
                missed.incrementAndGet();
                if (misses.size() < 20) {
                    misses.add(what);
                }
            }
        }

        @Override
        public String toString() {
            return "tried " + tried + ", detected by verify " + byVerify + ", detected on read " + onRead
                    + ", read as other values " + changedOnRead + ", missed " + missed
                    + (misses.isEmpty() ? "" : " " + misses);
        }
    }

    /**
     * Reads with {@code read}: a typed exception is detection; any other exception fails the test; a value equal to
     * the undamaged one is no detection (the damage did not reach it); another value is no detection either.
     */
    private static boolean detectedOnRead(Supplier<String> read, @Nullable String before, String what, Counts counts) {
        try {
            String after = read.get();
            if (!Objects.equals(after, before)) {
                counts.changedOnRead.incrementAndGet(); // read as other values: verify must find it
            }
            return false;
        } catch (MlopsException e) {
            return true;
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": an untyped " + e + " on read", e);
        }
    }

    /** Runs both verifications; a version that verify cannot find ({@code NotFoundException}) is detected too. */
    private boolean detectedByVerify() {
        StoreVerification lakeCheck = mlops.datasets().verifyLake();
        if (!lakeCheck.isClean()) {
            return true;
        }
        try {
            return !mlops.registry().verify(new ModelRef(MODEL, 1)).isClean();
        } catch (NotFoundException e) {
            return true;
        }
    }

    private static Outcome outcome(boolean verify, boolean read) {
        if (verify && read) {
            return Outcome.DETECTED_BY_VERIFY_AND_READ;
        }
        return verify ? Outcome.DETECTED_BY_VERIFY : read ? Outcome.DETECTED_ON_READ : Outcome.MISSED;
    }

    private Path file(StoreKey key) {
        return lake.resolve(key.value());
    }

    /** Where a stored object's own bytes start: after the local store's pointer header, if it has one. */
    private static int payloadStart(byte[] file) {
        if (file.length >= POINTER_MAGIC.length
                && Arrays.equals(file, 0, POINTER_MAGIC.length, POINTER_MAGIC, 0, POINTER_MAGIC.length)) {
            for (int i = POINTER_MAGIC.length; i < file.length; i++) {
                if (file[i] == '\n') {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    private static void replace(Path path, byte[] bytes) throws IOException {
        Files.deleteIfExists(path); // records are hard links of temp files: never write through one
        Files.write(path, bytes);
    }

    // --- every single-bit flip of three records ------------------------------------------------------------------

    @Test
    void shouldDetectEverySingleBitFlipWhenRecordsAreFlipped() throws IOException {
        Map<String, Counts> results = new LinkedHashMap<>();
        results.put(
                "dataset record",
                flipEveryBit(DATASET_RECORD, () -> readDataset().toString(), datasetBefore));
        results.put("model record", flipEveryBit(MODEL_RECORD, () -> readModel().toString(), modelBefore));
        results.put("alias record", flipEveryBit(ALIAS_RECORD, this::readAlias, aliasBefore));

        results.forEach((what, counts) -> System.out.println("CorruptionSweep bit flips, " + what + ": " + counts));
        results.forEach((what, counts) -> {
            assertThat(counts.missed).as(what + ": " + counts).hasValue(0);
            assertThat(counts.tried.get()).as(what).isGreaterThan(800);
        });
    }

    private Counts flipEveryBit(StoreKey key, Supplier<String> read, String before) throws IOException {
        Path path = file(key);
        byte[] original = Files.readAllBytes(path);
        int start = payloadStart(original);
        Counts counts = new Counts();
        try {
            for (int i = start; i < original.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] damaged = original.clone();
                    damaged[i] ^= (byte) (1 << bit);
                    replace(path, damaged);
                    String what = key + " byte " + (i - start) + " bit " + bit;
                    boolean onRead = detectedOnRead(read, before, what, counts);
                    counts.add(outcome(detectedByVerify(), onRead), what);
                }
            }
        } finally {
            replace(path, original);
        }
        return counts;
    }

    // --- byte flips, truncation and deletion of each kind of object ------------------------------------------

    @Test
    void shouldDetectDamageWhenAnyKindOfObjectIsFlippedTruncatedOrDeleted() throws IOException {
        Map<String, StoreKey> objects = objectsByKind();
        Map<String, Counts> results = new LinkedHashMap<>();
        for (Map.Entry<String, StoreKey> object : objects.entrySet()) {
            results.put(object.getKey() + " " + object.getValue(), damageEveryWay(object.getValue()));
        }

        results.forEach((what, counts) -> System.out.println("CorruptionSweep objects, " + what + ": " + counts));
        results.forEach((what, counts) ->
                assertThat(counts.missed).as(what + ": " + counts).hasValue(0));
        assertThat(objects.keySet())
                .contains("content", "pack", "pack record", "pack index", "pack index layer", "root tree", "tree");
    }

    /** One object of each kind, found by the lake layout. */
    private Map<String, StoreKey> objectsByKind() {
        Map<String, StoreKey> objects = new LinkedHashMap<>();
        List<StoreKey> all = new ArrayList<>();
        store.list("").forEach(all::add);
        DatasetVersion data = readDataset();
        StoreKey packRecord = first(all, "packs/sha256/");
        String pack = packRecord.name();
        objects.put("pack", StoreKey.of("objects/sha256/" + pack.substring(0, 2) + "/" + pack));
        objects.put("pack record", packRecord);
        objects.put("pack index", StoreKey.of("packs/index.json"));
        // a layer the pointer names: a replaced layer that no pointer names is garbage, and deleting it is no damage
        Matcher named = Pattern.compile("\"layer\":\"sha256:([0-9a-f]{64})\"")
                .matcher(store.get(StoreKey.of("packs/index.json")).getText());
        assertThat(named.find()).isTrue();
        objects.put("pack index layer", StoreKey.of("packs/layers/" + named.group(1)));
        for (StoreKey key : all) {
            if (key.value().startsWith("objects/") && !key.name().equals(pack) && Files.isRegularFile(file(key))) {
                try {
                    if (Files.size(file(key)) == 70_000) {
                        objects.put("content", key); // the large file, stored whole
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
        String root = data.getDigest().hex();
        objects.put("root tree", StoreKey.of("trees/sha256/" + root.substring(0, 2) + "/" + root));
        for (StoreKey key : all) {
            if (key.value().startsWith("trees/") && !key.name().equals(root)) {
                objects.put("tree", key);
            }
        }
        objects.put("dataset record", DATASET_RECORD);
        objects.put("model record", MODEL_RECORD);
        objects.put("alias record", ALIAS_RECORD);
        objects.put("alias log record", first(all, "models/churn-model/alias-log/"));
        objects.put("lineage edge", first(all, "lineage/"));
        objects.put("profile index record", first(all, "profiles/"));
        return objects;
    }

    private static StoreKey first(List<StoreKey> keys, String prefix) {
        return keys.stream()
                .filter(k -> k.value().startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no object under " + prefix));
    }

    private Counts damageEveryWay(StoreKey key) throws IOException {
        Path path = file(key);
        byte[] original = Files.readAllBytes(path);
        int start = payloadStart(original);
        int length = original.length - start;
        Counts counts = new Counts();
        Random random = new Random(key.hashCode());
        List<Integer> offsets = new ArrayList<>(List.of(0, 1, length / 2, length - 2, length - 1));
        for (int i = 0; i < 5; i++) {
            offsets.add(random.nextInt(length));
        }
        try {
            for (int offset : offsets) {
                byte[] damaged = original.clone();
                damaged[start + offset] ^= (byte) 0xff;
                damage(key, damaged, "byte " + offset + " flipped", counts);
            }
            for (int keep : new int[] {0, length / 2, length - 1}) {
                damage(key, Arrays.copyOf(original, start + keep), "truncated to " + keep + " bytes", counts);
            }
            damage(key, null, "deleted", counts);
        } finally {
            replace(path, original);
        }
        return counts;
    }

    private void damage(StoreKey key, byte @Nullable [] bytes, String how, Counts counts) throws IOException {
        Path path = file(key);
        if (bytes == null) {
            Files.delete(path);
        } else {
            replace(path, bytes);
        }
        reopen();
        String what = key + " " + how;
        boolean onRead = detectedOnRead(this::readEverything, null, what, new Counts());
        boolean stillDamaged = bytes == null ? !Files.exists(path) : Arrays.equals(Files.readAllBytes(path), bytes);
        reopen();
        counts.add(outcome(detectedByVerify(), onRead), what + (stillDamaged ? "" : " (rewritten by the read)"));
    }

    /** Reads everything a user reads: the dataset and its files, its profile, the model and its artifacts, the alias. */
    private String readEverything() {
        DatasetVersion data = readDataset();
        Path out = dir.resolve("checkout-" + System.nanoTime());
        long files = mlops.datasets().checkout(data, out);
        var profile = mlops.datasets().findProfile(data, "table.csv");
        ModelVersion model = readModel();
        try (InputStream in = mlops.registry().openArtifact(model, "model.json")) {
            in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        long artifacts = mlops.registry().checkoutArtifacts(model, dir.resolve("artifacts-" + System.nanoTime()));
        return data + " " + files + " " + profile + " " + model + " " + artifacts + " " + readAlias();
    }
}
