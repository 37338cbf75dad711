package io.clip4j.weights;

import java.util.Arrays;
import java.util.List;

/**
 * A Python tuple produced by {@link RestrictedUnpickler}. Immutable; equality is identity on purpose:
 * tuples may share sub-objects many times over, so a structural hash could take exponential time.
 */
final class PickleTuple {

    static final PickleTuple EMPTY = new PickleTuple(new Object[0]);

    private final Object[] items;

    private PickleTuple(Object[] items) {
        this.items = items;
    }

    static PickleTuple of(Object... items) {
        return items.length == 0 ? EMPTY : new PickleTuple(items.clone());
    }

    static PickleTuple of(List<Object> items) {
        return items.isEmpty() ? EMPTY : new PickleTuple(items.toArray());
    }

    int size() {
        return items.length;
    }

    Object get(int i) {
        return items[i];
    }

    List<Object> asList() {
        return Arrays.asList(items.clone());
    }

    @Override
    public String toString() {
        return "tuple of " + items.length;
    }
}
