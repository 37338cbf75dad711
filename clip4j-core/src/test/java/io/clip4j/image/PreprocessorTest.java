package io.clip4j.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Geometry, crop rounding, normalisation arithmetic and HF config parsing of the preprocessing pipeline. */
class PreprocessorTest {

    @Test
    void clipGeometryForPortraitLandscapeAndSquare() {
        PreprocessConfig clip = PreprocessConfig.clip(224);
        assertArrayEquals(new int[] {224, 335}, clip.resizedSize(299, 448)); // int(224 * 448 / 299) = 335
        assertArrayEquals(new int[] {335, 224}, clip.resizedSize(448, 299));
        assertArrayEquals(new int[] {224, 224}, clip.resizedSize(1, 1));
        assertArrayEquals(new int[] {4480, 224}, clip.resizedSize(1000, 50));
        assertArrayEquals(new int[] {224, 300}, clip.resizedSize(224, 300)); // short side already right
        // torchvision: int(round((335 - 224) / 2)) = round(55.5) = 56 (half to even); HF: 111 // 2 = 55
        assertArrayEquals(new int[] {0, 56}, clip.cropOffsets(224, 335));
        assertArrayEquals(new int[] {0, 55}, PreprocessConfig.hfClip(224).cropOffsets(224, 335));
        // round(56.5) = 56 but round(57.5) = 58
        assertArrayEquals(new int[] {56, 0}, clip.cropOffsets(337, 224));
        assertArrayEquals(new int[] {58, 0}, clip.cropOffsets(339, 224));
    }

    @Test
    void nonSquareCropAndCropLargerThanImagePadsWithZeros() {
        PreprocessConfig cfg = new PreprocessConfig(PreprocessConfig.ResizeMode.NONE, 0, 0, 0, 6, 2,
                PreprocessConfig.CropRounding.TORCHVISION, Resample.BICUBIC, false,
                PreprocessConfig.Normalization.TORCHVISION, 1 / 255.0, new float[3], new float[] {1, 1, 1});
        byte[] px = new byte[3 * 5 * 3];
        Arrays.fill(px, (byte) 255);
        DecodedImage rgb = new Preprocessor(cfg).toModelRgb(DecodedImage.of(3, 5, ImageMode.RGB, px));
        assertEquals(6, rgb.width());
        assertEquals(2, rgb.height());
        // torchvision pads (6 - 3) // 2 = 1 column on the left, 2 on the right; rows 2..3 of 5 (round(1.5) = 2)
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 6; x++) {
                assertEquals(x >= 1 && x <= 3 ? 255 : 0, rgb.sample(x, y, 0), "x=" + x);
            }
        }
        PixelValues pv = new Preprocessor(cfg).apply(DecodedImage.of(3, 5, ImageMode.RGB, px));
        assertEquals(2, pv.height());
        assertEquals(6, pv.width());
        assertEquals(1f, pv.get(2, 1, 2));
        assertEquals(0f, pv.get(2, 1, 5));
    }

    @Test
    void normalisationArithmeticFollowsEachReference() {
        DecodedImage px = DecodedImage.of(2, 2, ImageMode.RGB, new byte[] {0, (byte) 128, (byte) 255, 1, 2, 3, 0, 0, 0, 0, 0, 0});
        PixelValues clip = new Preprocessor(PreprocessConfig.clip(2)).apply(px);
        // torchvision: (x / 255f - mean) / std, all float32
        assertEquals((128 / 255f - 0.4578275f) / 0.26130258f, clip.get(1, 0, 0));
        assertEquals((3 / 255f - 0.40821073f) / 0.27577711f, clip.get(2, 0, 1));
        PixelValues siglip = new Preprocessor(PreprocessConfig.siglip(2)).apply(px);
        // HF: (float)(x * (1/255.0)) then (v - 0.5f) / 0.5f
        assertEquals(((float) (255 * (1 / 255.0)) - 0.5f) / 0.5f, siglip.get(2, 0, 0));
        assertEquals(-1f, siglip.get(0, 0, 0));
        assertEquals(1f, siglip.get(2, 0, 0));
    }

    @Test
    void convertOrderMattersForPaletteImages() {
        // A 2-colour palette image upscaled: CLIP (convert last) resizes indices with NEAREST, SigLIP
        // (convert first) resizes RGB with bicubic, so only SigLIP produces intermediate colours.
        byte[] idx = {0, 1, 1, 0};
        int[] colours = {0x000000, 0xFFFFFF};
        DecodedImage p = new DecodedImage(2, 2, ImageMode.P, idx, Palette.of(colours, null), null);
        PreprocessConfig last = PreprocessConfig.clip(8);
        PreprocessConfig first = new PreprocessConfig(PreprocessConfig.ResizeMode.SHORTEST_EDGE, 8, 0, 0, 8, 8,
                PreprocessConfig.CropRounding.TORCHVISION, Resample.BICUBIC, true,
                PreprocessConfig.Normalization.TORCHVISION, 1 / 255.0, PreprocessConfig.OPENAI_CLIP_MEAN,
                PreprocessConfig.OPENAI_CLIP_STD);
        for (byte b : new Preprocessor(last).toModelRgb(p).pixels()) {
            assertEquals(true, b == 0 || b == (byte) 255);
        }
        boolean intermediate = false;
        for (byte b : new Preprocessor(first).toModelRgb(p).pixels()) {
            intermediate |= b != 0 && b != (byte) 255;
        }
        assertEquals(true, intermediate);
    }

    @Test
    void huggingFaceConfigs() throws Exception {
        ObjectMapper json = new ObjectMapper();
        PreprocessConfig clip = PreprocessConfig.fromHuggingFace(json.readTree("""
                {"crop_size": {"height": 224, "width": 224}, "do_center_crop": true, "do_convert_rgb": true,
                 "do_normalize": true, "do_rescale": true, "do_resize": true,
                 "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_processor_type": "CLIPImageProcessor",
                 "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3,
                 "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": 224}}"""));
        assertEquals(PreprocessConfig.hfClip(224), clip);
        PreprocessConfig siglip = PreprocessConfig.fromHuggingFace(json.readTree("""
                {"do_normalize": true, "do_rescale": true, "do_resize": true, "image_mean": [0.5, 0.5, 0.5],
                 "image_processor_type": "SiglipImageProcessor", "image_std": [0.5, 0.5, 0.5], "resample": 3,
                 "rescale_factor": 0.00392156862745098, "size": {"height": 224, "width": 224}}"""));
        assertEquals(PreprocessConfig.siglip(224), siglip);
        PreprocessConfig vit = PreprocessConfig.fromHuggingFace(json.readTree("""
                {"image_processor_type": "ViTImageProcessor", "size": 384, "do_normalize": false}"""));
        assertEquals(PreprocessConfig.ResizeMode.SQUASH, vit.resizeMode());
        assertEquals(384, vit.resizeWidth());
        assertEquals(Resample.BILINEAR, vit.resample());
        assertArrayEquals(new float[] {1, 1, 1}, vit.std());
        assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.fromHuggingFace(json.readTree("""
                {"size": {"longest_edge": 100, "shortest_edge": 50}}""")));
    }

    @Test
    void configValidation() {
        assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.clip(0));
        assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.clip(224)
                .withMeanStd(new float[] {0, 0, 0}, new float[] {1, 0, 1}));
        assertEquals(Resample.BILINEAR, PreprocessConfig.clip(224).withResample(Resample.BILINEAR).resample());
        assertEquals(Resample.BICUBIC, Resample.parse("bicubic"));
        assertEquals(Resample.LANCZOS, Resample.parse("1"));
        assertThrows(IllegalArgumentException.class, () -> Resample.parse("cubic-ish"));
    }
}
