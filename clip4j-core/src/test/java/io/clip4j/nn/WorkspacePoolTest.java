package io.clip4j.nn;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkspacePoolTest {

    @Test
    void aClosedWorkspaceIsReusedWithItsBuffers() {
        WorkspacePool pool = new WorkspacePool(2, 1 << 20);
        float[] first;
        Workspace w1;
        try (Workspace ws = pool.acquire()) {
            w1 = ws;
            first = ws.get(Workspace.Slot.QKV, 100);
            assertSame(first, ws.get(Workspace.Slot.QKV, 80), "a smaller request reuses the buffer");
        }
        assertEquals(1, pool.idleCount());
        try (Workspace ws = pool.acquire()) {
            assertSame(w1, ws);
            assertSame(first, ws.get(Workspace.Slot.QKV, 100));
            assertNotSame(first, ws.get(Workspace.Slot.QKV, 101), "a larger request replaces it");
        }
    }

    @Test
    void concurrentCallersNeverShareAWorkspace() throws InterruptedException {
        WorkspacePool pool = new WorkspacePool(2, 1 << 20);
        int threads = 4;
        Set<Workspace> inUse = ConcurrentHashMap.newKeySet();
        List<Throwable> errors = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 2000; i++) {
                        try (Workspace ws = pool.acquire()) {
                            if (!inUse.add(ws)) {
                                throw new AssertionError("workspace handed out twice");
                            }
                            ws.get(Workspace.Slot.HIDDEN, 16)[0] = i;
                            inUse.remove(ws);
                        }
                    }
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            });
            th.start();
            all.add(th);
        }
        start.countDown();
        for (Thread th : all) {
            th.join();
        }
        assertTrue(errors.isEmpty(), () -> errors.toString());
        assertTrue(pool.idleCount() <= 2, "at most maxIdle kept");
    }

    @Test
    void oversizedWorkspacesAreDroppedAndStandaloneOnesIgnoreClose() {
        WorkspacePool pool = new WorkspacePool(2, 400);
        try (Workspace ws = pool.acquire()) {
            ws.get(Workspace.Slot.TOKENS, 101); // 404 bytes: over the cap
        }
        assertEquals(0, pool.idleCount());
        try (Workspace ws = pool.acquire()) {
            ws.get(Workspace.Slot.TOKENS, 100);
        }
        assertEquals(1, pool.idleCount());
        Workspace alone = new Workspace();
        alone.get(Workspace.Slot.NORMED, 4);
        alone.close();
        assertEquals(16, alone.byteSize());
    }
}
