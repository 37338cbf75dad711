/**
 * Image decoding and preprocessing that reproduce the Python reference pipelines bit for bit.
 *
 * <p>{@link io.clip4j.image.ImageLoader} decodes JPEG, PNG, GIF, BMP and WebP into a
 * {@link io.clip4j.image.DecodedImage} that keeps PIL's mode (1, L, LA, P, RGB, RGBA, CMYK);
 * {@link io.clip4j.image.PilResize} and {@link io.clip4j.image.PilConvert} are Pillow 9.4's resize and
 * {@code convert("RGB")}; {@link io.clip4j.image.Preprocessor} chains them per a
 * {@link io.clip4j.image.PreprocessConfig} (OpenAI CLIP / torchvision, SigLIP and other Hugging Face
 * image processors) into float32 CHW {@link io.clip4j.image.PixelValues}.
 *
 * <p>Known differences from PIL (9.4, libjpeg-turbo 2.1, libwebp):
 * <ul>
 *   <li>16-bit grayscale PNG: PIL opens mode "I" and {@code convert("RGB")} clips it to mostly white;
 *       here it is scaled to L by its high byte (deliberate).</li>
 *   <li>JPEG with extreme quantisation (e.g. quality 5, 16-bit quantisation tables) where the IDCT
 *       output lands far outside 0..255: IJG libjpeg (inside ImageIO) wraps such values through its
 *       range-limit table, libjpeg-turbo's SIMD IDCT saturates them; a few pixels differ. Ordinary
 *       photos decode identically (baseline, progressive, 4:4:4, 4:2:2, 4:2:0, 4:4:0, 4:1:1,
 *       grayscale, RGB, CMYK, YCCK were checked).</li>
 *   <li>Arithmetic-coded, lossless, hierarchical and 12-bit JPEGs are refused (ImageIO's libjpeg
 *       cannot decode them).</li>
 *   <li>Lossy WebP is decoded by TwelveMonkeys' VP8 decoder, whose YUV to RGB conversion differs
 *       from libwebp's by a few levels; lossless WebP is exact.</li>
 *   <li>Stricter than PIL: any sign of truncated or corrupt data (libjpeg warnings about missing or
 *       undecodable scan data, short GIF LZW data, a file shorter than its WebP chunk sizes) is an
 *       {@link io.clip4j.image.ImageDecodeException}, where PIL sometimes returns a partly grey image.</li>
 *   <li>HAMMING and LANCZOS weights use Java's {@code Math.sin}/{@code cos}, which may differ from
 *       the C library in the last bit; this could change a fixed-point weight in rare cases (none of
 *       the checked cases differ).</li>
 * </ul>
 * EXIF orientation is never applied and ICC profiles are ignored, exactly like the reference pipelines.
 */
package io.clip4j.image;
