package io.clip4j.index;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A query: a weighted sum of text and image embeddings, normalised. {@code text("dog").minusText("grass")}
 * looks for dogs and away from grass; {@code image(q).plusText("at night", 0.5)} for photos like
 * {@code q}, at night. Immutable; each method returns a new query.
 */
public final class SearchQuery {

    /** What a term is embedded from. */
    public enum Kind { TEXT, IMAGE }

    /**
     * One term.
     *
     * @param kind   text or image
     * @param text   the text (for {@link Kind#TEXT})
     * @param image  the image file (for {@link Kind#IMAGE})
     * @param weight its weight in the sum; negative to steer away from it
     */
    public record Term(Kind kind, String text, Path image, double weight) {
        public Term {
            Objects.requireNonNull(kind, "kind");
            if (kind == Kind.TEXT && (text == null || text.isBlank())) {
                throw new IllegalArgumentException("a text query term is empty");
            }
            if (kind == Kind.IMAGE && image == null) {
                throw new IllegalArgumentException("an image query term needs a file");
            }
            if (!Double.isFinite(weight)) {
                throw new IllegalArgumentException("a query weight must be a finite number, got " + weight);
            }
        }

        @Override
        public String toString() {
            return (weight < 0 ? "-" : "+") + Math.abs(weight) + " " + (kind == Kind.TEXT ? "\"" + text + "\"" : image);
        }
    }

    private final List<Term> terms;

    private SearchQuery(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    /** A query with no terms yet (one must be added before searching). */
    public static SearchQuery empty() {
        return new SearchQuery(List.of());
    }

    /** Images that match {@code text}. */
    public static SearchQuery text(String text) {
        return empty().plusText(text, 1);
    }

    /** Images that look like {@code image}. */
    public static SearchQuery image(Path image) {
        return empty().plusImage(image, 1);
    }

    /** Adds {@code weight * embed(text)}. */
    public SearchQuery plusText(String text, double weight) {
        return with(new Term(Kind.TEXT, text, null, weight));
    }

    /** Subtracts {@code embed(text)}. */
    public SearchQuery minusText(String text) {
        return plusText(text, -1);
    }

    /** Adds {@code weight * embed(image)}. */
    public SearchQuery plusImage(Path image, double weight) {
        return with(new Term(Kind.IMAGE, null, image, weight));
    }

    /** Adds a term. */
    public SearchQuery with(Term term) {
        List<Term> t = new ArrayList<>(terms);
        t.add(Objects.requireNonNull(term, "term"));
        return new SearchQuery(t);
    }

    /** The terms, in the order they were added. */
    public List<Term> terms() {
        return terms;
    }

    @Override
    public String toString() {
        return terms.toString();
    }
}
