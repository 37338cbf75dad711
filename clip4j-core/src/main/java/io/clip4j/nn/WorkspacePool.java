package io.clip4j.nn;

import io.clip4j.tensor.Parallel;

import java.util.ArrayDeque;

/**
 * Workspaces kept between forward calls of one tower, so that steady-state inference allocates (almost)
 * nothing: per-call activations of a batch-32 ViT-B/32 are ~50 MB, which a garbage-collected heap
 * would otherwise churn through on every call, and which it answers by growing.
 *
 * <p>Thread-safe: a loaded model is shared between threads, so each concurrent call takes a workspace
 * of its own ({@link #acquire()}, a new one when none is idle) and gives it back by closing it. At most
 * {@code maxIdle} workspaces wait for reuse, and one larger than {@code maxRetainedBytes} (an unusually
 * large batch) is dropped instead of being kept for the life of the model.
 */
public final class WorkspacePool {

    /** Default cap on the bytes of one retained workspace (system property {@code clip4j.workspace.retainMb}). */
    private static final long DEFAULT_RETAIN_BYTES = Long.getLong("clip4j.workspace.retainMb", 1024L) << 20;

    private final ArrayDeque<Workspace> idle = new ArrayDeque<>();
    private final int maxIdle;
    private final long maxRetainedBytes;

    /** A pool keeping as many idle workspaces as there are compute threads (at least 2). */
    public WorkspacePool() {
        this(Math.max(2, Parallel.threads()), DEFAULT_RETAIN_BYTES);
    }

    public WorkspacePool(int maxIdle, long maxRetainedBytes) {
        this.maxIdle = maxIdle;
        this.maxRetainedBytes = maxRetainedBytes;
    }

    /** An idle workspace, or a new one; close it to give it back. */
    public Workspace acquire() {
        synchronized (idle) {
            Workspace w = idle.pollFirst();
            if (w != null) {
                return w;
            }
        }
        return new Workspace(this);
    }

    void release(Workspace w) {
        if (w.byteSize() > maxRetainedBytes) {
            return;
        }
        synchronized (idle) {
            if (idle.size() < maxIdle && !idle.contains(w)) {
                idle.addFirst(w); // most recently used first: its buffers are the likeliest to be resident
            }
        }
    }

    /** Workspaces waiting for reuse. */
    public int idleCount() {
        synchronized (idle) {
            return idle.size();
        }
    }
}
