package io.clip4j.train.io;

import io.clip4j.text.ClipBpeTokenizer;
import io.clip4j.text.Tokenizer;
import io.clip4j.text.spm.SiglipTokenizer;
import io.clip4j.train.model.ContrastiveModel;
import io.clip4j.train.model.ModelSpec;
import io.clip4j.weights.ModelFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tokenizer that goes with a model: SigLIP's SentencePiece model from its directory; for CLIP the
 * directory's {@code tokenizer.json} or {@code vocab.json} + {@code merges.txt} when present, otherwise the
 * bundled CLIP BPE; always with the model's context length.
 */
public final class ModelTokenizer {

    private ModelTokenizer() {
    }

    public static Tokenizer of(Path dir, ModelSpec spec) {
        int ctx = spec.text().contextLength();
        if (spec.family() == ContrastiveModel.Family.SIGLIP) {
            if (dir == null) {
                throw new ModelFormatException("a SigLIP model needs its directory with spiece.model for tokenizing");
            }
            SiglipTokenizer t = SiglipTokenizer.fromCheckpoint(dir);
            if (t.contextLength() != ctx) {
                t = SiglipTokenizer.builder(t.model()).contextLength(ctx).eosId(t.eosId()).padId(t.padId()).build();
            }
            return t;
        }
        try {
            if (dir != null && Files.isRegularFile(dir.resolve("tokenizer.json"))) {
                return ClipBpeTokenizer.fromTokenizerJson(dir.resolve("tokenizer.json"), ctx);
            }
            if (dir != null && Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt"))) {
                return ClipBpeTokenizer.fromVocabAndMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt"), ctx);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read the tokenizer: " + e.getMessage(), e);
        }
        ClipBpeTokenizer bundled = ClipBpeTokenizer.bundled();
        if (spec.text().vocabSize() != bundled.vocabSize()) {
            throw new ModelFormatException("the model's vocabulary has " + spec.text().vocabSize()
                    + " tokens, the CLIP BPE has " + bundled.vocabSize() + ": put the model's tokenizer.json (or vocab.json "
                    + "and merges.txt) next to it");
        }
        return bundled.withContextLength(ctx);
    }
}
