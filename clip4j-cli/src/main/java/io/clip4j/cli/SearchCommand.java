package io.clip4j.cli;

import io.clip4j.index.Hit;
import io.clip4j.index.ImageIndex;
import io.clip4j.index.SearchQuery;
import io.clip4j.index.VectorIndex;
import io.clip4j.model.EmbeddingModel;
import io.clip4j.model.Models;
import io.clip4j.tensor.Kernels;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip4j search}: queries an index built by {@code clip4j index}. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search an index built by 'clip4j index' by text, by image, or both.",
                "The query is the normalised weighted sum of its terms' embeddings: QUERY and each --text and --image "
                        + "add (weight 1), each --minus subtracts. --weights gives one weight per term in the order "
                        + "QUERY, --text..., --image..., --minus... (a --minus weight is subtracted).",
                "Scores are exact cosine similarities."})
final class SearchCommand implements Callable<Integer> {

    // Not the ModelOptions mixin: its --weights (a weights file) would clash with the query weights here.
    @Option(names = {"-m", "--model"}, paramLabel = "M",
            description = "Model directory (config + weights) or a single weights file: the one the index was built with.")
    Path model;

    @Option(names = "--model-weights", paramLabel = "FILE",
            description = "Weights file to use (what --weights FILE is for the other commands).")
    String modelWeights;

    @Option(names = {"-x", "--index"}, required = true, paramLabel = "I", description = "Index directory.")
    Path index;

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "Text to search for.")
    String query;

    @Option(names = {"-t", "--text"}, paramLabel = "TEXT", description = "Another text to search for (repeatable).")
    List<String> texts = new ArrayList<>();

    @Option(names = {"-i", "--image"}, paramLabel = "FILE", description = "Find images like this one (repeatable).")
    List<Path> images = new ArrayList<>();

    @Option(names = "--minus", paramLabel = "TEXT", description = "Text to steer away from (repeatable).")
    List<String> minus = new ArrayList<>();

    @Option(names = "--weights", split = ",", paramLabel = "W",
            description = "One weight per term (comma-separated or repeated), in the order QUERY, --text, --image, --minus.")
    List<Double> weights = new ArrayList<>();

    @Option(names = {"-k", "--top"}, defaultValue = "10", description = "Results to show (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--exact", description = "Compare with every vector (brute force) instead of the HNSW graph.")
    boolean exact;

    @Option(names = "--fan-out", defaultValue = "" + ImageIndex.DEFAULT_FAN_OUT, paramLabel = "N",
            description = "HNSW candidates re-scored exactly (default ${DEFAULT-VALUE}); more finds more of the true best.")
    int fanOut;

    @ArgGroup(exclusive = true)
    Output output = new Output();

    static final class Output {
        @Option(names = "--json", description = "One JSON document with the query and the hits (path, score).")
        boolean json;

        @Option(names = "--paths", description = "Only the absolute paths, one per line, best first.")
        boolean paths;
    }

    @Override
    public Integer call() {
        LuceneLog.quiet();
        SearchQuery q = buildQuery();
        if (top < 1) {
            throw new Errors.UsageException("--top must be at least 1");
        }
        if (fanOut < 1) {
            throw new Errors.UsageException("--fan-out must be at least 1");
        }
        for (Path p : images) {
            if (!Files.isRegularFile(p)) {
                throw new Errors.UsageException(p + ": no such image file");
            }
        }
        // fail fast, before loading a possibly large model, when there is no index
        VectorIndex.readIdentity(index);
        try (EmbeddingModel m = Models.loadEmbedding(model = DefaultModel.resolve(model), modelWeights, Kernels.get());
             ImageIndex ix = ImageIndex.open(index, m)) {
            List<Hit> hits = ix.search(q, top, fanOut, exact);
            if (output.paths) {
                hits.forEach(h -> System.out.println(h.path()));
            } else if (output.json) {
                Json.println(toJson(q, hits, ix));
            } else {
                if (hits.isEmpty()) {
                    System.err.println("clip4j: the index has no images");
                }
                for (int i = 0; i < hits.size(); i++) {
                    System.out.printf(Locale.ROOT, "%3d  %.4f  %s%n", i + 1, hits.get(i).score(), hits.get(i).path());
                }
            }
        }
        return 0;
    }

    private SearchQuery buildQuery() {
        List<SearchQuery.Term> terms = new ArrayList<>();
        if (query != null) {
            terms.add(text(query, 1));
        }
        texts.forEach(t -> terms.add(text(t, 1)));
        images.forEach(p -> terms.add(new SearchQuery.Term(SearchQuery.Kind.IMAGE, null, p, 1)));
        minus.forEach(t -> terms.add(text(t, -1)));
        if (terms.isEmpty()) {
            throw new Errors.UsageException("give a QUERY text, --text, or --image");
        }
        if (!weights.isEmpty() && weights.size() != terms.size()) {
            throw new Errors.UsageException("--weights has " + weights.size() + " values for " + terms.size()
                    + " query terms (order: QUERY, --text, --image, --minus)");
        }
        SearchQuery q = SearchQuery.empty();
        for (int i = 0; i < terms.size(); i++) {
            SearchQuery.Term t = terms.get(i);
            double w = weights.isEmpty() ? t.weight() : Math.signum(t.weight()) * weights.get(i);
            q = q.with(new SearchQuery.Term(t.kind(), t.text(), t.image(), w));
        }
        return q;
    }

    private static SearchQuery.Term text(String t, double weight) {
        if (t.isBlank()) {
            throw new Errors.UsageException("a query text is empty");
        }
        return new SearchQuery.Term(SearchQuery.Kind.TEXT, t, null, weight);
    }

    private Map<String, Object> toJson(SearchQuery q, List<Hit> hits, ImageIndex ix) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> terms = new ArrayList<>();
        for (SearchQuery.Term t : q.terms()) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (t.kind() == SearchQuery.Kind.TEXT) {
                m.put("text", t.text());
            } else {
                m.put("image", t.image().toAbsolutePath().normalize().toString());
            }
            m.put("weight", t.weight());
            terms.add(m);
        }
        out.put("query", terms);
        out.put("index", ix.vectors().directory().toString());
        out.put("exact", exact);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Hit h : hits) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", h.path());
            m.put("score", h.score());
            rows.add(m);
        }
        out.put("hits", rows);
        return out;
    }
}
