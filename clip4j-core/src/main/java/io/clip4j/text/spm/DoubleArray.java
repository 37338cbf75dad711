package io.clip4j.text.spm;

/**
 * A read-only darts-clone double-array trie, the format of the normalization rules inside a model's
 * {@code precompiled_charsmap}.
 *
 * <p>Each unit is a little-endian 32-bit word: bit 8 says the node has a leaf child, the low byte (with bit 31
 * for leaves, so that a leaf never matches a label) is the label, bits 10..31 the offset to the children
 * (shifted 8 more when bit 9 is set), and a leaf's low 31 bits are its value. Lookups check every index, so a
 * corrupt blob makes a lookup fail rather than throw.
 */
final class DoubleArray {

    private final int[] units;

    DoubleArray(int[] units) {
        this.units = units;
    }

    /**
     * The longest key that is a prefix of {@code key[from, to)}, as {@code length << 32 | value}, or -1 when no
     * key is (darts-clone's {@code commonPrefixSearch}, keeping the last and therefore longest result).
     */
    long longestPrefix(byte[] key, int from, int to) {
        if (units.length == 0) {
            return -1;
        }
        long best = -1;
        int id = offset(units[0]);
        for (int i = from; i < to; i++) {
            int label = key[i] & 0xFF;
            id ^= label;
            if (id < 0 || id >= units.length) {
                return best;
            }
            int unit = units[id];
            if ((unit & 0x8000_00FF) != label) {
                return best;
            }
            id ^= offset(unit);
            if ((unit >>> 8 & 1) == 1) {
                if (id < 0 || id >= units.length) {
                    return best;
                }
                int value = units[id] & 0x7FFF_FFFF;
                best = (long) (i + 1 - from) << 32 | value;
            }
        }
        return best;
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }
}
