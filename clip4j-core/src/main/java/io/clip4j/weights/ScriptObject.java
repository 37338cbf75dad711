package io.clip4j.weights;

/**
 * An instance of a TorchScript class as a TorchScript archive's {@code data.pkl} describes it: torch's
 * pickler writes {@code GLOBAL __torch__.<qualifier> <Name>}, {@code EMPTY_TUPLE}, {@code NEWOBJ}, then
 * the object's state and {@code BUILD}. The state is the attribute dict (attribute name to value, in
 * the class's slot order) or, for a class defining {@code __getstate__}, whatever that returned.
 *
 * <p>This is inert data: nothing is instantiated, no class is looked up and no code runs. The
 * {@link RestrictedUnpickler} records the class name and stores the {@code BUILD} state as it was
 * pickled. Equality is identity, like every mutable pickle value.
 */
final class ScriptObject {

    private final String className;
    private Object state;
    private boolean built;

    ScriptObject(String className) {
        this.className = className;
    }

    /** The qualified TorchScript class name, e.g. {@code __torch__.torch.nn.modules.conv.Conv2d}. */
    String className() {
        return className;
    }

    /** Whether {@code BUILD} has set the state (torch's pickler always writes exactly one). */
    boolean isBuilt() {
        return built;
    }

    /** The pickled state; {@code null} both for a None state and before {@code BUILD}. */
    Object state() {
        return state;
    }

    /** Records the state of the one {@code BUILD}; a second one is a malformed pickle. */
    boolean build(Object newState) {
        if (built) {
            return false;
        }
        state = newState;
        built = true;
        return true;
    }

    @Override
    public String toString() {
        return "TorchScript object " + className;
    }
}
