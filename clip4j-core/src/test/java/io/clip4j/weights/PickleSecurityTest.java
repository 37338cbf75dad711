package io.clip4j.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile and malformed pickles against {@link RestrictedUnpickler}, all crafted byte by byte. */
class PickleSecurityTest {

    private static Object load(byte[] pickle) {
        return RestrictedUnpickler.load("model.pt", pickle);
    }

    private static String refusal(byte[] pickle) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> load(pickle));
        assertTrue(e.getMessage().startsWith("model.pt: "), e.getMessage());
        return e.getMessage();
    }

    private static String refusedGlobal(String qualified) {
        return "model.pt: refusing to load: the pickle calls " + qualified
                + " (only tensors and plain containers are allowed)";
    }

    @ParameterizedTest
    @CsvSource({"posix, system", "os, system", "nt, system", "builtins, eval", "builtins, exec", "__builtin__, getattr",
            "subprocess, Popen", "torch, load", "torch._utils, _rebuild_device_tensor_from_numpy", "numpy.core.multiarray, _reconstruct",
            "collections, defaultdict", "evil.module, Payload", "torch.jit._pickle, build_intlist",
            "torch.jit._pickle, restore_type_tag"})
    void globalCallIsRefusedByName(String module, String name) {
        byte[] p = new PickleBuilder().proto(2).global(module, name).unicode("id").op(0x85).reduce().stop().bytes();
        assertEquals(refusedGlobal(module + "." + name), refusal(p));
    }

    @Test
    void stackGlobalIsRefusedByName() {
        byte[] p = new PickleBuilder().proto(4).stackGlobal("os", "system").shortUnicode("id").op(0x85).reduce()
                .stop().bytes();
        assertEquals(refusedGlobal("os.system"), refusal(p));
    }

    @Test
    void globalNestedInsideAStateDictIsRefused() {
        // The evil call hides as a value next to a tensor; evaluation stops at the GLOBAL.
        byte[] p = new PickleBuilder().proto(2).orderedDict().mark()
                .unicode("w").tensor("FloatStorage", "0", 1)
                .unicode("x").global("builtins", "eval").unicode("1+1").op(0x85).reduce()
                .setitems().stop().bytes();
        assertEquals(refusedGlobal("builtins.eval"), refusal(p));
    }

    @Test
    void unknownClassViaNewobjIsRefusedByName() {
        byte[] p = new PickleBuilder().proto(2).global("mymodule", "Evil").emptyTuple().op(0x81).stop().bytes();
        assertEquals(refusedGlobal("mymodule.Evil"), refusal(p));
    }

    @Test
    void instOpcodeIsRefusedByName() {
        byte[] p = new PickleBuilder().mark().unicode("id").op('i').raw("os\nsystem\n".getBytes()).stop().bytes();
        assertEquals(refusedGlobal("os.system"), refusal(p));
    }

    @Test
    void objAndExtensionOpcodesAreRefused() {
        assertTrue(refusal(new PickleBuilder().proto(2).mark().orderedDict().op('o').stop().bytes())
                .contains("instantiates"));
        assertTrue(refusal(new PickleBuilder().proto(2).op(0x82).le(1, 1).stop().bytes()).contains("extension registry"));
    }

    @Test
    void torchScriptGlobalGetsAHint() {
        byte[] p = new PickleBuilder().proto(2).global("__torch__.model", "CLIP").emptyTuple().op(0x81).stop().bytes();
        assertTrue(refusal(p).contains("TorchScript"));
    }

    @Test
    void controlCharactersInGlobalNamesAreNotEchoed() {
        byte[] p = new PickleBuilder().proto(4).stackGlobal("os\u001b[2J", "system").stop().bytes();
        String m = refusal(p);
        assertTrue(m.contains("os?[2J.system") && !m.contains("\u001b"), m);
    }

    @Test
    void unsupportedTorchDtypeIsNamed() {
        byte[] p = new PickleBuilder().proto(2).global("torch", "ComplexFloatStorage").stop().bytes();
        assertTrue(refusal(p).contains("unsupported tensor type torch.ComplexFloatStorage"));
    }

    @Test
    void allowedGlobalsCannotBeMisused() {
        // A storage class or dtype is a value, not a function to call.
        assertTrue(refusal(new PickleBuilder().proto(2).global("torch", "FloatStorage").emptyTuple().reduce().stop().bytes())
                .contains("cannot be called"));
        // _rebuild_tensor_v2 wants a storage, not a string.
        assertTrue(refusal(new PickleBuilder().proto(2).global("torch._utils", "_rebuild_tensor_v2").mark()
                .unicode("s").integer(0).ints(1).ints(1).bool(false).none().tuple().reduce().stop().bytes())
                .contains("expects a storage"));
        // Only OrderedDict may be created with NEWOBJ.
        assertTrue(refusal(new PickleBuilder().proto(2).global("torch", "Size").emptyTuple().op(0x81).stop().bytes())
                .contains("NEWOBJ"));
        // A persistent id must be a storage tuple.
        assertTrue(refusal(new PickleBuilder().proto(2).unicode("x").binpersid().stop().bytes())
                .contains("persistent id"));
        assertTrue(refusal(new PickleBuilder().proto(2).mark().unicode("storage").global("torch", "FloatStorage")
                .unicode("../../etc/passwd").unicode("cpu").integer(1).tuple().binpersid().stop().bytes())
                .contains("invalid storage key"));
        // v3's dtype must agree with a typed storage.
        assertTrue(refusal(new PickleBuilder().proto(2).global("torch._utils", "_rebuild_tensor_v3").mark()
                .storage("FloatStorage", "0", 4).integer(0).ints(2).ints(1).bool(false).none()
                .global("torch", "float64").tuple().reduce().stop().bytes()).contains("storage of F32"));
    }

    @Test
    void buildOnlyOnDicts() {
        assertTrue(refusal(new PickleBuilder().proto(2).emptyList().emptyDict().build().stop().bytes())
                .contains("BUILD"));
        Object ok = load(new PickleBuilder().proto(2).orderedDict().emptyDict().unicode("_metadata").emptyDict()
                .setitem().build().stop().bytes());
        assertEquals(Map.of(), ok);
    }

    @Test
    void everyTruncationOfAValidPickleIsReported() {
        byte[] full = new PickleBuilder().proto(2).orderedDict().put(0).mark()
                .unicode("weight").tensor("HalfStorage", "0", 4, 0, new long[]{2, 2}, new long[]{2, 1})
                .unicode("count").integer(1L << 40).unicode("pi").op('G').raw(new byte[]{64, 9, 33, -5, 84, 68, 45, 24})
                .setitems().get(0).stop().bytes();
        assertInstanceOf(Map.class, load(full));
        for (int len = 0; len < full.length; len++) {
            String m = refusal(Arrays.copyOf(full, len));
            assertTrue(m.contains("truncated"), len + ": " + m);
        }
    }

    @Test
    void parsedValuesAreFaithful() {
        byte[] p = new PickleBuilder().proto(2).emptyDict().mark()
                .unicode("neg").op('J').le(-5, 4)
                .unicode("long1").op(0x8a).le(3, 1).raw(new byte[]{0, 0, (byte) 0x80}) // -2^23
                .unicode("big").op(0x8a).le(9, 1).raw(new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 1}) // 2^64
                .unicode("pi").op('G').raw(new byte[]{64, 9, 33, -5, 84, 68, 45, 24})
                .unicode("s").op('U').le(2, 1).raw("ab".getBytes())
                .unicode("b").op('C').le(3, 1).raw(new byte[]{1, 2, 3})
                .unicode("t").ints(1, 300, 70000, 1L << 33)
                .unicode("l").emptyList().integer(1).append()
                .unicode("n").none()
                .setitems().stop().bytes();
        Map<?, ?> d = (Map<?, ?>) load(p);
        assertEquals(-5L, d.get("neg"));
        assertEquals(-(1L << 23), d.get("long1"));
        assertEquals(java.math.BigInteger.ONE.shiftLeft(64), d.get("big"));
        assertEquals(Math.PI, d.get("pi"));
        assertEquals("ab", d.get("s"));
        assertArrayEquals(new byte[]{1, 2, 3}, (byte[]) d.get("b"));
        assertEquals(List.of(1L, 300L, 70000L, 1L << 33), ((PickleTuple) d.get("t")).asList());
        assertEquals(List.of(1L), d.get("l"));
        assertTrue(d.containsKey("n") && d.get("n") == null);
    }

    @Test
    void hugeDeclaredLengthsFailWithoutAllocating() {
        assertTrue(refusal(new PickleBuilder().proto(4).op(0x8d).le(1L << 62, 8).stop().bytes()).contains("truncated"));
        assertTrue(refusal(new PickleBuilder().proto(4).op(0x8e).le(-1L, 8).stop().bytes()).contains("truncated"));
        assertTrue(refusal(new PickleBuilder().proto(2).op('X').le(0xffffffffL, 4).stop().bytes()).contains("truncated"));
        assertTrue(refusal(new PickleBuilder().proto(2).op('T').le(-7, 4).stop().bytes()).contains("truncated"));
        assertTrue(refusal(new PickleBuilder().proto(2).op(0x8b).le(Integer.MAX_VALUE, 4).stop().bytes()).contains("too large"));
        assertTrue(refusal(new PickleBuilder().proto(4).frame(1L << 40).stop().bytes()).contains("truncated"));
    }

    @Test
    void hugeShapesAreRefused() {
        byte[] p = new PickleBuilder().proto(2).tensor("FloatStorage", "0", 4, 0,
                new long[]{1L << 40, 1L << 40}, new long[]{1L << 40, 1}).stop().bytes();
        assertTrue(refusal(p).contains("too large"));
        byte[] storage = new PickleBuilder().proto(2).storage("DoubleStorage", "0", Long.MAX_VALUE / 4).stop().bytes();
        assertInstanceOf(StorageRef.class, load(storage)); // harmless until a tensor uses it
        byte[] t = new PickleBuilder().proto(2).tensor("DoubleStorage", "0", Long.MAX_VALUE / 4, 0, new long[]{1},
                new long[]{1}).stop().bytes();
        assertTrue(refusal(t).contains("too many"));
    }

    @Test
    void resourceLimits() {
        byte[] marks = new byte[RestrictedUnpickler.MAX_MARKS + 10];
        Arrays.fill(marks, (byte) '(');
        assertTrue(refusal(marks).contains("MARK"));

        byte[] nones = new byte[RestrictedUnpickler.MAX_STACK + 10];
        Arrays.fill(nones, (byte) 'N');
        assertTrue(refusal(nones).contains("stack exceeds"));
    }

    @Test
    void malformedStructure() {
        assertTrue(refusal(new PickleBuilder().proto(2).stop().bytes()).contains("underflow"));
        assertTrue(refusal(new PickleBuilder().proto(2).get(3).stop().bytes()).contains("memo entry 3"));
        assertTrue(refusal(new PickleBuilder().proto(2).tuple().stop().bytes()).contains("no MARK"));
        assertTrue(refusal(new PickleBuilder().proto(2).none().none().none().setitem().stop().bytes()).contains("SETITEM"));
        assertTrue(refusal(new PickleBuilder().proto(2).none().none().append().stop().bytes()).contains("APPEND"));
        assertTrue(refusal(new PickleBuilder().proto(6).stop().bytes()).contains("protocol 6"));
        assertTrue(refusal(new PickleBuilder().proto(2).op(0xfe).stop().bytes()).contains("opcode 0xfe"));
        assertTrue(refusal(new PickleBuilder().proto(2).op('P').raw("0\n".getBytes()).stop().bytes()).contains("opcode"));
        // Items below a MARK are out of reach, as in CPython.
        assertTrue(refusal(new PickleBuilder().proto(2).none().mark().op(0x85).stop().bytes()).contains("underflow"));
        assertTrue(refusal(new PickleBuilder().proto(2).emptyDict().mark().unicode("k").setitems().stop().bytes())
                .contains("key/value pairs"));
    }

    @Test
    void selfReferentialAndSharedStructuresAreSafe() {
        // A list containing itself used as a dict key: Python raises TypeError; hashing it here would recurse forever.
        byte[] cyclicKey = new PickleBuilder().proto(2).emptyDict().emptyList().put(0).get(0).append().none().setitem()
                .stop().bytes();
        assertTrue(refusal(cyclicKey).contains("dict key of type list"));

        // t(n) = (t(n-1), t(n-1)), 200 levels: 2^200 leaves if anything walked it structurally.
        PickleBuilder shared = new PickleBuilder().emptyTuple().put(0).op('0');
        for (int i = 0; i < 200; i++) {
            shared.get(0).get(0).op(0x86).put(0).op('0');
        }
        shared.get(0);
        PickleBuilder asKey = new PickleBuilder().proto(2).emptyDict().raw(shared.bytes()).none().setitem().stop();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertTrue(refusal(asKey.bytes()).contains("dict key of type tuple")));
        PickleBuilder asValue = new PickleBuilder().proto(2).emptyDict().unicode("x").raw(shared.bytes()).setitem()
                .emptyList().get(0).append().op('0').stop();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> load(asValue.bytes()));
    }
}
