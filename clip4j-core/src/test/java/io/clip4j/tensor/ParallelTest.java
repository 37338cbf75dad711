package io.clip4j.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelTest {

    @Test
    void mapKeepsTheOrderAndNestedRangesRunInline() {
        Set<Thread> inner = ConcurrentHashMap.newKeySet();
        List<Integer> squares = Parallel.map(50, i -> {
            int[] sum = new int[1];
            Parallel.forRange(4, j -> {
                inner.add(Thread.currentThread());
                synchronized (sum) {
                    sum[0] += i;
                }
            });
            return sum[0] / 4 * i;
        });
        assertEquals(50, squares.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(i * i, squares.get(i));
        }
        assertTrue(inner.size() <= Parallel.threads());
        assertEquals(List.of(), Parallel.map(0, i -> i));
    }

    @Test
    void mapThrowsTheErrorOfTheLowestFailingIndex() {
        for (int round = 0; round < 20; round++) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.map(12, i -> {
                if (i == 3 || i == 7 || i == 11) {
                    throw new IllegalStateException("layer " + i);
                }
                return i;
            }));
            assertEquals("layer 3", e.getMessage());
        }
        Error boom = new AssertionError("boom");
        assertSame(boom, assertThrows(AssertionError.class, () -> Parallel.map(3, i -> {
            if (i == 2) {
                throw boom;
            }
            throw new IllegalArgumentException("not this one: errors come first");
        })));
    }
}
