package io.clip4j.model;

import io.clip4j.nn.Trace;
import io.clip4j.tensor.Ops;

/** An image tower: normalised pixels {@code [batch, 3, size, size]} to features {@code [batch, outputDim]}. */
public interface ImageEncoder {

    /** The square input resolution the tower expects. */
    int imageSize();

    /** Width of one output feature row. */
    int outputDim();

    /** Runs the tower on {@code batch} images (NCHW float32). */
    float[] forward(Ops ops, float[] pixels, int batch, Trace trace);

    /** Floating-point operations (multiply and add counted separately) per image, for benchmarks. */
    long flopsPerImage();
}
