package io.clip4j.image;

import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.Raster;
import java.io.IOException;

/**
 * The first frame of a GIF, the way Pillow 9.4 opens it: the canvas has the logical screen size
 * (grown if the frame extends past it), the frame is placed at its offset, and the rest of the canvas
 * holds the transparent index (or 0). The mode is P with the frame's palette (local, else global),
 * or L when that palette is the identity grey ramp or absent (Pillow's {@code _is_palette_needed}).
 */
final class GifDecoder {

    private GifDecoder() {
    }

    static DecodedImage decode(ImageInputStream in, String name, long maxPixels) throws IOException {
        ImageReader reader = ImageIoSupport.reader("gif", null, name);
        try {
            ImageIoSupport.attach(reader, in);
            IIOMetadataNode stream = ImageIoSupport.nativeTree(reader.getStreamMetadata());
            IIOMetadataNode screen = ImageIoSupport.child(stream, "LogicalScreenDescriptor");
            int screenW = ImageIoSupport.intAttr(screen, "logicalScreenWidth", 0);
            int screenH = ImageIoSupport.intAttr(screen, "logicalScreenHeight", 0);
            ImageIoSupport.checkPixels(name, "GIF screen", Math.max(screenW, 1), Math.max(screenH, 1), maxPixels);
            int[] frameSize = ImageIoSupport.guardedSize(reader, name, maxPixels);
            IIOMetadataNode image = ImageIoSupport.nativeTree(reader.getImageMetadata(0));
            IIOMetadataNode desc = ImageIoSupport.child(image, "ImageDescriptor");
            int left = ImageIoSupport.intAttr(desc, "imageLeftPosition", 0);
            int top = ImageIoSupport.intAttr(desc, "imageTopPosition", 0);
            int w = Math.max(screenW, left + frameSize[0]);
            int h = Math.max(screenH, top + frameSize[1]);
            ImageIoSupport.checkPixels(name, "GIF canvas", w, h, maxPixels);

            IIOMetadataNode gce = ImageIoSupport.child(image, "GraphicControlExtension");
            int transparent = gce != null && "TRUE".equalsIgnoreCase(gce.getAttribute("transparentColorFlag"))
                    ? ImageIoSupport.intAttr(gce, "transparentColorIndex", -1) : -1;

            int[] table = colorTable(ImageIoSupport.child(image, "LocalColorTable"));
            if (table == null) {
                table = colorTable(ImageIoSupport.child(stream, "GlobalColorTable"));
            }
            Raster raster = reader.read(0).getRaster();
            byte[] px = new byte[Math.multiplyExact(w, h)];
            if (transparent > 0) {
                java.util.Arrays.fill(px, (byte) transparent);
            }
            int[] row = new int[raster.getWidth()];
            for (int y = 0; y < raster.getHeight(); y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, raster.getWidth(), 1, 0, row);
                int o = (top + y) * w + left;
                for (int x = 0; x < row.length; x++) {
                    px[o + x] = (byte) row[x];
                }
            }
            if (table == null) {
                return new DecodedImage(w, h, ImageMode.L, px, null, "GIF");
            }
            byte[] alpha = null;
            if (transparent >= 0 && transparent < 256) {
                alpha = new byte[256];
                java.util.Arrays.fill(alpha, (byte) 255);
                alpha[transparent] = 0;
            }
            return new DecodedImage(w, h, ImageMode.P, px, Palette.of(table, alpha), "GIF");
        } finally {
            reader.dispose();
        }
    }

    /** The table's entries as 0xRRGGBB, or {@code null} if absent or the identity grey ramp. */
    private static int[] colorTable(IIOMetadataNode node) {
        if (node == null) {
            return null;
        }
        int declared = ImageIoSupport.intAttr(node, "sizeOfGlobalColorTable",
                ImageIoSupport.intAttr(node, "sizeOfLocalColorTable", 0));
        var entries = node.getElementsByTagName("ColorTableEntry");
        int n = Math.max(declared, entries.getLength());
        int[] table = new int[Math.min(n, 256)];
        for (int i = 0; i < entries.getLength(); i++) {
            IIOMetadataNode e = (IIOMetadataNode) entries.item(i);
            int idx = ImageIoSupport.intAttr(e, "index", -1);
            if (idx >= 0 && idx < table.length) {
                table[idx] = ImageIoSupport.intAttr(e, "red", 0) << 16 | ImageIoSupport.intAttr(e, "green", 0) << 8
                        | ImageIoSupport.intAttr(e, "blue", 0);
            }
        }
        boolean ramp = true;
        for (int i = 0; i < table.length && ramp; i++) {
            ramp = table[i] == (i << 16 | i << 8 | i);
        }
        return ramp ? null : table;
    }
}
