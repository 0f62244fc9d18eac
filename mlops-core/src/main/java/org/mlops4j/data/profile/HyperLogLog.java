package org.mlops4j.data.profile;

/**
 * A HyperLogLog distinct-count estimator (Flajolet, Fusy, Gandouet and Meunier, 2007) with 2<sup>12</sup> one-byte
 * registers over a 64-bit hash of the value's characters, and linear counting for small cardinalities. The relative
 * standard error is about {@code 1.04 / sqrt(4096)}, i.e. 1.6%. Memory: 4 KiB. Not thread-safe.
 */
final class HyperLogLog {
    static final int P = 12;
    private static final int M = 1 << P;
    private final byte[] registers = new byte[M];

    void add(String value) {
        add(hash(value));
    }

    /** Adds a value by its {@link #hash(String)}. */
    void add(long h) {
        int index = (int) (h >>> (64 - P));
        int rank = Long.numberOfLeadingZeros((h << P) | (1L << (P - 1))) + 1;
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }

    long estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += Math.scalb(1.0, -r);
            if (r == 0) {
                zeros++;
            }
        }
        double alpha = 0.7213 / (1 + 1.079 / M);
        double e = alpha * M * (double) M / sum;
        if (e <= 2.5 * M && zeros > 0) {
            e = M * Math.log((double) M / zeros);
        }
        return Math.round(e);
    }

    /** FNV-1a over the UTF-16 code units, then MurmurHash3's 64-bit finalizer. */
    static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < value.length(); i++) {
            h ^= value.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
