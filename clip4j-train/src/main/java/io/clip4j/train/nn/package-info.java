/**
 * Trainable layers whose parameters carry the checkpoint's own keys ({@code ln_1.weight},
 * {@code attn.in_proj_weight}, {@code self_attn.q_proj.bias}, ...), declared in a
 * {@link io.clip4j.train.nn.ParameterStore} that reads them from a checkpoint or allocates them for a new model.
 */
package io.clip4j.train.nn;
