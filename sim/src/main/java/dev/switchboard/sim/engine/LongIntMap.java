package dev.switchboard.sim.engine;

import java.util.Arrays;

/** An open-addressing map from long keys to non-negative int values, without boxing. Not thread-safe. */
final class LongIntMap {
    /*
     * Linear probing with backward-shift deletion (no tombstones), so a long run of inserts and removes, as the
     * KV cache does, never degrades. Capacity is a power of two at most half full; it never shrinks.
     */
    private static final int EMPTY = -1;

    private long[] keys;
    private int[] values;
    private int mask;
    private int size;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(values, EMPTY);
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    /** The value for {@code key}, or -1. */
    int get(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (values[i] == EMPTY) {
                return EMPTY;
            }
            if (keys[i] == key) {
                return values[i];
            }
        }
    }

    void put(long key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("values must be >= 0");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (values[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
        }
    }

    void remove(long key) {
        int i = slot(key);
        while (true) {
            if (values[i] == EMPTY) {
                return;
            }
            if (keys[i] == key) {
                break;
            }
            i = (i + 1) & mask;
        }
        size--;
        // Backward shift: pull later entries of the run into the hole when their home slot allows it.
        int hole = i;
        for (int j = (hole + 1) & mask; values[j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = EMPTY;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(values, EMPTY);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
