/**
 * Training pairs: a folder of images with a captions file (CSV or JSON lines), and Fashion-MNIST with captions
 * built from its labels; augmentation and deterministic shuffled batches.
 */
package io.clip4j.train.data;
