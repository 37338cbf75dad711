package io.clip4j.weights;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** Opens a weights file in any supported format, recognised by its content. */
public final class WeightFiles {

    /** The formats {@link #open} understands, for error messages. */
    public static final String SUPPORTED_FORMATS = "safetensors (.safetensors), sharded checkpoints "
            + "(model.safetensors.index.json, pytorch_model.bin.index.json), PyTorch zip checkpoints written by "
            + "torch.save with torch >= 1.6 (.pt, .pth, .bin) and TorchScript archives written by torch.jit.save "
            + "(such as OpenAI's CLIP releases)";

    /** What torch < 1.6 wrote first: pickle protocol 2, then the LONG1 magic number 0x1950a86a20f9469cfc6c. */
    private static final byte[] LEGACY_TORCH_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc,
            (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private WeightFiles() {
    }

    /**
     * Opens {@code path} with the matching reader: a shard index by its {@code .index.json} name, a zip
     * archive ({@code PK\3\4}) as a {@link TorchZipFile} (a {@code torch.save} checkpoint or a TorchScript
     * archive, told apart by its entries), a safetensors header as a {@link SafeTensorsFile}.
     *
     * @throws ModelFormatException for an unsupported or unrecognised format (the message lists the
     *                              supported ones), or a malformed file
     * @throws UncheckedIOException if the file cannot be read
     */
    public static WeightFile open(Path path) {
        String name = String.valueOf(path.getFileName());
        if (Files.isDirectory(path)) {
            throw new ModelFormatException(path + ": is a directory; give the weights file itself (supported: "
                    + SUPPORTED_FORMATS + ")");
        }
        if (name.endsWith(".index.json")) {
            return ShardedWeights.open(path);
        }
        byte[] head = readHead(path);
        if (startsWith(head, new byte[]{'P', 'K', 3, 4}) || startsWith(head, new byte[]{'P', 'K', 5, 6})) {
            return TorchZipFile.open(path);
        }
        boolean pickle = head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
        boolean tar = head.length >= 262 && new String(head, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar");
        if (pickle || tar) {
            // torch < 0.4 wrote a tar archive, torch < 1.6 a bare pickle stream starting with its magic number.
            String what = tar || startsWith(head, LEGACY_TORCH_MAGIC)
                    ? "a legacy PyTorch checkpoint (torch < 1.6 format, not a zip archive)"
                    : "a raw Python pickle, not a PyTorch zip checkpoint";
            throw new ModelFormatException(name + ": " + what + "; clip4j reads only the zip format, whose pickle it "
                    + "can check. Re-save it with torch >= 1.6 (torch.save(torch.load(f, weights_only=True), f)) or "
                    + "convert it to safetensors");
        }
        if (looksLikeSafetensors(path, head)) {
            return SafeTensorsFile.open(path);
        }
        throw new ModelFormatException(name + ": unrecognised weights file format (supported: " + SUPPORTED_FORMATS + ")");
    }

    private static boolean looksLikeSafetensors(Path path, byte[] head) {
        if (String.valueOf(path.getFileName()).endsWith(".safetensors")) {
            return true; // let SafeTensorsFile say precisely what is wrong with it
        }
        if (head.length < 9) {
            return false;
        }
        long headerLen = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return headerLen >= 2 && head[8] == '{';
    }

    private static byte[] readHead(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(512);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }
}
