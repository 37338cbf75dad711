/** Saving trained models as checkpoints (safetensors and configs) that clip4j and PyTorch load. */
package io.clip4j.train.io;
