package io.clip4j.weights;

import io.clip4j.model.TokenBatch;
import io.clip4j.model.clip.ClipModel;
import io.clip4j.testutil.Fixtures;
import io.clip4j.weights.TorchScriptWriter.IntList;
import io.clip4j.weights.TorchScriptWriter.Module;
import io.clip4j.weights.TorchScriptWriter.Tensor;
import io.clip4j.weights.TorchScriptWriter.Tuple;
import io.clip4j.weights.TorchScriptWriter.TypedDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TorchScript archives ({@code torch.jit.save}, like OpenAI's CLIP releases) read as state dicts. */
class TorchScriptArchiveTest {

    @TempDir
    Path tmp;

    private Path write(String name, byte[] zip) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, zip);
        return p;
    }

    private static List<String> names(WeightFile w) {
        return w.tensors().stream().map(TensorInfo::name).toList();
    }

    // ---- the OpenAI CLIP module tree around the reference fixtures ---------------------------------

    @ParameterizedTest(name = "{0} from {1}, traced={5}")
    @CsvSource({"clip-rn-openai-tiny, model.safetensors, RN50-tiny, '', 64, true",
            "clip-vit-openai-tiny, model-fp16.safetensors, ViT-B-32-tiny, fp16., 32, true",
            "clip-rn-openai-tiny, model.safetensors, RN50-scripted, '', 64, false"})
    void openAiArchiveIsItsStateDictAndReproducesTheGoldens(String model, String twin, String base, String golden,
                                                            long resolution, boolean traced) throws IOException {
        Path archive;
        try (SafeTensorsFile st = SafeTensorsFile.open(WeightsTestData.fixture(model, twin))) {
            Module clip = new OpenAiClipScript(st).clip();
            long ctx = st.require("positional_embedding").shape()[0];
            TorchScriptWriter writer = new TorchScriptWriter(base, "cuda:0").constant(OpenAiClipScript.causalMask((int) ctx));
            byte[] zip = (traced ? writer.traced() : writer).write(clip);
            archive = write(base + ".pt", zip);

            try (WeightFile ts = WeightFiles.open(archive);
                 TorchZipFile saved = TorchZipFile.open(WeightsTestData.fixture(model, "model.pt"))) {
                assertInstanceOf(TorchZipFile.class, ts);
                assertEquals("torchscript", ts.metadata().get("format"));
                assertEquals("__torch__.clip.model.CLIP", ts.metadata().get("torchscript_class"));
                assertEquals(base, ts.metadata().get("archive"));
                assertEquals("3", ts.metadata().get("version"));
                // torch's state_dict() order: model.pt is a real torch.save(model.state_dict()); the archive adds
                // the root's three buffers right after the root's parameters.
                List<String> expected = new ArrayList<>(names(saved));
                expected.addAll(3, List.of("input_resolution", "context_length", "vocab_size"));
                assertEquals(expected, names(ts));
                for (TensorInfo info : st.tensors()) {
                    assertEquals(info, ts.info(info.name()), info.name());
                    assertEquals(-1, st.bytes(info.name()).mismatch(ts.bytes(info.name())), info.name());
                }
                assertEquals(new TensorInfo("context_length", DType.I64, new long[0]), ts.info("context_length"));
                assertArrayEquals(new long[]{ctx}, ts.longs("context_length"));
                assertArrayEquals(new long[]{st.require("token_embedding.weight").shape()[0]}, ts.longs("vocab_size"));
                assertArrayEquals(new long[]{resolution}, ts.longs("input_resolution"));
                assertFalse(names(ts).stream().anyMatch(n -> n.endsWith("attn_mask") || n.endsWith("_proj_weight")
                        && !n.endsWith("in_proj_weight")), "only parameters and buffers");
            }
        }

        Path dir = Fixtures.fixture(model);
        try (SafeTensorsFile g = SafeTensorsFile.open(dir.resolve("golden.safetensors"));
             ClipModel clip = ClipModel.load(archive)) {
            int[] px = Arrays.stream(g.info("pixel_values").shape()).mapToInt(d -> (int) d).toArray();
            long[] idShape = g.info("input_ids").shape();
            float[] image = clip.encodeImage(io.clip4j.tensor.Tensor.of(g.floats("pixel_values"), px)).data();
            float[] text = clip.encodeText(new TokenBatch(g.longs("input_ids"), null, (int) idShape[0], (int) idShape[1])).data();
            Fixtures.assertClose(base + " image_features", image, g.floats(golden + "image_features"), 1e-4);
            Fixtures.assertClose(base + " text_features", text, g.floats(golden + "text_features"), 1e-4);
        }
    }

    // ---- the details of a scripted module's state dict ---------------------------------------------

    /**
     * A tree with everything torch's state_dict() has to get right: None parameters, None and tensor
     * buffers, tensor attributes that are neither, a shared submodule, tied and strided parameters,
     * plain TorchScript objects, typed containers and numeric child names.
     */
    private static Module detailedTree() {
        Tensor tied = Tensor.f32(true, new long[]{2, 2}, 1, 2, 3, 4);
        Tensor base = Tensor.f32(true, new long[]{2, 3}, 0, 1, 2, 3, 4, 5);
        // base viewed transposed: [3, 2] with strides [1, 3]
        Tensor transposed = new Tensor(base.storage(), 0, new long[]{3, 2}, new long[]{1, 3}, true);
        Module shared = new Module("torch.nn.modules.linear.Linear")
                .param("weight", tied).param("bias", Tensor.f32(true, new long[]{2}, 5, 6));
        Module helper = Module.scriptClass("my.helpers.Cache")
                .attr("hidden", Tensor.f32(false, new long[]{1}, 99));
        Module bn = new Module("torch.nn.modules.batchnorm.BatchNorm1d")
                .param("weight", Tensor.f32(true, new long[]{2}, 1, 1)).param("bias", null)
                .buffer("running_mean", Tensor.f32(false, new long[]{2}, 0.5f, -0.5f))
                .buffer("running_var", null)
                .buffer("num_batches_tracked", Tensor.i64Scalar(7));
        Module seq = new Module("torch.nn.modules.container.Sequential")
                .child("0", shared).child("1", new Module("torch.nn.modules.activation.ReLU")).child("-1", bn);
        return new Module("my.model.Net")
                .child("encoder", seq)
                .child("head", shared) // the same Linear again, as with weight tying
                .param("scale", Tensor.f32(true, new long[0], 2.5f))
                .param("t", transposed)
                .param("tied_copy", tied)
                .buffer("mask_buffer", Tensor.i64Scalar(3))
                .attr("not_a_buffer", Tensor.f32(false, new long[]{1}, 42))
                .attr("cache", "__torch__.my.helpers.Cache", helper)
                .attr("sizes", new IntList(1, 2, 3))
                .attr("table", new TypedDict("Dict[str, int]", new LinkedHashMap<>(Map.of("a", 1L))))
                .attr("pad", new Tuple("Tuple[int, int, int, int]", 1L, 2L, 3L, 4L))
                .attr("name", "net").attr("eps", 1e-5).attr("nothing", null).attr("neg", -70000L);
    }

    @Test
    void detailedTreeFlattensLikeTorch() throws IOException {
        Path p = write("net.pt", new TorchScriptWriter("net", "cpu").write(detailedTree()));
        try (TorchZipFile ts = TorchZipFile.open(p)) {
            assertEquals(List.of("scale", "t", "tied_copy", "mask_buffer",
                    "encoder.0.weight", "encoder.0.bias",
                    "encoder.-1.weight", "encoder.-1.running_mean", "encoder.-1.num_batches_tracked",
                    "head.weight", "head.bias"), names(ts));
            assertEquals(new TensorInfo("scale", DType.F32, new long[0]), ts.info("scale"));
            assertArrayEquals(new float[]{2.5f}, ts.floats("scale"));
            assertArrayEquals(new long[]{3, 2}, ts.info("t").shape());
            assertArrayEquals(new float[]{0, 3, 1, 4, 2, 5}, ts.floats("t"));
            assertArrayEquals(new float[]{1, 2, 3, 4}, ts.floats("tied_copy"));
            assertArrayEquals(new float[]{1, 2, 3, 4}, ts.floats("encoder.0.weight"));
            assertArrayEquals(new float[]{1, 2, 3, 4}, ts.floats("head.weight"));
            assertArrayEquals(new float[]{0.5f, -0.5f}, ts.floats("encoder.-1.running_mean"));
            assertArrayEquals(new long[]{7}, ts.longs("encoder.-1.num_batches_tracked"));
            assertArrayEquals(new long[]{3}, ts.longs("mask_buffer"));
            assertEquals("__torch__.my.model.Net", ts.metadata().get("torchscript_class"));
        }
    }

    @Test
    void legacyArchiveWithoutBufferDeclarationsTreatsTensorAttributesAsBuffers() throws IOException {
        // torch < 1.6 printed no __buffers__; its state_dict() then held every non-parameter tensor attribute.
        Path p = write("old.pt", new TorchScriptWriter("old", "cpu").legacyNoBuffers().write(detailedTree()));
        try (TorchZipFile ts = TorchZipFile.open(p)) {
            assertEquals(List.of("scale", "t", "tied_copy", "mask_buffer", "not_a_buffer",
                    "encoder.0.weight", "encoder.0.bias",
                    "encoder.-1.weight", "encoder.-1.running_mean", "encoder.-1.num_batches_tracked",
                    "head.weight", "head.bias"), names(ts));
        }
    }

    @Test
    void onlyReferencedStoragesAreRead() throws IOException {
        // The text blocks' attn_mask is an attribute, not a buffer: its storage entry may even be missing.
        Tensor mask = OpenAiClipScript.causalMask(3);
        Module m = new Module("m.M").param("w", Tensor.f32(true, new long[]{1}, 1)).attr("attn_mask", mask);
        byte[] zip = new TorchScriptWriter("m", "cpu").omit("data/1").write(m);
        try (TorchZipFile ts = TorchZipFile.open(write("m.pt", zip))) {
            assertEquals(List.of("w"), names(ts));
        }
    }

    // ---- refusals ----------------------------------------------------------------------------------

    private String refused(byte[] zip) throws IOException {
        Path p = write("bad.pt", zip);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> WeightFiles.open(p).close());
        assertTrue(e.getMessage().startsWith("bad.pt: "), e.getMessage());
        return e.getMessage();
    }

    /** An archive whose code/ declares module class __torch__.m.M and whose data.pkl is {@code pickle}. */
    private static byte[] archiveWithPickle(PickleBuilder pickle) {
        return new TorchScriptWriter("bad", "cpu").dataPkl(pickle.stop().bytes()).write(new Module("m.M"));
    }

    /** GLOBAL __torch__.m.M, EMPTY_TUPLE, NEWOBJ, {attributes...}, BUILD, as torch writes a module. */
    private static PickleBuilder moduleStart(PickleBuilder p) {
        return p.global("__torch__.m", "M").emptyTuple().op(0x81).emptyDict().mark().unicode("training").bool(false);
    }

    @Test
    void hostileGlobalInsideAModuleStateIsRefusedByName() throws IOException {
        PickleBuilder p = moduleStart(new PickleBuilder().proto(2)).unicode("x")
                .global("os", "system").unicode("touch /tmp/pwned").op(0x85).reduce().setitems().build();
        assertEquals("bad.pt: refusing to load: the pickle calls os.system (only tensors, plain containers and "
                + "TorchScript module objects are allowed)", refused(archiveWithPickle(p)));
    }

    @Test
    void onlyTheTorchScriptNamespaceBecomesModuleObjects() throws IOException {
        for (String[] g : new String[][]{{"torch.nn.modules.conv", "Conv2d"}, {"__torchx__.m", "M"}, {"__main__", "M"},
                {"__torch__.m;x", "M"}, {"__torch__.m", "M N"}, {"torch.jit._pickle", "build_tensor_from_id"},
                {"torch", "device"}, {"builtins", "complex"}, {"torch._utils", "_rebuild_qtensor"}}) {
            PickleBuilder p = new PickleBuilder().proto(2).global(g[0], g[1]).emptyTuple().op(0x81);
            String m = refused(archiveWithPickle(p));
            assertTrue(m.contains("refusing to load: the pickle calls " + g[0] + "." + g[1]), m);
        }
    }

    @Test
    void moduleObjectsAreInertRecords() throws IOException {
        // REDUCE on a TorchScript class (how enum values are pickled) calls it: refused.
        PickleBuilder call = new PickleBuilder().proto(2).global("__torch__.m", "M").unicode("x").op(0x85).reduce();
        assertTrue(refused(archiveWithPickle(call)).contains("calls TorchScript class __torch__.m.M"));
        // NEWOBJ with arguments: torch never writes them.
        PickleBuilder args = new PickleBuilder().proto(2).global("__torch__.m", "M").integer(1).op(0x85).op(0x81);
        assertTrue(refused(archiveWithPickle(args)).contains("NEWOBJ arguments"));
        // A second BUILD.
        PickleBuilder twice = moduleStart(new PickleBuilder().proto(2)).setitems().build().emptyDict().build();
        assertTrue(refused(archiveWithPickle(twice)).contains("a second time"));
        // No BUILD at all.
        PickleBuilder none = new PickleBuilder().proto(2).global("__torch__.m", "M").emptyTuple().op(0x81);
        assertTrue(refused(archiveWithPickle(none)).contains("its state is missing"));
        // __getstate__-style state.
        PickleBuilder state = new PickleBuilder().proto(2).global("__torch__.m", "M").emptyTuple().op(0x81)
                .integer(1).integer(2).op(0x86).build();
        assertTrue(refused(archiveWithPickle(state)).contains("its state is a tuple, not an attribute dict"));
    }

    @Test
    void structuralAttacksAreRefused() throws IOException {
        // A module that contains itself: BINPUT after NEWOBJ, BINGET inside its own state.
        PickleBuilder cycle = new PickleBuilder().proto(2).global("__torch__.m", "M").emptyTuple().op(0x81).put(7)
                .emptyDict().mark().unicode("training").bool(false).unicode("self").get(7).setitems().build();
        assertTrue(refused(archiveWithPickle(cycle)).contains("module 'self': the module contains itself"));

        // 64 levels, each with two attributes holding the next level: 2^64 paths if walked naively.
        PickleBuilder dag = new PickleBuilder().proto(2).global("__torch__.m", "M").put(0).emptyTuple().op(0x81)
                .emptyDict().mark().unicode("training").bool(false).setitems().build().put(1).op('0');
        for (int i = 0; i < 64; i++) {
            dag.get(0).emptyTuple().op(0x81).emptyDict().mark().unicode("a").get(1).unicode("b").get(1)
                    .setitems().build().put(1).op('0');
        }
        dag.get(1);
        long start = System.nanoTime();
        assertTrue(refused(archiveWithPickle(dag)).contains("attributes in all"));
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "bounded work");

        // Names torch cannot produce, which could collide with other keys.
        PickleBuilder dotted = moduleStart(new PickleBuilder().proto(2)).unicode("a.b")
                .tensor("FloatStorage", "0", 1).setitems().build();
        assertTrue(refused(archiveWithPickle(dotted)).contains("attribute named 'a.b'"));
        PickleBuilder intKey = moduleStart(new PickleBuilder().proto(2)).integer(3).none().setitems().build();
        assertTrue(refused(archiveWithPickle(intKey)).contains("attribute named of type int"));
    }

    @Test
    void declarationsMustMatchTheState() throws IOException {
        Module m = new Module("m.M").param("w", Tensor.f32(true, new long[]{1}, 1));
        // A declared parameter holding a string.
        PickleBuilder str = moduleStart(new PickleBuilder().proto(2)).unicode("w").unicode("oops").setitems().build();
        assertTrue(refused(new TorchScriptWriter("bad", "cpu").dataPkl(str.stop().bytes()).write(m))
                .contains("its parameter 'w' holds a str, not a tensor"));
        // A declared parameter missing from the state.
        PickleBuilder missing = moduleStart(new PickleBuilder().proto(2)).setitems().build();
        assertTrue(refused(new TorchScriptWriter("bad", "cpu").dataPkl(missing.stop().bytes()).write(m))
                .contains("declares the parameter 'w' but its state has no such attribute"));
        // A class the code does not define (custom C++ classes have no source).
        PickleBuilder unknown = new PickleBuilder().proto(2).global("__torch__.torch.classes.quantized", "LinearPackedParamsBase")
                .emptyTuple().op(0x81).emptyDict().build();
        assertTrue(refused(archiveWithPickle(unknown)).contains("is not defined in bad/code/__torch__/torch/classes/quantized.py"));
        // The root must be a module object.
        PickleBuilder dict = new PickleBuilder().proto(2).orderedDict().mark().unicode("w")
                .tensor("FloatStorage", "0", 1).setitems();
        assertTrue(refused(archiveWithPickle(dict)).contains("data.pkl holds a dict, not a module"));
        Module plain = Module.scriptClass("m.Plain").attr("x", 1L);
        assertTrue(refused(new TorchScriptWriter("bad", "cpu").write(plain)).contains("not a module"));
    }

    @Test
    void typedContainerMarkersAreChecked() throws IOException {
        PickleBuilder list = moduleStart(new PickleBuilder().proto(2)).unicode("x").global("torch.jit._pickle", "build_intlist")
                .mark().emptyList().mark().unicode("1").op('e').tuple().reduce().setitems().build();
        assertTrue(refused(archiveWithPickle(list)).contains("build_intlist expects a list of int, got a str"));
        PickleBuilder tag = moduleStart(new PickleBuilder().proto(2)).unicode("x").global("torch.jit._pickle", "restore_type_tag")
                .unicode("not a container").unicode("Dict[str, int]").op(0x86).reduce().setitems().build();
        assertTrue(refused(archiveWithPickle(tag)).contains("restore_type_tag expects a list or dict"));
        // Outside TorchScript archives these markers are not allowed at all.
        byte[] plain = new PickleBuilder().proto(2).global("torch.jit._pickle", "build_intlist").stop().bytes();
        assertTrue(assertRefusedStateDict(plain).contains("refusing to load: the pickle calls torch.jit._pickle.build_intlist"));
    }

    private static String assertRefusedStateDict(byte[] pickle) {
        return assertThrows(ModelFormatException.class,
                () -> RestrictedUnpickler.load("x.pt", pickle)).getMessage();
    }

    // ---- code/ declarations ------------------------------------------------------------------------

    private String refusedWithCode(String source) throws IOException {
        Module m = new Module("m.M").param("w", Tensor.f32(true, new long[]{1}, 1));
        return refused(new TorchScriptWriter("bad", "cpu").code("__torch__/m.py", source).write(m));
    }

    @Test
    void codeIsReadOnlyForClassDeclarations() throws IOException {
        // Method bodies, other classes and odd but valid spacing do not matter.
        String source = """
                op_version_set = 1
                class Other(Module):
                  __parameters__ = ["w", ]
                  __buffers__ = []
                class M(Module):
                  __parameters__ = [ "w" ]
                  __buffers__ = []
                  w : Tensor
                  training : bool
                  def forward(self: __torch__.m.M,
                    x: Tensor) -> Tensor:
                    __parameters__ = ["decoy", ]
                    return x
                def helper(x: Tensor) -> Tensor:
                  return x
                """;
        Module m = new Module("m.M").param("w", Tensor.f32(true, new long[]{1}, 1));
        Path p = write("ok.pt", new TorchScriptWriter("ok", "cpu").code("__torch__/m.py", source).write(m));
        try (TorchZipFile ts = TorchZipFile.open(p)) {
            assertEquals(List.of("w"), names(ts));
        }
    }

    @Test
    void malformedDeclarationsAreRefused() throws IOException {
        assertTrue(refusedWithCode("class M(Module):\n  __buffers__ = []\n").contains("declares no __parameters__"));
        assertTrue(refusedWithCode("class M(Module):\n  __parameters__ = [\"w\", ]\n  __parameters__ = []\n")
                .contains("assigned twice"));
        assertTrue(refusedWithCode("class M(Module):\n  __parameters__ = [w, ]\n").contains("quoted attribute names"));
        assertTrue(refusedWithCode("class M(Module):\n  __parameters__ = [\"w\", \"w\", ]\n").contains("listed twice"));
        assertTrue(refusedWithCode("class M(Module):\n  __parameters__ = [\"w\", ]\n  __buffers__ = [\"w\", ]\n")
                .contains("both a parameter and a buffer"));
        assertTrue(refusedWithCode("class M(Module):\n  __parameters__ = [\"w\", ]\nclass M(Module):\n  __parameters__ = []\n")
                .contains("defined twice"));
        assertTrue(refusedWithCode("class M(Module) :\n").contains("unrecognised class statement"));
        assertTrue(refusedWithCode("class N(Module):\n  __parameters__ = []\n").contains("is not defined in bad/code/__torch__/m.py"));
    }

    // ---- robustness --------------------------------------------------------------------------------

    @Test
    void corruptingAnyByteNeverEscapesAsAnotherException() throws IOException {
        Module m = new Module("m.M").param("w", Tensor.f32(true, new long[]{2}, 1, 2))
                .child("sub", new Module("m.S").buffer("b", Tensor.i64Scalar(1)).attr("pad", new IntList(1)));
        byte[] zip = new TorchScriptWriter("m", "cpu").write(m);
        Path file = tmp.resolve("fuzz.pt");
        for (int i = 0; i < zip.length; i++) {
            byte[] bad = zip.clone();
            bad[i] ^= (byte) 0xff;
            Files.write(file, bad);
            try (WeightFile w = WeightFiles.open(file)) {
                for (TensorInfo t : w.tensors()) {
                    w.bytes(t.name());
                }
            } catch (ModelFormatException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz.pt: "), expected.getMessage());
            }
        }
        for (int len = 0; len < zip.length; len += 7) {
            Files.write(file, Arrays.copyOf(zip, len));
            try (WeightFile w = WeightFiles.open(file)) {
                w.tensors();
            } catch (ModelFormatException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz.pt: "), expected.getMessage());
            }
        }
    }

    @Test
    void closeReleasesTheStorages() throws IOException {
        Module m = new Module("m.M").param("w", Tensor.f32(true, new long[]{2}, 1, 2));
        TorchZipFile ts = TorchZipFile.open(write("m.pt", new TorchScriptWriter("m", "cpu").write(m)));
        MemorySegment seg = ts.bytes("w");
        ts.close();
        assertThrows(IllegalStateException.class,
                () -> seg.get(ValueLayout.JAVA_BYTE, 0));
    }
}
