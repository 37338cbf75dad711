package io.clip4j.image;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How an image becomes model input: resize, optional centre crop, conversion to RGB, rescale and
 * normalisation. Each step mirrors one reference implementation exactly, see the enums.
 *
 * @param resizeMode     how the image is resized
 * @param shortestEdge   {@link ResizeMode#SHORTEST_EDGE}: length of the short side after resizing
 * @param resizeWidth    {@link ResizeMode#SQUASH}: output width of the resize
 * @param resizeHeight   {@link ResizeMode#SQUASH}: output height of the resize
 * @param cropWidth      centre-crop width, 0 for no crop (then {@code cropHeight} must be 0 too)
 * @param cropHeight     centre-crop height, 0 for no crop
 * @param cropRounding   how crop offsets are rounded
 * @param resample       PIL filter used for the resize (P and 1 images always use NEAREST, as in PIL)
 * @param convertRgbFirst {@code true}: {@code convert("RGB")} before resizing (Hugging Face image
 *                       processors); {@code false}: after resize and crop (OpenAI CLIP's torchvision
 *                       transform, which resizes P images with NEAREST and RGBA premultiplied)
 * @param normalization  float arithmetic of rescale + normalise
 * @param rescaleFactor  {@link Normalization#HUGGING_FACE}: the factor ({@code 1/255}; 1 for
 *                       {@code do_rescale=false}); ignored by {@link Normalization#TORCHVISION}
 * @param mean           per-channel mean (R, G, B); zeros with unit {@code std} disable normalisation
 * @param std            per-channel standard deviation (R, G, B)
 */
public record PreprocessConfig(
        ResizeMode resizeMode,
        int shortestEdge,
        int resizeWidth,
        int resizeHeight,
        int cropWidth,
        int cropHeight,
        CropRounding cropRounding,
        Resample resample,
        boolean convertRgbFirst,
        Normalization normalization,
        double rescaleFactor,
        float[] mean,
        float[] std) {

    /** OpenAI CLIP's per-channel mean. */
    public static final float[] OPENAI_CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** OpenAI CLIP's per-channel standard deviation. */
    public static final float[] OPENAI_CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    /** How the resize target is chosen. */
    public enum ResizeMode {
        /**
         * Short side to {@code shortestEdge}, long side to {@code int(shortestEdge * long / short)}
         * (torchvision {@code Resize(int)}, HF {@code size={"shortest_edge": n}}).
         */
        SHORTEST_EDGE,
        /** Exactly {@code resizeWidth x resizeHeight}, aspect ratio not kept (SigLIP, HF ViT). */
        SQUASH,
        /** No resize. */
        NONE
    }

    /** How centre-crop offsets are computed. */
    public enum CropRounding {
        /**
         * torchvision {@code CenterCrop}: {@code int(round((size - crop) / 2))} with Python's
         * half-to-even rounding; a crop larger than the image pads with zeros (pad (crop-size)//2 before).
         */
        TORCHVISION,
        /** Hugging Face {@code center_crop}: {@code (size - crop) // 2}, zero padding where larger. */
        HUGGING_FACE
    }

    /** Float arithmetic for turning 8-bit samples into model input. */
    public enum Normalization {
        /** torchvision: {@code ToTensor} ({@code x / 255} in float32), then {@code (v - mean) / std} in float32. */
        TORCHVISION,
        /**
         * Hugging Face: {@code x * rescaleFactor} in float64, cast to float32, then {@code (v - mean) / std}
         * in float32.
         */
        HUGGING_FACE
    }

    public PreprocessConfig {
        Objects.requireNonNull(resizeMode, "resizeMode");
        Objects.requireNonNull(cropRounding, "cropRounding");
        Objects.requireNonNull(resample, "resample");
        Objects.requireNonNull(normalization, "normalization");
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        for (float s : std) {
            if (s == 0f || Float.isNaN(s)) {
                throw new IllegalArgumentException("std must be non-zero: " + Arrays.toString(std));
            }
        }
        if (resizeMode == ResizeMode.SHORTEST_EDGE && shortestEdge < 1) {
            throw new IllegalArgumentException("shortestEdge must be positive, got " + shortestEdge);
        }
        if (resizeMode == ResizeMode.SQUASH && (resizeWidth < 1 || resizeHeight < 1)) {
            throw new IllegalArgumentException("resize size must be positive, got " + resizeWidth + "x" + resizeHeight);
        }
        if (cropWidth < 0 || cropHeight < 0 || (cropWidth == 0) != (cropHeight == 0)) {
            throw new IllegalArgumentException("crop size must be both positive or both 0, got "
                    + cropWidth + "x" + cropHeight);
        }
        if (!(rescaleFactor > 0) || Double.isInfinite(rescaleFactor)) {
            throw new IllegalArgumentException("rescaleFactor must be positive, got " + rescaleFactor);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * OpenAI CLIP's {@code _transform(size)}: Resize(size, BICUBIC) on the shortest edge,
     * CenterCrop(size), convert("RGB") afterwards, ToTensor, Normalize(OpenAI mean/std).
     */
    public static PreprocessConfig clip(int size) {
        return new PreprocessConfig(ResizeMode.SHORTEST_EDGE, size, 0, 0, size, size, CropRounding.TORCHVISION,
                Resample.BICUBIC, false, Normalization.TORCHVISION, 1.0 / 255, OPENAI_CLIP_MEAN, OPENAI_CLIP_STD);
    }

    /**
     * Hugging Face SigLIP: convert("RGB"), resize to {@code size x size} BICUBIC (no crop),
     * {@code x * (1/255)}, {@code (v - 0.5) / 0.5}.
     */
    public static PreprocessConfig siglip(int size) {
        float[] half = {0.5f, 0.5f, 0.5f};
        return new PreprocessConfig(ResizeMode.SQUASH, 0, size, size, 0, 0, CropRounding.HUGGING_FACE,
                Resample.BICUBIC, true, Normalization.HUGGING_FACE, 1.0 / 255, half, half);
    }

    /**
     * Hugging Face {@code CLIPImageProcessor} defaults: convert("RGB") first, shortest edge to
     * {@code size} BICUBIC, centre crop {@code size} with floor offsets, OpenAI mean/std.
     */
    public static PreprocessConfig hfClip(int size) {
        return new PreprocessConfig(ResizeMode.SHORTEST_EDGE, size, 0, 0, size, size, CropRounding.HUGGING_FACE,
                Resample.BICUBIC, true, Normalization.HUGGING_FACE, 1.0 / 255, OPENAI_CLIP_MEAN, OPENAI_CLIP_STD);
    }

    /**
     * A config from a Hugging Face {@code preprocessor_config.json} (already parsed). Understands
     * {@code do_resize}, {@code size} (an int, {@code {"shortest_edge"}} or {@code {"height","width"}}),
     * {@code resample}, {@code do_center_crop}, {@code crop_size}, {@code do_rescale},
     * {@code rescale_factor}, {@code do_normalize}, {@code image_mean}, {@code image_std}. Defaults
     * follow the processor class named by {@code image_processor_type} (or {@code feature_extractor_type}):
     * CLIP-like processors default to shortest-edge resize, centre crop and bicubic; others (SigLIP,
     * ViT) to a square resize without crop. RGB conversion always happens first, as those processors do
     * it for every input a model can take.
     *
     * @throws IllegalArgumentException for sizes or values this class cannot represent
     */
    public static PreprocessConfig fromHuggingFace(JsonNode json) {
        String type = text(json, "image_processor_type", text(json, "feature_extractor_type", ""));
        String t = type.toLowerCase(Locale.ROOT);
        boolean clipLike = t.contains("clip");
        boolean vit = t.startsWith("vit") || t.startsWith("deit");
        Resample resample = json.hasNonNull("resample")
                ? Resample.fromPilCode(json.get("resample").asInt())
                : (vit ? Resample.BILINEAR : Resample.BICUBIC);

        ResizeMode mode = ResizeMode.NONE;
        int edge = 0;
        int rw = 0;
        int rh = 0;
        if (bool(json, "do_resize", true)) {
            JsonNode size = json.get("size");
            if (size == null || size.isNull()) {
                size = json.get("image_size"); // very old feature extractors
            }
            if (size == null || size.isNull()) {
                throw new IllegalArgumentException("preprocessor config has do_resize but no size");
            } else if (size.isInt()) {
                if (clipLike) {
                    mode = ResizeMode.SHORTEST_EDGE;
                    edge = size.asInt();
                } else {
                    mode = ResizeMode.SQUASH;
                    rw = rh = size.asInt();
                }
            } else if (size.has("shortest_edge")) {
                if (size.has("longest_edge")) {
                    throw new IllegalArgumentException("size with longest_edge is not supported: " + size);
                }
                mode = ResizeMode.SHORTEST_EDGE;
                edge = size.get("shortest_edge").asInt();
            } else if (size.has("height") && size.has("width")) {
                mode = ResizeMode.SQUASH;
                rw = size.get("width").asInt();
                rh = size.get("height").asInt();
            } else {
                throw new IllegalArgumentException("unsupported size in preprocessor config: " + size);
            }
        }
        int cw = 0;
        int ch = 0;
        if (bool(json, "do_center_crop", clipLike)) {
            JsonNode crop = json.get("crop_size");
            if (crop == null || crop.isNull()) {
                throw new IllegalArgumentException("preprocessor config has do_center_crop but no crop_size");
            } else if (crop.isInt()) {
                cw = ch = crop.asInt();
            } else if (crop.has("height") && crop.has("width")) {
                cw = crop.get("width").asInt();
                ch = crop.get("height").asInt();
            } else {
                throw new IllegalArgumentException("unsupported crop_size in preprocessor config: " + crop);
            }
        }
        double rescale = bool(json, "do_rescale", true)
                ? (json.hasNonNull("rescale_factor") ? json.get("rescale_factor").asDouble() : 1.0 / 255) : 1.0;
        float[] mean = {0f, 0f, 0f};
        float[] std = {1f, 1f, 1f};
        if (bool(json, "do_normalize", true)) {
            float[] defMean = clipLike ? OPENAI_CLIP_MEAN : new float[] {0.5f, 0.5f, 0.5f};
            float[] defStd = clipLike ? OPENAI_CLIP_STD : new float[] {0.5f, 0.5f, 0.5f};
            mean = triple(json.get("image_mean"), defMean);
            std = triple(json.get("image_std"), defStd);
        }
        return new PreprocessConfig(mode, edge, rw, rh, cw, ch, CropRounding.HUGGING_FACE, resample, true,
                Normalization.HUGGING_FACE, rescale, mean, std);
    }

    /**
     * timm's evaluation transform from a {@code pretrained_cfg}: {@code input_size}, {@code interpolation},
     * {@code crop_pct} (resize the short side to {@code floor(size / crop_pct)} then centre-crop {@code size}),
     * {@code crop_mode} ({@code center} or {@code squash}), {@code mean}, {@code std}; torchvision arithmetic,
     * RGB conversion first (timm's datasets convert on load).
     *
     * @param fallbackSize input size when the config has none
     */
    public static PreprocessConfig fromTimm(JsonNode cfg, int fallbackSize) {
        int size = fallbackSize;
        JsonNode in = cfg.get("input_size");
        if (in != null && in.isArray() && in.size() == 3) {
            if (in.get(1).asInt() != in.get(2).asInt()) {
                throw new IllegalArgumentException("non-square timm input_size " + in + " is not supported");
            }
            size = in.get(2).asInt();
        }
        Resample resample = Resample.parse(text(cfg, "interpolation", "bicubic"));
        double cropPct = cfg.hasNonNull("crop_pct") ? cfg.get("crop_pct").asDouble() : 0.875;
        int scale = (int) Math.floor(size / cropPct);
        String mode = text(cfg, "crop_mode", "center");
        float[] mean = triple(cfg.get("mean"), new float[]{0.485f, 0.456f, 0.406f});
        float[] std = triple(cfg.get("std"), new float[]{0.229f, 0.224f, 0.225f});
        return switch (mode) {
            case "center" -> new PreprocessConfig(ResizeMode.SHORTEST_EDGE, scale, 0, 0, size, size,
                    CropRounding.TORCHVISION, resample, true, Normalization.TORCHVISION, 1.0 / 255, mean, std);
            case "squash" -> new PreprocessConfig(ResizeMode.SQUASH, 0, scale, scale, size, size,
                    CropRounding.TORCHVISION, resample, true, Normalization.TORCHVISION, 1.0 / 255, mean, std);
            default -> throw new IllegalArgumentException("timm crop_mode '" + mode + "' is not supported (center, squash)");
        };
    }

    /** timm's defaults for a ViT without a {@code pretrained_cfg}: bicubic, crop_pct 0.875, ImageNet mean/std. */
    public static PreprocessConfig timmDefault(int size) {
        return fromTimm(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), size);
    }

    /**
     * open_clip's evaluation transform from {@code open_clip_config.json}'s {@code preprocess_cfg}:
     * {@code resize_mode} {@code shortest} (resize + centre crop) or {@code squash}, {@code interpolation},
     * {@code mean}, {@code std}; RGB conversion after resizing, torchvision arithmetic, as OpenAI CLIP.
     */
    public static PreprocessConfig fromOpenClip(JsonNode cfg, int size) {
        Resample resample = Resample.parse(text(cfg, "interpolation", "bicubic"));
        float[] mean = triple(cfg.get("mean"), OPENAI_CLIP_MEAN);
        float[] std = triple(cfg.get("std"), OPENAI_CLIP_STD);
        String mode = text(cfg, "resize_mode", "shortest");
        return switch (mode) {
            case "shortest" -> new PreprocessConfig(ResizeMode.SHORTEST_EDGE, size, 0, 0, size, size,
                    CropRounding.TORCHVISION, resample, false, Normalization.TORCHVISION, 1.0 / 255, mean, std);
            case "squash" -> new PreprocessConfig(ResizeMode.SQUASH, 0, size, size, 0, 0,
                    CropRounding.TORCHVISION, resample, false, Normalization.TORCHVISION, 1.0 / 255, mean, std);
            default -> throw new IllegalArgumentException("open_clip resize_mode '" + mode
                    + "' is not supported (shortest, squash)");
        };
    }

    /** The Hugging Face {@code ViTImageProcessor} defaults: squash to {@code size}, bilinear, mean = std = 0.5. */
    public static PreprocessConfig hfVit(int size) {
        float[] half = {0.5f, 0.5f, 0.5f};
        return new PreprocessConfig(ResizeMode.SQUASH, 0, size, size, 0, 0, CropRounding.HUGGING_FACE,
                Resample.BILINEAR, true, Normalization.HUGGING_FACE, 1.0 / 255, half, half);
    }

    private static String text(JsonNode json, String key, String def) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? def : n.asText();
    }

    private static boolean bool(JsonNode json, String key, boolean def) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? def : n.asBoolean();
    }

    private static float[] triple(JsonNode n, float[] def) {
        if (n == null || n.isNull()) {
            return def.clone();
        }
        if (n.isNumber()) {
            float v = (float) n.asDouble();
            return new float[] {v, v, v};
        }
        if (!n.isArray() || n.size() != 3) {
            throw new IllegalArgumentException("expected 3 per-channel values, got " + n);
        }
        return new float[] {(float) n.get(0).asDouble(), (float) n.get(1).asDouble(), (float) n.get(2).asDouble()};
    }

    /** This config with another resampling filter. */
    public PreprocessConfig withResample(Resample filter) {
        return new PreprocessConfig(resizeMode, shortestEdge, resizeWidth, resizeHeight, cropWidth, cropHeight,
                cropRounding, filter, convertRgbFirst, normalization, rescaleFactor, mean, std);
    }

    /** This config with another mean and standard deviation. */
    public PreprocessConfig withMeanStd(float[] newMean, float[] newStd) {
        return new PreprocessConfig(resizeMode, shortestEdge, resizeWidth, resizeHeight, cropWidth, cropHeight,
                cropRounding, resample, convertRgbFirst, normalization, rescaleFactor, newMean, newStd);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Whether a centre crop is applied. */
    public boolean crops() {
        return cropWidth > 0;
    }

    /**
     * The size {@code [width, height]} the resize step produces for a {@code width x height} input.
     */
    public int[] resizedSize(int width, int height) {
        return switch (resizeMode) {
            case NONE -> new int[] {width, height};
            case SQUASH -> new int[] {resizeWidth, resizeHeight};
            case SHORTEST_EDGE -> {
                boolean landscape = width > height; // torchvision: short, long = (w, h) if w <= h
                int shortSide = landscape ? height : width;
                int longSide = landscape ? width : height;
                if (shortSide == shortestEdge) {
                    yield new int[] {width, height};
                }
                // Python: int(size * long / short), a true division of ints then truncation.
                int newLong = (int) ((double) ((long) shortestEdge * longSide) / shortSide);
                newLong = Math.max(newLong, 1);
                yield landscape ? new int[] {newLong, shortestEdge} : new int[] {shortestEdge, newLong};
            }
        };
    }

    /**
     * The crop box origin {@code [left, top]} for an image of the given size (may be negative where
     * the crop is larger than the image and zero padding is added).
     */
    public int[] cropOffsets(int width, int height) {
        return new int[] {cropOffset(width, cropWidth), cropOffset(height, cropHeight)};
    }

    private int cropOffset(int size, int crop) {
        if (cropRounding == CropRounding.HUGGING_FACE) {
            return Math.floorDiv(size - crop, 2);
        }
        if (crop > size) {
            return -((crop - size) / 2);
        }
        return (int) Math.rint((size - crop) / 2.0); // Python round(): half to even
    }

    /** Height and width of the output tensor for an input of the given size. */
    public int[] outputSize(int width, int height) {
        if (crops()) {
            return new int[] {cropWidth, cropHeight};
        }
        return resizedSize(width, height);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessConfig p && resizeMode == p.resizeMode && shortestEdge == p.shortestEdge
                && resizeWidth == p.resizeWidth && resizeHeight == p.resizeHeight && cropWidth == p.cropWidth
                && cropHeight == p.cropHeight && cropRounding == p.cropRounding && resample == p.resample
                && convertRgbFirst == p.convertRgbFirst && normalization == p.normalization
                && Double.compare(rescaleFactor, p.rescaleFactor) == 0 && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resizeMode, shortestEdge, resizeWidth, resizeHeight, cropWidth, cropHeight, cropRounding,
                resample, convertRgbFirst, normalization, rescaleFactor, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "PreprocessConfig[" + resizeMode
                + switch (resizeMode) {
                    case SHORTEST_EDGE -> " " + shortestEdge;
                    case SQUASH -> " " + resizeWidth + "x" + resizeHeight;
                    case NONE -> "";
                }
                + (crops() ? ", crop " + cropWidth + "x" + cropHeight + " (" + cropRounding + ")" : "")
                + ", " + resample + ", rgb " + (convertRgbFirst ? "first" : "last") + ", " + normalization
                + ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + "]";
    }
}
