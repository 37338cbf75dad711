/**
 * Training for clip4j (a separate module: inference users do not depend on it). {@link io.clip4j.train.Trainer}
 * runs contrastive training from a {@link io.clip4j.train.TrainConfig}; {@link io.clip4j.train.TrainStep} gives
 * the loss, gradients and AdamW steps of one batch for comparisons with PyTorch; {@link io.clip4j.train.TrainBenchmark}
 * measures training throughput.
 *
 * <p>Packages: {@code autograd} (a reverse-mode tape over the core's kernels), {@code nn} (trainable layers named
 * as in the checkpoints), {@code model} (CLIP and SigLIP towers, construction, initialisation), {@code loss}
 * (CLIP's symmetric cross-entropy, SigLIP's sigmoid loss, both chunked), {@code optim} (AdamW, cosine schedule,
 * gradient clipping), {@code data} (image-caption pairs, Fashion-MNIST captions, batching), {@code eval}
 * (Fashion-MNIST zero-shot and linear probe), {@code io} (checkpoints PyTorch and clip4j load).
 */
package io.clip4j.train;
