package io.clip4j.weights;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Flattens the module tree of a TorchScript archive into the state dict that
 * {@code torch.jit.load(f).state_dict()} returns, which is what {@code clip.load} feeds to
 * {@code build_model}.
 *
 * <p>A scripted module's state dict is {@code nn.Module.state_dict} over the module's slots: first its
 * parameters ({@code named_parameters(recurse=False)}: attributes declared in {@code __parameters__}
 * whose value is a tensor, in slot order), then its buffers (declared in {@code __buffers__}, tensor
 * values), then, recursively under {@code <name>.}, every attribute whose value is a module object, in
 * slot order. The pickled attribute dict is written in slot order, so its iteration order is torch's.
 * Other attributes (flags, ints, tensors that are neither parameters nor buffers such as CLIP's
 * {@code attn_mask}, objects of plain TorchScript classes) are not part of the state dict. For
 * archives older than torch 1.6, which declare no {@code __buffers__}, every other tensor attribute is a
 * buffer, as it was for the torch that wrote them.
 *
 * <p>A module shared under two names appears under both, as in torch. Cycles, absurd depth and
 * exponential sharing are refused; so is anything this does not understand (a module whose state is not
 * an attribute dict, a declared parameter holding a non-tensor, an attribute name torch would never
 * produce), with a message naming the module path.
 */
final class TorchScriptStateDict {

    /** Deeper than any real model; Python's own recursion limit would stop torch long before. */
    static final int MAX_DEPTH = 256;
    /** Attribute visits allowed in all: bounds the work a hostile archive sharing modules exponentially can cause. */
    static final long MAX_ATTRIBUTE_VISITS = 1L << 22;

    private final String file;
    private final TorchScriptCode code;
    private final Map<String, TensorRef> out = new LinkedHashMap<>();
    private final Set<ScriptObject> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
    private long visits;

    private TorchScriptStateDict(String file, TorchScriptCode code) {
        this.file = file;
        this.code = code;
    }

    /**
     * The state dict of {@code root}, the object {@code data.pkl} holds.
     *
     * @throws ModelFormatException if {@code root} is not a module object or the tree cannot be flattened
     */
    static Map<String, TensorRef> of(String file, Object root, TorchScriptCode code) {
        if (!(root instanceof ScriptObject obj)) {
            throw new ModelFormatException(file + ": this TorchScript archive's data.pkl holds a "
                    + RestrictedUnpickler.typeName(root) + ", not a module");
        }
        TorchScriptCode.ScriptClass cls = code.require(obj.className());
        if (!cls.module()) {
            throw new ModelFormatException(file + ": this TorchScript archive holds an object of class "
                    + RestrictedUnpickler.printable(obj.className()) + ", which is not a module");
        }
        TorchScriptStateDict flat = new TorchScriptStateDict(file, code);
        flat.module(obj, cls, "", 0);
        return flat.out;
    }

    private void module(ScriptObject obj, TorchScriptCode.ScriptClass cls, String prefix, int depth) {
        if (depth > MAX_DEPTH) {
            throw refuse(prefix, "modules are nested more than " + MAX_DEPTH + " deep");
        }
        if (!onPath.add(obj)) {
            throw refuse(prefix, "the module contains itself (a cycle)");
        }
        if (!(obj.state() instanceof Map<?, ?> attributes) || !obj.isBuilt()) {
            throw refuse(prefix, "its state is " + (obj.isBuilt() ? "a " + RestrictedUnpickler.typeName(obj.state())
                    : "missing") + ", not an attribute dict (modules defining __getstate__ are not supported)");
        }
        visits += attributes.size();
        if (visits > MAX_ATTRIBUTE_VISITS) {
            throw refuse(prefix, "the module tree has more than " + MAX_ATTRIBUTE_VISITS + " attributes in all "
                    + "(modules shared exponentially often?)");
        }
        for (Map.Entry<?, ?> e : attributes.entrySet()) {
            checkName(prefix, e.getKey());
        }
        Set<String> buffers = cls.buffers();
        for (String declared : cls.parameters()) {
            requirePresent(prefix, attributes, declared, "parameter");
        }
        if (buffers != null) {
            for (String declared : buffers) {
                requirePresent(prefix, attributes, declared, "buffer");
            }
        }
        // nn.Module._save_to_state_dict: parameters, then buffers, each in slot order; None values are skipped.
        for (Map.Entry<?, ?> e : attributes.entrySet()) {
            String name = (String) e.getKey();
            if (cls.parameters().contains(name)) {
                tensorOrNone(prefix, name, e.getValue(), "parameter");
            }
        }
        for (Map.Entry<?, ?> e : attributes.entrySet()) {
            String name = (String) e.getKey();
            if (buffers != null ? buffers.contains(name)
                    : !cls.parameters().contains(name) && e.getValue() instanceof TensorRef) {
                tensorOrNone(prefix, name, e.getValue(), "buffer");
            }
        }
        // Then the submodules, recursively, in slot order.
        for (Map.Entry<?, ?> e : attributes.entrySet()) {
            String name = (String) e.getKey();
            if (e.getValue() instanceof ScriptObject child && !cls.parameters().contains(name)
                    && (buffers == null || !buffers.contains(name))) {
                TorchScriptCode.ScriptClass childClass = code.require(child.className());
                if (childClass.module()) {
                    module(child, childClass, prefix + name + ".", depth + 1);
                }
            }
        }
        onPath.remove(obj);
    }

    /** Attribute names are Python identifiers or container keys ({@code 0}, {@code -1}); never dotted. */
    private void checkName(String prefix, Object key) {
        if (!(key instanceof String name) || name.isEmpty() || name.indexOf('.') >= 0
                || name.chars().anyMatch(Character::isISOControl)) {
            String shown = key instanceof String s ? "'" + RestrictedUnpickler.printable(s) + "'"
                    : "of type " + RestrictedUnpickler.typeName(key);
            throw refuse(prefix, "it has an attribute named " + shown + ", which no torch module can have");
        }
    }

    private void requirePresent(String prefix, Map<?, ?> attributes, String name, String what) {
        if (!attributes.containsKey(name)) {
            throw refuse(prefix, "its class declares the " + what + " '" + RestrictedUnpickler.printable(name)
                    + "' but its state has no such attribute");
        }
    }

    private void tensorOrNone(String prefix, String name, Object value, String what) {
        if (value == null) {
            return; // e.g. Conv2d's bias=False or MultiheadAttention's unused q_proj_weight
        }
        if (!(value instanceof TensorRef t)) {
            throw refuse(prefix, "its " + what + " '" + name + "' holds a " + RestrictedUnpickler.typeName(value)
                    + ", not a tensor");
        }
        String key = prefix + name;
        if (out.putIfAbsent(key, t) != null) {
            throw refuse(prefix, "the state dict would hold '" + key + "' twice");
        }
    }

    private ModelFormatException refuse(String prefix, String why) {
        String where = prefix.isEmpty() ? "the root module" : "module '"
                + RestrictedUnpickler.printable(prefix.substring(0, prefix.length() - 1)) + "'";
        return new ModelFormatException(file + ": cannot read this TorchScript archive as a state dict: " + where
                + ": " + why);
    }
}
