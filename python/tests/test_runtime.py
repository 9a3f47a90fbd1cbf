"""tessera.runtime: modules and their signatures, every dtype, scalars,
who owns results, profiles."""

import json

import numpy as np
import pytest

import tessera
from conftest import EXAMPLES_DIR, compile_module, random

DTYPES = {
    "f32": ("addf", np.float32), "f16": ("addf", np.float16),
    "f64": ("addf", np.float64), "i8": ("addi", np.int8),
    "i16": ("addi", np.int16), "i32": ("addi", np.int32),
    "i64": ("addi", np.int64), "i1": ("ori", np.bool_),
}


def add_program(element, op, n=5):
    return f"""
func.func @add(%a: tensor<{n}x{element}>, %b: tensor<{n}x{element}>) -> tensor<{n}x{element}> {{
  %e = tensor.empty() : tensor<{n}x{element}>
  %r = linalg.generic {{indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}}
      ins(%a, %b : tensor<{n}x{element}>, tensor<{n}x{element}>) outs(%e : tensor<{n}x{element}>) {{
  ^bb0(%x: {element}, %y: {element}, %o: {element}):
    %s = arith.{op} %x, %y : {element}
    linalg.yield %s : {element}
  }} -> tensor<{n}x{element}>
  return %r : tensor<{n}x{element}>
}}
"""


SCALE_PROGRAM = """
func.func @scale(%x: tensor<4xf32>, %s: f32, %unused: i32) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %s : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
"""

# Results that share memory: the input itself, twice, and a constant.
ALIASING_PROGRAM = """
func.func @views(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<2xf32>) {
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %x, %x, %c : tensor<4xf32>, tensor<4xf32>, tensor<2xf32>
}
"""


@pytest.mark.parametrize("element", list(DTYPES))
def test_every_dtype(element):
    op, dtype = DTYPES[element]
    module = compile_module(add_program(element, op))
    (argument, _) = module.functions[0].inputs
    assert argument.element_type == element
    assert argument.dtype == np.dtype(dtype)
    a = np.array([1, 0, 3, 4, 5]).astype(dtype)
    b = np.array([1, 1, 0, 2, 7]).astype(dtype)
    result = tessera.runtime.Session().call(module, "add", a, b)
    assert result.dtype == np.dtype(dtype)
    expected = (a | b) if dtype is np.bool_ else a + b
    assert np.array_equal(result, expected)


def test_signatures():
    module = compile_module(SCALE_PROGRAM, name="scale")
    (function,) = module.functions
    assert function.name == "scale"
    assert str(function) == "@scale(tensor<4xf32>, f32, i32) -> tensor<4xf32>"
    x, s, n = function.inputs
    assert (x.shape, x.is_scalar, str(x)) == ((4,), False, "tensor<4xf32>")
    assert (s.shape, s.is_scalar, s.element_type) == ((), True, "f32")
    assert str(function.outputs[0]) == "tensor<4xf32>"
    assert module.function("scale").name == "scale"
    dynamic = compile_module(EXAMPLES_DIR.parent / "tests" / "e2e" /
                             "programs" / "matmul_dynamic_m.mlir")
    assert dynamic.functions[0].outputs[0].shape == (None, 40)


def test_scalars():
    module = compile_module(SCALE_PROGRAM)
    session = tessera.runtime.Session()
    x = np.arange(4, dtype=np.float32)
    assert np.array_equal(session.call(module, "scale", x, 2.5, 7), x * 2.5)
    assert np.array_equal(
        session.call(module, "scale", x, np.float32(1.5), np.int32(-3)),
        x * 1.5)
    assert np.array_equal(
        session.call(module, "scale", x, np.array(3.0, np.float32), 0), x * 3)


def test_inputs_in_any_layout():
    module = compile_module(EXAMPLES_DIR / "mlp.mlir")
    session = tessera.runtime.Session()
    x = random((4, 16), 1)
    expected = session.call(module, "predict", x)
    for variant in (np.asfortranarray(x), x.T.copy().T,
                    np.repeat(x, 2, axis=1)[:, ::2], x.astype(">f4"),
                    x.tolist() and np.array(x.tolist(), np.float32)):
        assert np.array_equal(session.call(module, "predict", variant),
                              expected)
    # Inputs are read, never written.
    before = x.copy()
    session.call(module, "predict", x)
    assert np.array_equal(x, before)


def test_results_own_their_memory():
    module = compile_module(EXAMPLES_DIR / "mlp.mlir")
    result = tessera.runtime.Session().call(module, "predict", random((4, 16), 2))
    assert result.flags.writeable and result.flags.c_contiguous
    assert result.base is not None  # the runtime's buffer, kept alive
    result[:] = 0  # may be written: nothing else sees it


def test_results_that_share_memory_are_copies():
    module = compile_module(ALIASING_PROGRAM)
    session = tessera.runtime.Session()
    x = np.arange(4, dtype=np.float32)
    a, b, c = session.call(module, "views", x)
    a[0], b[1], c[0] = 100, 200, 9
    assert np.array_equal(x, np.arange(4, dtype=np.float32))
    assert a[1] == 1 and b[0] == 0
    # The module's constant is untouched for the next call.
    assert np.array_equal(session.call(module, "views", x)[2], [1, 2])


def test_module_from_path_and_bytes(tmp_path):
    data = tessera.compiler.compile(EXAMPLES_DIR / "mlp.mlir")
    path = tmp_path / "mlp.tsm"
    path.write_bytes(data)
    for source in (path, str(path), data, bytearray(data), memoryview(data)):
        module = tessera.runtime.Module.load(source)
        assert [f.name for f in module.functions] == ["predict"]
        assert module.size == len(data)
    assert tessera.runtime.Module.load(path).name == str(path)
    assert tessera.runtime.Module.load(data, name="mlp").name == "mlp"


def test_one_module_on_several_sessions():
    module = compile_module(EXAMPLES_DIR / "mlp.mlir")
    x = random((4, 16), 3)
    first = tessera.runtime.Session("cpu")
    second = tessera.runtime.Session("cpu?workers=2")
    second.load(module)
    assert np.array_equal(first.call(module, "predict", x),
                          second.call(module, "predict", x))
    assert second.device == "cpu?workers=2"
    assert second.devices[0].startswith("cpu")


def test_profile(tmp_path):
    module = compile_module(EXAMPLES_DIR / "mlp.mlir")
    session = tessera.runtime.Session()
    x = random((4, 16), 4)
    profile = session.profile(module, "predict", x, repetitions=5)
    assert profile.function == "predict"
    assert len(profile.calls) == 5
    assert np.array_equal(profile.results, session.call(module, "predict", x))
    dispatches = profile.calls[0].dispatches
    assert len(dispatches) == 2
    assert all(d.duration_us > 0 and d.device == "cpu" for d in dispatches)
    assert dispatches[0].flops > 0 and dispatches[0].bytes > 0
    table = profile.dispatch_table()
    assert sorted(row.export_name for row in table) == sorted(
        d.export_name for d in dispatches)
    assert all(row.count == 5 for row in table)
    assert table[0].total_us >= table[1].total_us
    stats = profile.statistics()
    assert stats["min_us"] <= stats["median_us"] <= stats["max_us"]
    assert profile.median_us == stats["median_us"]
    trace = json.loads(profile.chrome_trace())
    names = {event.get("name") for event in trace["traceEvents"]}
    assert {d.export_name for d in dispatches} <= names
    profile.save_chrome_trace(tmp_path / "trace.json")
    assert json.loads((tmp_path / "trace.json").read_text()) == trace
    assert profile.dispatch_csv().splitlines()[0].startswith("export")
    with pytest.raises(ValueError, match="repetitions"):
        session.profile(module, "predict", x, repetitions=0)


INDEX_FILL_PROGRAM = """
func.func @f(%x: index) -> tensor<1xindex> {
  %e = tensor.empty() : tensor<1xindex>
  %r = linalg.fill ins(%x : index) outs(%e : tensor<1xindex>) -> tensor<1xindex>
  return %r : tensor<1xindex>
}
"""


def test_index_operands_keep_their_value(backend):
    # Found by an outside tester: an index scalar reached the dispatch cut
    # to 32 bits and zero-extended (-1 became 4294967295). It now travels
    # signed, and a value that does not fit is refused, not changed.
    # (SPIR-V stores no index tensors: on Vulkan the CPU variant runs.)
    targets = sorted({backend.target, "llvm-cpu"})
    module = tessera.runtime.Module.load(
        tessera.compiler.compile(INDEX_FILL_PROGRAM, targets=targets))
    for value in (-1, 0, 7, -2**31, 2**31 - 1):
        assert backend.call(module, "f", value).tolist() == [value]
    for value in (2**31, -2**31 - 1, 2**40 + 7):
        with pytest.raises(tessera.CallError,
                           match="outside the signed 32-bit range"):
            backend.call(module, "f", value)


def division_program(op, element):
    return f"""
func.func @f(%a: tensor<?x{element}>, %b: tensor<?x{element}>) -> tensor<?x{element}> {{
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?x{element}>
  %e = tensor.empty(%n) : tensor<?x{element}>
  %r = linalg.generic {{indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}}
      ins(%a, %b : tensor<?x{element}>, tensor<?x{element}>) outs(%e : tensor<?x{element}>) {{
  ^bb0(%x: {element}, %y: {element}, %o: {element}):
    %s = arith.{op} %x, %y : {element}
    linalg.yield %s : {element}
  }} -> tensor<?x{element}>
  return %r : tensor<?x{element}>
}}
"""


@pytest.mark.parametrize("device", ["cpu", "cpu?workers=2"])
def test_integer_division_never_traps(device):
    # Found by an outside tester: a zero divisor (or INT_MIN / -1) in the
    # data ended the interpreter with SIGFPE. The divisor becomes 1 there.
    session = tessera.runtime.Session(device)
    smallest = np.iinfo(np.int32).min
    a = np.array([7, -7, 5, smallest, smallest, 9] * 50, np.int32)
    b = np.array([2, 2, 0, -1, 0, -3] * 50, np.int32)
    expected = {"divsi": [3, -3, 5, smallest, smallest, -3],
                "remsi": [1, -1, 0, 0, 0, 0]}
    for op, values in expected.items():
        module = compile_module(division_program(op, "i32"))
        assert session.call(module, "f", a, b)[:6].tolist() == values
    # Ceil and floor divisions by zero give the dividend too (they were
    # expanded before the guard: x + 1 or x - 1).
    for op in ("ceildivsi", "floordivsi"):
        module = compile_module(division_program(op, "i32"))
        assert session.call(module, "f", a, b)[[2, 4]].tolist() == \
            [5, smallest]
    for op in ("divui", "remui", "ceildivsi", "floordivsi", "ceildivui"):
        module = compile_module(division_program(op, "i64"))
        session.call(module, "f", a.astype(np.int64), b.astype(np.int64))


def test_scalars_convert_by_kind():
    module = compile_module("""
func.func @f(%x: tensor<2xf32>, %s: f32, %n: i32, %m: i8, %b: i1) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}""")
    session = tessera.runtime.Session()
    x = np.zeros(2, np.float32)
    for arguments in [(np.float64(1.5), np.int64(3), np.uint8(5), np.bool_(1)),
                      (2, True, -128, False),
                      (np.array(1.0), np.array(7), np.int16(3), True)]:
        session.call(module, "f", x, *arguments)
    with pytest.raises(ValueError, match="1e\\+300 does not fit in f32"):
        session.call(module, "f", x, 1e300, 1, 1, True)
    session.call(module, "f", x, float("inf"), 1, 1, True)  # inf is inf
    with pytest.raises(ValueError, match="does not fit in i32"):
        session.call(module, "f", x, 1.0, np.int64(2**40), 1, True)


def test_arrays_from_lists_buffers_and_numbers():
    session = tessera.runtime.Session()
    add = compile_module(add_program("f32", "addf", n=3))
    expected = np.array([5, 7, 9], np.float32)
    assert np.array_equal(session.call(add, "add", [1.0, 2, 3], (4, 5, 6)),
                          expected)
    data = np.array([1, 2, 3], np.float32)
    assert np.array_equal(
        session.call(add, "add", memoryview(data), np.array([4, 5, 6],
                                                            np.float32)),
        expected)
    rank0 = compile_module("""
func.func @f(%x: tensor<f64>) -> tensor<f64> {
  return %x : tensor<f64>
}""")
    assert session.call(rank0, "f", 3.0) == 3.0
    with pytest.raises(TypeError, match="got an array of float64"):
        session.call(add, "add", [1.5, 2, 3], np.zeros(3, np.float64))


def test_bools_read_as_numpy_does():
    # A bool array viewed from other bytes may hold 2 or 255: NumPy counts
    # any nonzero byte as True, and so do the kernels now.
    module = compile_module(add_program("i1", "ori", n=4))
    odd = np.array([2, 0, 255, 1], np.uint8).view(np.bool_)
    result = tessera.runtime.Session().call(
        module, "add", odd, np.zeros(4, np.bool_))
    assert result.tolist() == [True, False, True, True]


def test_names_types_and_sessions():
    module = compile_module(EXAMPLES_DIR / "mlp.mlir")
    x = random((4, 16), 9)
    (function,) = module.functions
    assert function.inputs[0] == module.function("@predict").inputs[0]
    assert function.inputs[0] != function.outputs[0]
    assert len({function.inputs[0], module.functions[0].inputs[0]}) == 1
    with tessera.runtime.Session() as session:
        expected = session.call(module, "@predict", x)
        profile = session.profile(module, "predict", x, repetitions=2)
        assert "2 calls" in repr(profile)
        assert "dispatches" in repr(profile.calls[0])
    with pytest.raises(tessera.DeviceError, match="closed"):
        session.call(module, "predict", x)
    assert np.array_equal(expected, tessera.runtime.Session().call(
        module, "predict", x))
