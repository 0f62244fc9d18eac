package org.mlops4j.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;

/**
 * Issue 21, acceptance 2: a dataset pushed by this library is read by the Azure Storage SDK alone, following the lake
 * format (docs/lake-format.md §1, §11): the version record names the root tree, the trees name each file's SHA-256,
 * and each file's bytes are found as a blob of their own or as a member of a pack, and hash to that SHA-256.
 */
class IndependentClientInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A file as the manifest names it. */
    private record Listed(String path, String digest, long size) {}

    @Test
    void shouldLetTheAzureSdkAloneFindEveryFileOfAPushedDatasetWithTheSha256OfItsManifest() throws Exception {
        Path source = dir.resolve("source");
        Random random = new Random(21);
        for (int i = 0; i < 40; i++) {
            write(source.resolve("small/s" + i + ".bin"), random, 1 + random.nextInt(6000));
        }
        write(source.resolve("whole/w0.bin"), random, 200_000);
        write(source.resolve("whole/w1.bin"), random, 90_000);
        write(source.resolve("big.bin"), random, 3 * 1024 * 1024 + 123);
        String container = AzuriteLakes.newContainerName("interop");
        DatasetVersion pushed;
        try (AzureBlobObjectStore store = AzuriteLakes.newLake("interop")
                        .location("azblob://" + AzuriteServer.ACCOUNT + "/" + container + "/team")
                        .blockSize(1024 * 1024)
                        .build();
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            pushed = mlops.datasets().snapshot("interop").directory(source).commit();
        }

        BlobContainerClient sdk = new BlobServiceClientBuilder()
                .connectionString(AzuriteServer.shared().getConnectionString())
                .buildClient()
                .getBlobContainerClient(container);
        List<String> versions =
                sdk.listBlobs(new ListBlobsOptions().setPrefix("team/datasets/interop/v/"), null).stream()
                        .map(BlobItem::getName)
                        .toList();
        assertThat(versions).containsExactly("team/datasets/interop/v/00000001.json");
        JsonNode record = JSON.readTree(
                sdk.getBlobClient(versions.get(0)).downloadContent().toBytes());
        assertThat(record.get("tree").asText()).isEqualTo(pushed.getDigest().toString());

        List<Listed> files = new java.util.ArrayList<>();
        walk(sdk, record.get("tree").asText(), "", files);
        Map<String, long[]> packed = packMembers(sdk);
        int whole = 0;
        int inPacks = 0;
        for (Listed file : files) {
            String hex = file.digest().substring("sha256:".length());
            byte[] bytes;
            var blob = sdk.getBlobClient("team/objects/sha256/" + hex.substring(0, 2) + "/" + hex);
            if (blob.exists()) {
                bytes = blob.downloadContent().toBytes();
                whole++;
            } else {
                long[] member = packed.get(hex);
                assertThat(member).as("a pack that holds %s", file.path()).isNotNull();
                String pack = packOf(member);
                bytes = sdk.getBlobClient("team/objects/sha256/" + pack.substring(0, 2) + "/" + pack)
                        .downloadContentWithResponse(null, null, new BlobRange(member[1], member[2]), false, null, null)
                        .getValue()
                        .toBytes();
                inPacks++;
            }
            assertThat(bytes).as("bytes of %s", file.path()).hasSize((int) file.size());
            assertThat("sha256:" + sha256(bytes))
                    .as("SHA-256 of %s", file.path())
                    .isEqualTo(file.digest());
            assertThat(bytes).isEqualTo(Files.readAllBytes(source.resolve(file.path())));
        }
        try (Stream<Path> all = Files.walk(source)) {
            assertThat(files.stream().map(Listed::path).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrderElementsOf(all.filter(Files::isRegularFile)
                            .map(p -> source.relativize(p).toString())
                            .toList());
        }
        assertThat(whole).as("files stored whole").isEqualTo(3);
        assertThat(inPacks).as("files found in packs").isEqualTo(40);
    }

    private static void walk(BlobContainerClient sdk, String tree, String base, List<Listed> out) throws IOException {
        String hex = tree.substring("sha256:".length());
        byte[] bytes = sdk.getBlobClient("team/trees/sha256/" + hex.substring(0, 2) + "/" + hex)
                .downloadContent()
                .toBytes();
        assertThat("sha256:" + sha256(bytes)).as("the tree's own digest").isEqualTo(tree);
        // lake format §14.2, read here from the spec alone: header, count, then kind, shared, suffix, size, digest
        byte[] header = "{\"format\":\"mlops4j.tree/2\"}".getBytes(StandardCharsets.US_ASCII);
        assertThat(Arrays.copyOf(bytes, header.length)).as("the tree/2 header").isEqualTo(header);
        ByteBuffer in = ByteBuffer.wrap(bytes, header.length, bytes.length - header.length);
        long count = varint(in);
        byte[] previous = new byte[0];
        for (long i = 0; i < count; i++) {
            int kind = in.get();
            int shared = (int) varint(in);
            byte[] name = Arrays.copyOf(previous, shared + (int) varint(in));
            in.get(name, shared, name.length - shared);
            previous = name;
            long size = kind == 2 ? 0 : varint(in);
            byte[] digest = new byte[32];
            in.get(digest);
            String path = base + new String(name, StandardCharsets.UTF_8);
            String named = "sha256:" + HexFormat.of().formatHex(digest);
            if (kind == 2) {
                walk(sdk, named, path + "/", out);
            } else {
                out.add(new Listed(path, named, size));
            }
        }
        assertThat(in.hasRemaining()).as("bytes after the last entry").isFalse();
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    /** The pack index of §11.5: member digest → {pack id, offset, size}, from the pack records and their tails. */
    private final Map<Long, String> packIds = new HashMap<>();

    private Map<String, long[]> packMembers(BlobContainerClient sdk) throws IOException {
        Map<String, long[]> members = new HashMap<>();
        for (BlobItem item : sdk.listBlobs(new ListBlobsOptions().setPrefix("team/packs/sha256/"), null)) {
            JsonNode record = JSON.readTree(
                    sdk.getBlobClient(item.getName()).downloadContent().toBytes());
            String pack = record.get("pack").asText().substring("sha256:".length());
            long n = record.get("members").asLong();
            long size = record.get("bytes").asLong();
            long indexOffset = size - 24 - 48 * n;
            byte[] tail = sdk.getBlobClient("team/objects/sha256/" + pack.substring(0, 2) + "/" + pack)
                    .downloadContentWithResponse(null, null, new BlobRange(indexOffset, 48 * n + 24), false, null, null)
                    .getValue()
                    .toBytes();
            ByteBuffer index = ByteBuffer.wrap(tail);
            assertThat(new String(tail, (int) (48 * n), 16, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("MLOPS4J-PACK-V1\n");
            long id = packIds.size();
            packIds.put(id, pack);
            for (int i = 0; i < n; i++) {
                byte[] digest = new byte[32];
                index.get(digest);
                members.put(HexFormat.of().formatHex(digest), new long[] {id, index.getLong(), index.getLong()});
            }
        }
        return members;
    }

    private String packOf(long[] member) {
        return packIds.get(member[0]);
    }

    private static void write(Path file, Random random, int size) throws IOException {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
