package dev.switchboard.redis;

import dev.switchboard.policy.auth.KeyFile;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.auth.VirtualKey;

/**
 * How a key record is kept in the Redis hash of keys: the field is the key's id, the value the record as the key
 * file writes it ({@link KeyFile#recordJson}): a hash of the key, never the key. Shared by the reader
 * ({@link RedisKeyStore}) and the writer ({@link RedisKeyWriter}).
 */
final class RedisKeyHash {
    private RedisKeyHash() {}

    static String encode(KeyRecord record) {
        return KeyFile.recordJson(record);
    }

    /**
     * The record in {@code field}; IllegalArgumentException naming the field (or only its length, when it is not a
     * key id: a pasted key could be a field name too) and what is wrong, never quoting the value.
     */
    static KeyRecord decode(String hashKey, String field, String value) {
        if (!VirtualKey.isId(field)) {
            throw new IllegalArgumentException(hashKey + ": a field that is not a key id (" + field.length()
                    + " characters)");
        }
        KeyRecord r = KeyFile.parseRecord(value, hashKey + " " + field);
        if (!r.id().equals(field)) {
            throw new IllegalArgumentException(hashKey + " " + field + ": the record's id is another key's");
        }
        return r;
    }
}
