package io.clip4j.model;

import io.clip4j.text.ClipBpeTokenizer;
import io.clip4j.text.Tokenizer;
import io.clip4j.text.spm.SiglipTokenizer;
import io.clip4j.weights.ModelFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Chooses a model's tokenizer: the checkpoint's own files when present, else the family default. */
public final class ModelTokenizers {

    private ModelTokenizers() {
    }

    /**
     * CLIP: HF {@code tokenizer.json}, else {@code vocab.json} + {@code merges.txt}, else the bundled CLIP BPE
     * when the model has its 49408-token vocabulary.
     */
    public static Tokenizer clip(ModelFiles files, TextConfig text) {
        int ctx = text.contextLength();
        ClipBpeTokenizer tok;
        try {
            Path json = files.sibling("tokenizer.json");
            Path vocab = files.sibling("vocab.json");
            Path merges = files.sibling("merges.txt");
            if (json != null) {
                tok = ClipBpeTokenizer.fromTokenizerJson(json, ctx);
            } else if (vocab != null && merges != null) {
                tok = ClipBpeTokenizer.fromVocabAndMerges(vocab, merges, ctx);
            } else if (text.vocabSize() == 49408) {
                tok = ClipBpeTokenizer.bundled().withContextLength(ctx);
            } else {
                throw new IllegalStateException(files.dir() + ": the model's vocabulary has " + text.vocabSize()
                        + " tokens, not the CLIP BPE's 49408, and the checkpoint ships no tokenizer files "
                        + "(tokenizer.json, or vocab.json + merges.txt)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tok.vocabSize() > text.vocabSize()) {
            throw new ModelFormatException(files.dir() + ": the tokenizer has " + tok.vocabSize()
                    + " tokens but the model's embedding only " + text.vocabSize());
        }
        return tok;
    }

    /** SigLIP: {@code spiece.model} (+ {@code tokenizer_config.json}) from the checkpoint, padded to the model's length. */
    public static Tokenizer siglip(ModelFiles files, TextConfig text) {
        if (files.sibling("spiece.model") == null) {
            throw new IllegalStateException(files.dir() + ": no spiece.model: SigLIP text needs the checkpoint's "
                    + "SentencePiece model (spiece.model)");
        }
        SiglipTokenizer t = SiglipTokenizer.fromCheckpoint(files.dir());
        if (t.contextLength() != text.contextLength()) {
            t = t.withContextLength(text.contextLength());
        }
        if (t.model().vocabSize() > text.vocabSize()) {
            throw new ModelFormatException(files.dir() + ": spiece.model has " + t.model().vocabSize()
                    + " pieces but the model's embedding only " + text.vocabSize());
        }
        return t;
    }
}
