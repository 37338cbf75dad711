/**
 * Trainable CLIP (OpenAI and HF layouts; ViT and ModifiedResNet image towers) and SigLIP models, built from the
 * core's configs ({@link io.clip4j.model.clip.ClipConfig}, {@link io.clip4j.model.siglip.SiglipVisionConfig}) by
 * {@link io.clip4j.train.model.ModelFactory}, with the semantics of the inference classes in the core.
 */
package io.clip4j.train.model;
