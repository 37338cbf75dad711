package io.clip4j.train.nn;

import io.clip4j.tensor.Activation;
import io.clip4j.train.autograd.Elementwise;
import io.clip4j.train.autograd.Tape;
import io.clip4j.train.autograd.Variable;

/** The pre-norm transformer block {@code x = x + attn(ln_1(x)); x = x + mlp(ln_2(x))}. */
public final class ResidualAttentionBlock {

    private final LayerNorm ln1;
    private final MultiheadAttention attn;
    private final LayerNorm ln2;
    private final Mlp mlp;

    public ResidualAttentionBlock(LayerNorm ln1, MultiheadAttention attn, LayerNorm ln2, Mlp mlp) {
        this.ln1 = ln1;
        this.attn = attn;
        this.ln2 = ln2;
        this.mlp = mlp;
    }

    /** OpenAI names: {@code ln_1, attn.in_proj_*, attn.out_proj, ln_2, mlp.c_fc, mlp.c_proj}. */
    public static ResidualAttentionBlock openAi(ParameterStore ps, String p, int width, int heads, int mlpWidth,
                                               Activation act, float eps) {
        return new ResidualAttentionBlock(new LayerNorm(ps, p + ".ln_1", width, eps),
                MultiheadAttention.packed(ps, p + ".attn", width, heads),
                new LayerNorm(ps, p + ".ln_2", width, eps),
                new Mlp(new Linear(ps, p + ".mlp.c_fc", width, mlpWidth, true),
                        new Linear(ps, p + ".mlp.c_proj", mlpWidth, width, true), act));
    }

    /** HF names: {@code layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2, mlp.fc1, mlp.fc2}. */
    public static ResidualAttentionBlock hf(ParameterStore ps, String p, int width, int heads, int mlpWidth,
                                           Activation act, float eps) {
        return new ResidualAttentionBlock(new LayerNorm(ps, p + ".layer_norm1", width, eps),
                MultiheadAttention.separate(ps, p + ".self_attn", "q_proj", "k_proj", "v_proj", "out_proj", width, width, heads),
                new LayerNorm(ps, p + ".layer_norm2", width, eps),
                new Mlp(new Linear(ps, p + ".mlp.fc1", width, mlpWidth, true),
                        new Linear(ps, p + ".mlp.fc2", mlpWidth, width, true), act));
    }

    /** Runs the block on {@code x [rows, width]} whose rows form the sequences {@code seq}. */
    public Variable forward(Tape tape, Variable x, Sequences seq, boolean causal, boolean[][] keyValid) {
        Variable a = attn.selfAttention(tape, ln1.forward(tape, x), seq, causal, keyValid);
        x = Elementwise.add(tape, x, a);
        return Elementwise.add(tape, x, mlp.forward(tape, ln2.forward(tape, x)));
    }
}
