package io.clip4j.train.model;

import io.clip4j.model.TokenBatch;
import io.clip4j.train.autograd.Indexing;
import io.clip4j.train.autograd.Norms;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;
import io.clip4j.train.loss.ClipLoss;
import io.clip4j.train.loss.SiglipLoss;
import io.clip4j.train.nn.ParameterStore;

/**
 * A trainable two-tower model: an image tower, a text tower, the learned temperature {@code logit_scale}
 * and, for SigLIP, {@code logit_bias}. Parameters carry the checkpoint's own names, so the model is saved
 * in the layout it was loaded from.
 */
public final class ContrastiveModel {

    /** Which model family (and therefore which checkpoint layout and default loss). */
    public enum Family { CLIP, SIGLIP }

    /** Which training objective. */
    public enum LossKind {
        /** Symmetric cross-entropy over the batch (CLIP). */
        CLIP,
        /** Pairwise sigmoid loss with a learned bias (SigLIP). */
        SIGLIP
    }

    private final Family family;
    private final ModelSpec spec;
    private final ParameterStore parameters;
    private final ImageTower visual;
    private final TextTower text;
    private final Variable logitScale;
    private final Variable logitBias;

    ContrastiveModel(Family family, ModelSpec spec, ParameterStore parameters, ImageTower visual, TextTower text,
                     Variable logitScale, Variable logitBias) {
        this.family = family;
        this.spec = spec;
        this.parameters = parameters;
        this.visual = visual;
        this.text = text;
        this.logitScale = logitScale;
        this.logitBias = logitBias;
    }

    public Family family() {
        return family;
    }

    /** The architecture and layout (for saving and for logs). */
    public ModelSpec spec() {
        return spec;
    }

    public ParameterStore parameters() {
        return parameters;
    }

    public ImageTower visual() {
        return visual;
    }

    public TextTower text() {
        return text;
    }

    public Variable logitScale() {
        return logitScale;
    }

    /** SigLIP's learned bias, or null for CLIP. */
    public Variable logitBias() {
        return logitBias;
    }

    /** The loss a model of this family was trained with. */
    public LossKind defaultLoss() {
        return family == Family.SIGLIP ? LossKind.SIGLIP : LossKind.CLIP;
    }

    /** Activation recomputation per transformer block in both towers. */
    public void setRecompute(boolean recompute) {
        visual.setRecompute(recompute);
        text.setRecompute(recompute);
    }

    /** Patch dropout of the image tower for the following forward passes (see {@link PatchDropout}). */
    public void setPatchDropout(PatchDropout dropout) {
        visual.setPatchDropout(dropout);
    }

    /** L2-normalised image embeddings {@code [batch, embed]}. */
    public Variable encodeImages(Tape tape, float[] pixels, int batch) {
        return Norms.l2Normalize(tape, visual.forward(tape, pixels, batch));
    }

    /**
     * L2-normalised text embeddings {@code [batch, embed]}. A text that occurs several times in the batch
     * (captions built from templates repeat) goes through the tower once; its rows are then copied, and
     * their gradients summed, exactly as if each copy had been computed.
     */
    public Variable encodeTexts(Tape tape, TokenBatch tokens) {
        int batch = tokens.batch();
        int len = tokens.length();
        java.util.Map<TextKey, Integer> first = new java.util.HashMap<>();
        int[] index = new int[batch];
        java.util.List<Integer> unique = new java.util.ArrayList<>();
        for (int b = 0; b < batch; b++) {
            TextKey key = new TextKey(tokens, b);
            Integer u = first.get(key);
            if (u == null) {
                u = unique.size();
                first.put(key, u);
                unique.add(b);
            }
            index[b] = u;
        }
        if (unique.size() == batch) {
            return Norms.l2Normalize(tape, text.forward(tape, tokens));
        }
        long[] ids = new long[unique.size() * len];
        long[] mask = tokens.attentionMask() == null ? null : new long[ids.length];
        for (int u = 0; u < unique.size(); u++) {
            System.arraycopy(tokens.ids(), unique.get(u) * len, ids, u * len, len);
            if (mask != null) {
                System.arraycopy(tokens.attentionMask(), unique.get(u) * len, mask, u * len, len);
            }
        }
        Variable emb = Norms.l2Normalize(tape, text.forward(tape, new TokenBatch(ids, mask, unique.size(), len)));
        return Indexing.selectRows(tape, emb, index);
    }

    /** One text of a token batch (ids and mask) as a hash key. */
    private record TextKey(TokenBatch tokens, int row) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof TextKey k)) {
                return false;
            }
            int len = tokens.length();
            return java.util.Arrays.equals(tokens.ids(), row * len, (row + 1) * len, k.tokens.ids(), k.row * len,
                    (k.row + 1) * len)
                    && (tokens.attentionMask() == null || java.util.Arrays.equals(tokens.attentionMask(), row * len,
                    (row + 1) * len, k.tokens.attentionMask(), k.row * len, (k.row + 1) * len));
        }

        @Override
        public int hashCode() {
            int len = tokens.length();
            int h = 1;
            for (int i = row * len; i < (row + 1) * len; i++) {
                h = 31 * h + Long.hashCode(tokens.ids()[i]);
            }
            return h;
        }
    }

    /**
     * The loss of a batch of matched pairs (image {@code i} with text {@code i}).
     *
     * @param chunkRows rows of the logit matrix computed at a time
     */
    public Variable loss(Tape tape, float[] pixels, TokenBatch tokens, LossKind kind, int chunkRows) {
        int batch = tokens.batch();
        Variable img = encodeImages(tape, pixels, batch);
        Variable txt = encodeTexts(tape, tokens);
        return lossOf(tape, img, txt, kind, chunkRows);
    }

    /** The loss of already computed, normalised embeddings. */
    public Variable lossOf(Tape tape, Variable img, Variable txt, LossKind kind, int chunkRows) {
        return switch (kind) {
            case CLIP -> new ClipLoss(chunkRows).forward(tape, img, txt, logitScale);
            case SIGLIP -> {
                if (logitBias == null) {
                    throw new IllegalArgumentException("the SigLIP loss needs a logit_bias, which this CLIP model does not have");
                }
                yield new SiglipLoss(chunkRows).forward(tape, img, txt, logitScale, logitBias);
            }
        };
    }
}
