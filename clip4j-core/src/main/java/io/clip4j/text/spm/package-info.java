/**
 * SentencePiece in pure Java, for SigLIP's text tokenizer.
 *
 * <p>{@link io.clip4j.text.spm.SentencePieceModel} reads a {@code .model} file (a serialized
 * {@code sentencepiece.ModelProto}) and encodes and decodes exactly as the C++ library
 * ({@code SentencePieceProcessor}, version 0.1.97) does: normalization with the model's precompiled
 * charsmap and whitespace rules, unigram Viterbi or BPE merges (also CHAR and WORD models), user-defined
 * symbols, unknown-piece merging and byte fallback. {@link io.clip4j.text.spm.SiglipTokenizer} adds the
 * SigLIP text pipeline (lower-casing, punctuation removal, {@code </s>}, padding to 64) behind
 * {@link io.clip4j.text.Tokenizer}.
 */
package io.clip4j.text.spm;
