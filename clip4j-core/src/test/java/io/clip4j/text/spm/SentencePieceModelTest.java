package io.clip4j.text.spm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentencePieceModelTest {

    @Test
    void unigramCasesMatchTheCppLibrary() {
        checkCases("spm-unigram.model", "spm-unigram-cases.jsonl");
    }

    @Test
    void bpeCasesMatchTheCppLibrary() {
        checkCases("spm-bpe.model", "spm-bpe-cases.jsonl");
    }

    private static void checkCases(String modelFile, String casesFile) {
        SentencePieceModel model = SentencePieceModel.load(SpmFixtures.file(modelFile));
        List<JsonNode> cases = SpmFixtures.cases(casesFile);
        List<String> mismatches = new ArrayList<>();
        for (JsonNode c : cases) {
            String text = c.get("text").textValue();
            int[] expectedIds = SpmFixtures.ints(c.get("ids"));
            List<String> expectedPieces = SpmFixtures.strings(c.get("pieces"));
            int[] ids = model.encode(text);
            List<String> pieces = model.encodeAsPieces(text);
            if (!Arrays.equals(expectedIds, ids) || !expectedPieces.equals(pieces)) {
                mismatches.add(text + "\n  expected " + expectedPieces + " " + Arrays.toString(expectedIds)
                        + "\n  actual   " + pieces + " " + Arrays.toString(ids));
            }
        }
        System.out.printf("%s: %d/%d cases match%n", casesFile, cases.size() - mismatches.size(), cases.size());
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " of " + cases.size() + " cases differ, first ones:\n"
                    + String.join("\n", mismatches.subList(0, Math.min(20, mismatches.size()))));
        }
    }
}
