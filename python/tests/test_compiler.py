"""tessera.compiler: what each emit hands back, the phases, the pass
capture, ONNX import, and the same bytes and digits as the CLI."""

import subprocess

import numpy as np
import pytest

import tessera
from conftest import BIN_DIR, EXAMPLES_DIR, random

MLP = EXAMPLES_DIR / "mlp.mlir"


def test_version():
    assert tessera.__version__.count(".") == 2
    assert tessera.compiler._compiler.version().startswith(
        tessera.__version__)


def test_emit_kinds():
    module = tessera.compiler.compile(MLP)
    assert isinstance(module, bytes)
    assert tessera.runtime.Module.load(module).functions[0].name == "predict"
    text = tessera.compiler.compile(MLP, emit="mlir").decode()
    assert "hal_loader" in text or "hal." in text
    library = tessera.compiler.compile(MLP, compile_to="serialize",
                                       emit="shared-lib")
    assert library[:4] == b"\x7fELF"
    obj = tessera.compiler.compile(MLP, compile_to="serialize", emit="obj")
    assert obj[:4] == b"\x7fELF"
    llvm_ir = tessera.compiler.compile(MLP, compile_to="serialize",
                                       emit="llvm-ir").decode()
    assert "define" in llvm_ir
    with pytest.raises(ValueError, match="one per executable"):
        tessera.compiler.compile(MLP, compile_to="serialize", emit="obj",
                                 link_executables=False)


@pytest.mark.parametrize("phase", tessera.compiler.phases()[:-1])
def test_every_phase(phase):
    text = tessera.compiler.compile(MLP, compile_to=phase).decode()
    assert text.startswith("module") or "func.func" in text
    if phase == "flow":
        assert "flow.dispatch" in text


def test_sources_as_text_bytes_and_paths(tmp_path):
    text = MLP.read_text()
    copy = tmp_path / "mlp.mlir"
    copy.write_text(text)
    # The module names its source (locations), so the bytes agree per name.
    assert tessera.compiler.compile(MLP) == tessera.compiler.compile(str(MLP))
    assert tessera.compiler.compile(text) == \
        tessera.compiler.compile(text.encode())
    x = random((4, 16), 5)
    results = {tessera.runtime.Session().call(
        tessera.runtime.Module.load(tessera.compiler.compile(source)),
        "predict", x).tobytes() for source in (MLP, copy, text)}
    assert len(results) == 1


def test_capture_passes():
    result = tessera.compiler.compile(MLP, capture_passes=True)
    assert isinstance(result, tessera.compiler.CompileResult)
    assert tessera.runtime.Module.load(result.output)
    passes = result.passes
    assert len(passes) > 20
    assert [p.index for p in passes] == list(range(len(passes)))
    phases = [p.phase for p in passes]
    assert phases.index("flow") < phases.index("codegen")
    changed = [p for p in passes if p.changed]
    assert changed and all(p.ir_after for p in changed)
    formed = [p for p in passes if p.argument.startswith(
        "tessera-flow-form-dispatches")]
    assert formed and "flow.dispatch" in formed[0].ir_after
    assert "flow.dispatch" not in formed[0].ir_before
    assert formed[0].anchor in ("builtin.module", "func.func")
    assert all(p.wall_ms >= 0 and not p.failed for p in passes)
    assert [name for name, _ in result.phase_ms][:2] == ["input",
                                                          "global-opt"]
    assert tessera.compiler.compile(MLP, capture_passes=False) == \
        result.output


def test_vulkan_target():
    module = tessera.runtime.Module.load(
        tessera.compiler.compile(MLP, targets=["llvm-cpu", "vulkan-spirv"]))
    assert module.functions[0].name == "predict"


def test_same_digits_as_tessera_run(tmp_path):
    # The README's example from Python and from the CLI: the same module
    # bytes and, on the same input, the same result to the last bit.
    x = random((4, 16), 31)
    np.save(tmp_path / "x.npy", x)
    module_path = tmp_path / "mlp.tsm"
    subprocess.run([BIN_DIR / "tessera", "compile", MLP, "-o", module_path],
                   check=True)
    assert module_path.read_bytes() == tessera.compiler.compile(MLP)
    subprocess.run([BIN_DIR / "tessera", "run", module_path,
                    "--input=@" + str(tmp_path / "x.npy"),
                    "--output=@" + str(tmp_path / "y.npy")], check=True,
                   capture_output=True)
    expected = np.load(tmp_path / "y.npy")
    module = tessera.runtime.Module.load(module_path)
    result = tessera.runtime.Session().call(module, "predict", x)
    assert result.dtype == expected.dtype and result.shape == expected.shape
    assert result.tobytes() == expected.tobytes()


def tiny_onnx_model(path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper
    w = random((8, 5), 41)
    b = random((5,), 42)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["m"]),
         helper.make_node("Add", ["m", "b"], ["a"]),
         helper.make_node("Relu", ["a"], ["y"])],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 5])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, path)
    return w, b


def test_import_onnx(tmp_path):
    path = tmp_path / "tiny.onnx"
    w, b = tiny_onnx_model(path)
    text = tessera.compiler.import_onnx(path).decode()
    assert "func.func @main" in text
    bytecode = tessera.compiler.import_onnx(path, bytecode=True)
    assert bytecode[:4] == b"ML\xefR"
    x = random((3, 8), 43)
    expected = np.maximum(x.astype(np.float64) @ w + b, 0)
    for source in (path, text, bytecode):
        module = tessera.runtime.Module.load(tessera.compiler.compile(source))
        result = tessera.runtime.Session().call(module, "main", x)
        np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x08\x07garbage")
    with pytest.raises(tessera.CompileError):
        tessera.compiler.import_onnx(broken)
    with pytest.raises(ValueError, match="not an .onnx model"):
        tessera.compiler.import_onnx(MLP)
