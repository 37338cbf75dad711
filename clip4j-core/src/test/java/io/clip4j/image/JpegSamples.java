package io.clip4j.image;

import org.w3c.dom.NodeList;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/** Generated JPEGs for the decoder tests: any size, quality, chroma subsampling, restart interval, grey or colour. */
final class JpegSamples {

    private JpegSamples() {
    }

    /** Photo-like content: gradients, a few hard edges and noise of {@code noise} levels (0 for smooth). */
    static BufferedImage content(int width, int height, boolean grey, int noise, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(width, height, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        int[] base = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
        int[] dx = {r.nextInt(9) - 4, r.nextInt(9) - 4, r.nextInt(9) - 4};
        int[] dy = {r.nextInt(9) - 4, r.nextInt(9) - 4, r.nextInt(9) - 4};
        int edgeX = r.nextInt(width);
        int bands = grey ? 1 : 3;
        int[] px = new int[bands];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < bands; c++) {
                    int v = base[c] + (dx[c] * x + dy[c] * y) / 3 + (x > edgeX + y / 3 ? 90 : 0);
                    if (noise > 0) {
                        v += r.nextInt(2 * noise + 1) - noise;
                    }
                    v &= 511;
                    px[c] = v > 255 ? 511 - v : v; // fold instead of clamp: keeps texture at the extremes
                }
                img.getRaster().setPixel(x, y, px);
            }
        }
        return img;
    }

    /**
     * Encodes with ImageIO's JPEG writer.
     *
     * @param sampling  luma sampling factors {h, v} (chroma is 1x1), e.g. {2, 2} for 4:2:0; ignored for grey
     * @param restart   restart interval in MCUs (0 for none)
     */
    static byte[] encode(BufferedImage img, float quality, int[] sampling, int restart, boolean progressive) {
        return encode(img, quality, sampling, restart, progressive, false);
    }

    /** As above; {@code optimizeHuffman} has the writer compute image-specific Huffman tables. */
    static byte[] encode(BufferedImage img, float quality, int[] sampling, int restart, boolean progressive,
                         boolean optimizeHuffman) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            if (optimizeHuffman) {
                ((javax.imageio.plugins.jpeg.JPEGImageWriteParam) p).setOptimizeHuffmanTables(true);
            }
            if (progressive) {
                p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img), p);
            String format = "javax_imageio_jpeg_image_1.0";
            IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
            IIOMetadataNode sof = (IIOMetadataNode) root.getElementsByTagName("sof").item(0);
            NodeList comps = sof.getElementsByTagName("componentSpec");
            if (comps.getLength() == 3) {
                IIOMetadataNode luma = (IIOMetadataNode) comps.item(0);
                luma.setAttribute("HsamplingFactor", Integer.toString(sampling[0]));
                luma.setAttribute("VsamplingFactor", Integer.toString(sampling[1]));
                for (int c = 1; c < 3; c++) {
                    ((IIOMetadataNode) comps.item(c)).setAttribute("HsamplingFactor", "1");
                    ((IIOMetadataNode) comps.item(c)).setAttribute("VsamplingFactor", "1");
                }
            }
            if (restart > 0) {
                IIOMetadataNode seq = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
                IIOMetadataNode dri = new IIOMetadataNode("dri");
                dri.setAttribute("interval", Integer.toString(restart));
                seq.insertBefore(dri, seq.getElementsByTagName("sos").item(0));
            }
            meta.setFromTree(format, root);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(img, null, meta), p);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /** The reference decode (ImageIO raster, planes, lookup tables). */
    static DecodedImage referenceDecode(byte[] jpeg, String name) {
        try (var in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            return JpegDecoder.decode(in, name, ImageLoader.DEFAULT_MAX_PIXELS, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
