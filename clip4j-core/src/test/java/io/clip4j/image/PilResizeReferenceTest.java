package io.clip4j.image;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link PilResize} against Pillow 9.4 on synthetic images: every mode, every filter, odd geometries
 * (1x1, 1xN, Nx1, one dimension unchanged, up- and downscaling, non-integer factors).
 *
 * <p>The images are generated identically here and in the Python script that made the table: a
 * 31-bit LCG ({@code s = s * 1103515245 + 12345 mod 2^31}, byte = {@code (s >> 16) & 255}) over all
 * samples, then the left half overwritten by the gradient {@code (7x + 3y + 50c) & 255}, so both smooth
 * areas and sharp edges (which exercise the clamping) are covered. Each entry is the first 12 hex
 * digits of the SHA-256 of {@code image.resize(dst, filter).tobytes()} computed with Pillow 9.4.0
 * (Debian 12). P images are hashed as indices (resized with NEAREST whatever the filter asked).
 */
class PilResizeReferenceTest {

    private static final int[][] SIZES = {
            {37, 23, 11, 7}, {37, 23, 80, 51}, {1, 1, 5, 3}, {1, 9, 4, 4}, {9, 1, 3, 7}, {64, 48, 64, 20},
            {64, 48, 20, 48}, {100, 3, 7, 3}, {50, 60, 49, 61}, {97, 89, 13, 101}, {16, 16, 5, 5},
            {300, 200, 224, 149}};

    private static final String PILLOW_9_4_HASHES = """
            L NEAREST 43b3172893a9 ed3a0280d84e a6bc9d9caddb 90917055cdbf a80037096a9b 619258ae102b 9a1a6c611b1d 2233057d441d f1a297b3b72f c2291d2927a1 ee3a6617ffc0 9b82e9841fa2
            L LANCZOS fc7c472db65b 34eeaed771d4 a6bc9d9caddb dc736872b820 dadfc6b63dcb 4534e3c11156 a0cda3fcc9b6 b096ab7c5a71 663da49eee2c edb822af45b1 b15a368b50a0 503e43d521d5
            L BILINEAR 130d216b544f 99f668fea0ce a6bc9d9caddb 196c0aa8a624 5751105a73bb 0ac637c7d8ea c58a53ba09c7 3b6c01c6da76 28a48e252dc6 38ba97e5854d cc925f67edbe e26931ddd61d
            L BICUBIC 6e96e321d223 bdd4b04f5a56 a6bc9d9caddb cf3a92f64b61 f82a6b401049 aab9555576be 50007d4135c3 b7c2d55e9a1a 35a761d1dbeb af4a1e7921df 053a10d0f2a7 1b81cf168fca
            L BOX 57a3d2883460 ed3a0280d84e a6bc9d9caddb 2b68e77dff48 7e29a393fa42 1b27f39ebca7 809bf09608ce 6cdddb2c8e7f 44712449e30c 5a90e52062b8 555070488f3c 9c24f78e8840
            L HAMMING 029d0f5d884a 0a8842f467a6 a6bc9d9caddb 26fa24f270be fb9a6fc6ad9e 1b629291b414 09e030ad5928 056d5ef91223 04c11323b85a 54ff6d33e138 a331ab0be32e b3b99ce187c1
            LA NEAREST 5bab457bb90e e3bbad4fcfc0 f3c5a09ca117 a03c80872c9a 6f72821e01b0 9170a4a58793 6c82cb0d0539 2ca13b26830c fbabf916e8c3 f0c4ab75635e 7280ad7544c0 4ef15ed1d9b6
            LA LANCZOS 7a85f296702e 57dcf821c298 61fa6926d010 d5780ae46305 48e55623ad3a 723e94351c11 0d37c0064263 f7cab775c9c6 fc3d87ddf341 ebe649586e99 a6a7f87a85e8 e9b21754532d
            LA BILINEAR bd37a4919ac9 6d4b6855bb3c 61fa6926d010 6ba09816517a 620071b9b1ae aaa7eac61456 cea947223e75 b71f0911e30c 1c73b27185a8 260d7ac15434 327b6dffca43 c6c5b622c3dd
            LA BICUBIC e0fa35c636c1 6c2b829826ad 61fa6926d010 7410f2ee613e 2acb6b694b43 9dc571220c23 2c2d17e34c07 25d4155b8bb1 c9a798077279 cb8017a57a3a 7702367fb98e ba50c1c79cd1
            LA BOX 9a001b1793fa 49f2bb764e81 61fa6926d010 a446163d75ed 36446d7287b7 0e65c3d5c23b 53ed4e0540cd 16ede7a8551b 83e83a34c981 9d219ccd6d7f e58ab121ce2f e8f853e9f4f1
            LA HAMMING fb9cfb44c331 cdf97c118ef3 61fa6926d010 20aaee1e258d be403fa7fda0 41bf735ce779 ec29b8ea5495 34f1e15e1a9a 0d3ec6f41ffb e6b90cd9130b 49747c761694 9e79d1bbd0e3
            RGB NEAREST fcd78c0170a1 71cec6459201 aecb975d82f2 764868cd36b1 4362957d44c1 40a4542988b7 10adffb171aa 88c0f6e98793 b4a5b1fd4266 71e559ef7cc9 a1396615c1d6 ff9da4c976ce
            RGB LANCZOS 646d606c612a 218ebfee2222 aecb975d82f2 8b343f913667 7965e49dddb8 d7e46704c4f7 d31a168acc8c 34e12d0e510c f14320823295 679c8a091e0c 51353944c8db 93c67c7efdfb
            RGB BILINEAR a96b0d91bb2d e7316be363c2 aecb975d82f2 6a470ad07129 acbf0b78f86b 4511fb22dadf fd40e36b6046 7b94f6b5abf3 d22e4fdbbc5b 2e81bec14c5a 3a0ba3133dec f8b989114488
            RGB BICUBIC f177a85f92f9 a6226a56f53a aecb975d82f2 6cbd7c4f223c 4d530d206bc2 b8ad57515e59 c42472e4753d 0acd89a50126 f8e155294269 12d3de3076ca fad8aab92b05 f35657de5783
            RGB BOX 5b5a3d4ad7b7 71cec6459201 aecb975d82f2 7c66f38be6cb bf8692d0ac72 acf9d4b50381 f3d4f01e58e7 683e3493dfd3 39c7d7a9724f 3e03976d563e 53ad7d1281c0 4daa9b5bd932
            RGB HAMMING e19302a78b7f c5c21c15d9dd aecb975d82f2 18d10291a799 ce0c13d0aec6 a15a806a4f65 b50ed4ebca33 431b2883cb8e 75d0037aec6a e5ca9b14402a 525fac111746 58df4f8358b8
            RGBA NEAREST 4c1ecb052c05 8551aceb9149 8a2af19a0009 350be9136525 50238ef44913 1578e68c3015 a2da217bada1 877cf88e4dd2 91107b1c69c0 823bc730def8 e874074455e0 b3635560e4dc
            RGBA LANCZOS f092c8ac8f4f c850437c8c5c 8a2af19a0009 410906bf8428 b93563268fe2 815b1a08f3de f96a43280044 c1e2dc23c5e3 c9306036cf62 5957d48c62c9 fdbcdced290c 1fb48e3f346c
            RGBA BILINEAR d5496d925372 88983d1b0fd0 8a2af19a0009 620da790e8d0 3e2c4529f115 e1c7df727f89 9322adeaa49e 70555ee72756 556c63cf9bbd 25fec2923697 7f5875540fbe 1aedb8aefd76
            RGBA BICUBIC 35a21f539982 520842586cb2 8a2af19a0009 5016906689f2 1952058aa3e1 58b9005356db f624ddd0a3fa 10ca3c47e899 a1abef737f01 df091c595649 71283919fa64 c38e88d0fd77
            RGBA BOX 63a8c1979e7e 03c7b6e08177 8a2af19a0009 ec853f064a1c 29f06241225c 81f476a2e70c 3b1a4e0124fd 7215c10a727f d673723a76e5 dc7fd32829a7 de7338db50df 1c7bd5773635
            RGBA HAMMING c740d7625f9c 885c807180d8 8a2af19a0009 8917115915ed d1d3c6113a56 bf32d9e56fae ae3dec614415 10a96d3dc6b9 1f5d5c8b09c3 b3fdd048b4b6 a150c7736a42 ed0b9f998c3d
            P NEAREST 43b3172893a9 ed3a0280d84e a6bc9d9caddb 90917055cdbf a80037096a9b 619258ae102b 9a1a6c611b1d 2233057d441d f1a297b3b72f c2291d2927a1 ee3a6617ffc0 9b82e9841fa2
            CMYK NEAREST 4c1ecb052c05 8551aceb9149 8a2af19a0009 350be9136525 50238ef44913 1578e68c3015 a2da217bada1 877cf88e4dd2 91107b1c69c0 823bc730def8 e874074455e0 b3635560e4dc
            CMYK LANCZOS c8dce525f836 a1d0af8dd751 8a2af19a0009 1b989ba83983 faa1d430d098 49c899d1b63a 4ade86ab93e2 4fbb688a8645 de874cdf39e2 7bcee9708d2a 62a3322f9775 e203d68f3966
            CMYK BILINEAR b2cd8d258594 62d7c1004a11 8a2af19a0009 121b92ad5791 bcf95131cc7a 0241a78b6271 cc9d96231e17 4a2822a3013a 1aeba2f39b1c f0902c8d9edc b525ab21af7d e93d827d0c73
            CMYK BICUBIC 8e6069d4c6d4 566dda78a8da 8a2af19a0009 d7f5e1408d94 13fafc1abe95 29aa29f3c152 72ad46ff3cbf 2f9b4739927c d866793a599b 98c067113bb8 db5ceafd7b38 08e0851cc7e9
            CMYK BOX 654f5d1f7690 8551aceb9149 8a2af19a0009 0850d1ba6872 41819f3fff78 439bbf9edf5a 1de1f20716ab e8670ddf5a58 18f27a733d2b f0307f9b5082 7726d4c6265f b1569b80c2b6
            CMYK HAMMING 8b32f3c9b806 ee8e3fdd4c29 8a2af19a0009 b06b90d72323 811c67d5f5a6 cca624814646 a0437258c650 4f80b37a1e03 834e01fda6e4 d72c459d64a8 5b3ccbf9d52b 74bd60095021
            """;

    @Test
    void resizeMatchesPillowForEveryModeFilterAndGeometry() {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String line : PILLOW_9_4_HASHES.strip().split("\n")) {
            String[] f = line.trim().split(" ");
            ImageMode mode = switch (f[0]) {
                case "1" -> ImageMode.BILEVEL;
                default -> ImageMode.valueOf(f[0]);
            };
            Resample filter = Resample.valueOf(f[1]);
            for (int i = 0; i < SIZES.length; i++) {
                int[] s = SIZES[i];
                DecodedImage src = make(mode, s[0], s[1], 1000 + i);
                DecodedImage out = PilResize.resize(src, s[2], s[3], filter);
                String got = sha(out.pixels());
                checked++;
                if (!got.equals(f[2 + i])) {
                    failures.add(mode + " " + filter + " " + s[0] + "x" + s[1] + "->" + s[2] + "x" + s[3]);
                }
            }
        }
        assertEquals(List.of(), failures, "resizes differing from Pillow 9.4 (of " + checked + ")");
    }

    static DecodedImage make(ImageMode mode, int w, int h, int seed) {
        int ch = mode.channels();
        byte[] data = new byte[w * h * ch];
        long s = seed;
        for (int i = 0; i < data.length; i++) {
            s = (s * 1103515245L + 12345L) & 0x7fffffffL;
            data[i] = (byte) ((s >> 16) & 255);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w / 2; x++) {
                for (int c = 0; c < ch; c++) {
                    data[(y * w + x) * ch + c] = (byte) ((x * 7 + y * 3 + c * 50) & 255);
                }
            }
        }
        return mode == ImageMode.P
                ? new DecodedImage(w, h, mode, data, new Palette(Palette.greyRamp(), 256, null), null)
                : DecodedImage.of(w, h, mode, data);
    }

    private static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
