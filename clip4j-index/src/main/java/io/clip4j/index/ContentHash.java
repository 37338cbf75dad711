package io.clip4j.index;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of file contents, in hex.
 *
 * <p>Why SHA-256: the hash decides that a file whose timestamp changed still has the content that was
 * embedded, so it must not collide in practice; SHA-256 is in every JDK (no dependency) and its
 * intrinsics (SHA extensions / AVX2) hash well over 1 GB/s, i.e. a few milliseconds for a 12-megapixel
 * JPEG, against the tens to hundreds of milliseconds its decoding costs. The bytes are read once and
 * both hashed and decoded from memory.
 */
final class ContentHash {

    private ContentHash() {
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
