package io.clip4j.image;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.w3c.dom.Node;

/** Shared plumbing for the ImageIO-based decoders: reader lookup, warnings, size guard, metadata access. */
final class ImageIoSupport {

    private ImageIoSupport() {
    }

    /** A fresh reader for {@code formatName} (the highest-priority registered one). */
    static ImageReader reader(String formatName, String name) {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(formatName);
        if (!it.hasNext()) {
            throw new ImageDecodeException(name + ": no ImageIO reader for " + formatName + " is installed");
        }
        return it.next();
    }

    /** Attaches {@code in} to {@code reader} and records every warning it reports. */
    static List<String> attach(ImageReader reader, ImageInputStream in) {
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        reader.setInput(in, true, false);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        return warnings;
    }

    /** Refuses a width x height image above {@code maxPixels}, before any pixel is decoded. */
    static void checkPixels(String name, String what, long width, long height, long maxPixels) {
        if (width < 1 || height < 1) {
            throw new ImageDecodeException(name + ": invalid " + what + " size " + width + "x" + height);
        }
        if (width * height > maxPixels) {
            throw new ImageDecodeException(name + ": " + what + " of " + width + "x" + height + " = " + width * height
                    + " pixels exceeds the limit of " + maxPixels + " pixels (possible decompression bomb; "
                    + "raise it with the system property " + ImageLoader.MAX_PIXELS_PROPERTY
                    + " or ImageLoader(maxPixels))");
        }
    }

    /** Reader size of image 0, with the pixel guard applied. */
    static int[] guardedSize(ImageReader reader, String name, long maxPixels) throws IOException {
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        checkPixels(name, "image", w, h, maxPixels);
        return new int[] {w, h};
    }

    /** The root of {@code metadata} in its native format, or {@code null}. */
    static IIOMetadataNode nativeTree(IIOMetadata metadata) {
        if (metadata == null || metadata.getNativeMetadataFormatName() == null) {
            return null;
        }
        Node n = metadata.getAsTree(metadata.getNativeMetadataFormatName());
        return n instanceof IIOMetadataNode node ? node : null;
    }

    /** The first descendant element called {@code tag}, or {@code null}. */
    static IIOMetadataNode child(IIOMetadataNode root, String tag) {
        if (root == null) {
            return null;
        }
        var list = root.getElementsByTagName(tag);
        return list.getLength() == 0 ? null : (IIOMetadataNode) list.item(0);
    }

    static int intAttr(IIOMetadataNode node, String attr, int def) {
        if (node == null) {
            return def;
        }
        String v = node.getAttribute(attr);
        if (v == null || v.isEmpty()) {
            return def;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return def;
        }
    }

    static String strAttr(IIOMetadataNode node, String attr) {
        return node == null ? null : node.getAttribute(attr);
    }
}
