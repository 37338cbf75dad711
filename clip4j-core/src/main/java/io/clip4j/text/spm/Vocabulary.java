package io.clip4j.text.spm;

import io.clip4j.weights.ModelFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The pieces of a model with the lookups segmentation needs ({@code ModelInterface::InitializePieces}).
 *
 * <p>As in the C++ library, NORMAL, USER_DEFINED and UNUSED pieces form the segmentation vocabulary,
 * while CONTROL, UNKNOWN and BYTE pieces are "reserved": they are found by {@link #pieceToId} (reserved
 * ones first) but never matched against text.
 */
final class Vocabulary {

    final byte[][] pieceBytes;
    final String[] pieces;
    final float[] scores;
    final PieceType[] types;
    /** NORMAL, USER_DEFINED and UNUSED pieces. */
    final PieceTrie normalPieces;
    /** CONTROL, UNKNOWN and BYTE pieces. */
    private final PieceTrie reservedPieces;
    /** USER_DEFINED pieces, or null when there are none. */
    final PieceTrie userDefined;
    final int unkId;
    /** The id of piece {@code <0xXX>} for each byte value, or null without byte fallback. */
    final int[] byteIds;

    Vocabulary(ModelProto proto, String source) {
        List<ModelProto.Piece> list = proto.pieces();
        int n = list.size();
        if (n == 0) {
            throw new ModelFormatException(source + ": not a SentencePiece model (no pieces)");
        }
        pieceBytes = new byte[n][];
        pieces = new String[n];
        scores = new float[n];
        types = new PieceType[n];
        List<Integer> normal = new ArrayList<>();
        List<Integer> reserved = new ArrayList<>();
        List<Integer> user = new ArrayList<>();
        boolean byteFallback = proto.trainer().byteFallback();
        int[] bytes = new int[256];
        Arrays.fill(bytes, -1);
        int unk = -1;
        for (int i = 0; i < n; i++) {
            ModelProto.Piece p = list.get(i);
            byte[] b = p.piece();
            if (b.length == 0) {
                throw new ModelFormatException(source + ": piece " + i + " is empty");
            }
            for (byte x : b) {
                if (x == 0) {
                    throw new ModelFormatException(source + ": piece " + i + " contains a NUL character");
                }
            }
            pieceBytes[i] = b;
            pieces[i] = new String(b, StandardCharsets.UTF_8);
            scores[i] = p.score();
            types[i] = p.type();
            switch (p.type()) {
                case NORMAL, UNUSED -> normal.add(i);
                case USER_DEFINED -> {
                    normal.add(i);
                    user.add(i);
                }
                case CONTROL, UNKNOWN, BYTE -> reserved.add(i);
            }
            if (p.type() == PieceType.UNKNOWN) {
                if (unk >= 0) {
                    throw new ModelFormatException(source + ": more than one UNKNOWN piece (ids " + unk + " and " + i + ")");
                }
                unk = i;
            }
            if (p.type() == PieceType.BYTE) {
                if (!byteFallback) {
                    throw new ModelFormatException(source + ": byte piece " + pieces[i] + " found although byte_fallback is false");
                }
                int value = byteOfPiece(pieces[i]);
                if (value < 0) {
                    throw new ModelFormatException(source + ": byte piece " + pieces[i] + " is not of the form <0xXX>");
                }
                bytes[value] = i;
            }
        }
        if (unk < 0) {
            throw new ModelFormatException(source + ": no UNKNOWN piece (unk is not defined)");
        }
        unkId = unk;
        if (byteFallback) {
            for (int v = 0; v < 256; v++) {
                if (bytes[v] < 0) {
                    throw new ModelFormatException(source + ": byte_fallback is true but piece "
                            + String.format(Locale.ROOT, "<0x%02X>", v) + " is missing");
                }
            }
            byteIds = bytes;
        } else {
            byteIds = null;
        }
        normalPieces = trie(normal, source);
        reservedPieces = trie(reserved, source);
        userDefined = user.isEmpty() ? null : trie(user, source);
    }

    int size() {
        return pieces.length;
    }

    /** The id of a piece: reserved pieces first, then the others, else the unknown id. */
    int pieceToId(byte[] s, int off, int len) {
        int id = reservedPieces.exactMatch(s, off, len);
        if (id >= 0) {
            return id;
        }
        id = normalPieces.exactMatch(s, off, len);
        return id >= 0 ? id : unkId;
    }

    boolean isUnused(int id) {
        return types[id] == PieceType.UNUSED;
    }

    /** The byte a {@code <0xXX>} piece stands for (upper-case hex, as the library writes them), or -1. */
    static int byteOfPiece(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int hi = hexDigit(piece.charAt(3));
        int lo = hexDigit(piece.charAt(4));
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private PieceTrie trie(List<Integer> ids, String source) {
        byte[][] keys = new byte[ids.size()][];
        int[] values = new int[ids.size()];
        for (int i = 0; i < keys.length; i++) {
            values[i] = ids.get(i);
            keys[i] = pieceBytes[values[i]];
        }
        try {
            return PieceTrie.build(keys, values);
        } catch (PieceTrie.DuplicateKeyException e) {
            throw new ModelFormatException(source + ": piece " + pieces[e.id] + " (id " + e.id + ") is already defined");
        }
    }
}
