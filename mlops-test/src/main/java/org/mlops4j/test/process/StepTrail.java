package org.mlops4j.test.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The last step a child reached, kept in a small memory-mapped file so that it survives a SIGKILL: the bytes live
 * in the kernel's page cache, not in the dead process. Two slots are written alternately and a one-byte index names
 * the current one, so a kill in the middle of an update leaves the previous step readable.
 *
 * <p>Layout: byte 0 = current slot (1 or 2, 0 before the first step); each slot = a 4-byte length and up to
 * {@value #SLOT_TEXT} bytes of UTF-8.
 */
final class StepTrail implements AutoCloseable {
    static final int SLOT_TEXT = 250;
    private static final int SLOT_SIZE = 4 + SLOT_TEXT;
    private static final int FILE_SIZE = 1 + 2 * SLOT_SIZE;

    private final FileChannel channel;
    private final MappedByteBuffer buffer;
    private int current;

    private StepTrail(FileChannel channel, MappedByteBuffer buffer) {
        this.channel = channel;
        this.buffer = buffer;
    }

    /** Opens (and creates) the trail file for writing. */
    static StepTrail open(Path file) {
        try {
            FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_SIZE);
            return new StepTrail(channel, buffer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the step trail " + file, e);
        }
    }

    /** Records a step as the latest one. */
    synchronized void write(String step) {
        byte[] text = step.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, SLOT_TEXT);
        int next = current == 1 ? 2 : 1;
        int offset = 1 + (next - 1) * SLOT_SIZE;
        buffer.putInt(offset, length);
        buffer.put(offset + 4, text, 0, length);
        buffer.put(0, (byte) next);
        current = next;
    }

    /**
     * Reads the latest step from a trail file, written by a process that may be dead.
     *
     * @return the step, or empty if none was recorded or the file is absent or damaged
     */
    static Optional<String> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the step trail " + file, e);
        }
        if (bytes.length < FILE_SIZE || (bytes[0] != 1 && bytes[0] != 2)) {
            return Optional.empty();
        }
        int offset = 1 + (bytes[0] - 1) * SLOT_SIZE;
        int length = ByteBuffer.wrap(bytes, offset, 4).getInt();
        if (length < 0 || length > SLOT_TEXT) {
            return Optional.empty();
        }
        return Optional.of(new String(bytes, offset + 4, length, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the step trail", e);
        }
    }
}
