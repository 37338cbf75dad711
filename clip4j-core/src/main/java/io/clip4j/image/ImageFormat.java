package io.clip4j.image;

/** The container formats {@link ImageLoader} reads, recognised by their leading bytes (not the file name). */
public enum ImageFormat {
    JPEG,
    PNG,
    GIF,
    BMP,
    WEBP;

    /** The format whose signature starts {@code head}, or {@code null} if none matches. */
    public static ImageFormat sniff(byte[] head, int length) {
        if (length >= 3 && (head[0] & 255) == 0xFF && (head[1] & 255) == 0xD8 && (head[2] & 255) == 0xFF) {
            return JPEG;
        }
        if (length >= 8 && (head[0] & 255) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                && head[4] == 0x0D && head[5] == 0x0A && head[6] == 0x1A && head[7] == 0x0A) {
            return PNG;
        }
        if (length >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8'
                && (head[4] == '7' || head[4] == '9') && head[5] == 'a') {
            return GIF;
        }
        if (length >= 14 && head[0] == 'B' && head[1] == 'M') {
            return BMP;
        }
        if (length >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return WEBP;
        }
        return null;
    }
}
