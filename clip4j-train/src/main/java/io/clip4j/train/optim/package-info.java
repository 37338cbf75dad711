/** AdamW as {@code torch.optim.AdamW} computes it, a cosine schedule with warm-up, and global-norm gradient clipping. */
package io.clip4j.train.optim;
