package org.mlops4j.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only view of the first {@code limit} bytes of a file channel: what a snapshot reads of a file, so that a file
 * appended to meanwhile is not read to its ever-moving end. Still a {@link FileChannel}, so that the store keeps its
 * fast path for files. Not thread-safe (one reader).
 */
final class BoundedFileChannel extends FileChannel {
    private final FileChannel file;
    private final long limit;

    BoundedFileChannel(FileChannel file, long limit) {
        this.file = file;
        this.limit = limit;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        long left = limit - file.position();
        if (left <= 0) {
            return -1;
        }
        if (dst.remaining() <= left) {
            return file.read(dst);
        }
        ByteBuffer slice = dst.slice().limit((int) left);
        int n = file.read(slice);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            if (!dsts[i].hasRemaining()) {
                continue;
            }
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        long left = limit - position;
        if (left <= 0) {
            return -1;
        }
        if (dst.remaining() <= left) {
            return file.read(dst, position);
        }
        ByteBuffer slice = dst.slice().limit((int) left);
        int n = file.read(slice, position);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    @Override
    public long position() throws IOException {
        return Math.min(file.position(), limit);
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return Math.min(file.size(), limit);
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new NonWritableChannelException();
    }

    @Override
    public int write(ByteBuffer src, long position) {
        throw new NonWritableChannelException();
    }

    @Override
    public FileChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public void force(boolean metaData) {
        // read-only: nothing to force
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        long left = limit - position;
        return left <= 0 ? 0 : file.transferTo(position, Math.min(count, left), target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new NonWritableChannelException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        if (mode != MapMode.READ_ONLY || position + size > limit) {
            throw new UnsupportedOperationException(
                    "a bounded view maps only read-only, within its " + limit + " bytes");
        }
        return file.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
