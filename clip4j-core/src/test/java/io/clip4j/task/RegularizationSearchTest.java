package io.clip4j.task;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parametric binary search over log-spaced C values and the stratified validation split. */
class RegularizationSearchTest {

    @Test
    void findsThePeakOfEveryUnimodalCurveWithFewFits() {
        RegularizationSearch s = new RegularizationSearch(-6, 6, 8);
        assertEquals(96, s.lastIndex());
        assertEquals(1e-6, s.c(0), 1e-18);
        assertEquals(1.0, s.c(48), 1e-12);
        assertEquals(1e6, s.c(96), 1e-6);
        for (int peak = 0; peak <= 96; peak++) {
            int p = peak;
            List<Integer> calls = new ArrayList<>();
            int best = s.run(i -> {
                calls.add(i);
                return new RegularizationSearch.Score(1.0 / (1 + Math.abs(i - p)), 0);
            });
            assertEquals(peak, best, "peak " + peak);
            assertTrue(calls.size() <= s.maxEvaluations(), calls.size() + " fits for peak " + peak);
            assertEquals(calls.size(), calls.stream().distinct().count(), "a candidate was fitted twice");
        }
        assertEquals(15, s.maxEvaluations());
    }

    @Test
    void breaksTiesByLossThenBySmallerC() {
        RegularizationSearch s = new RegularizationSearch(-2, 2, 2);
        assertEquals(0, s.run(i -> new RegularizationSearch.Score(0.5, 1.0)));
        assertEquals(5, s.run(i -> new RegularizationSearch.Score(0.5, Math.abs(i - 5))));
    }

    @Test
    void rangesThatAreNotAMultipleOfTheCoarseStepIncludeTheirEnd() {
        RegularizationSearch s = new RegularizationSearch(-1, 2.5, 2);
        assertEquals(7, s.lastIndex());
        assertEquals(7, s.run(i -> new RegularizationSearch.Score(i, 0)));
        assertThrows(IllegalArgumentException.class, () -> new RegularizationSearch(1, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> new RegularizationSearch(0, 1, 0));
    }

    @Test
    void validationSplitIsStratifiedAndReproducible() {
        int[] labels = new int[103];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 3 ? 2 : i % 2; // class 2 has only 3 samples
        }
        ValidationSplit a = ValidationSplit.stratified(labels, 3, 0.2, 5);
        ValidationSplit b = ValidationSplit.stratified(labels, 3, 0.2, 5);
        ValidationSplit other = ValidationSplit.stratified(labels, 3, 0.2, 6);
        assertEquals(java.util.Arrays.toString(a.validation()), java.util.Arrays.toString(b.validation()));
        assertTrue(!java.util.Arrays.equals(a.validation(), other.validation()), "the seed should matter");
        assertEquals(labels.length, a.train().length + a.validation().length);
        int[] valPerClass = new int[3];
        int[] trainPerClass = new int[3];
        for (int i : a.validation()) {
            valPerClass[labels[i]]++;
        }
        for (int i : a.train()) {
            trainPerClass[labels[i]]++;
        }
        assertEquals(10, valPerClass[0]); // round(0.2 * 50)
        assertEquals(10, valPerClass[1]);
        assertEquals(1, valPerClass[2]);  // round(0.6) = 1, and at least one
        assertTrue(trainPerClass[2] == 2);

        int[] single = {0, 1, 1};
        ValidationSplit s = ValidationSplit.stratified(single, 2, 0.5, 0);
        assertEquals(1, s.validation().length, "a class with one sample stays in training");
        assertEquals(1, single[s.validation()[0]]);
    }
}
