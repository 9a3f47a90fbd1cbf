//===- NumpyTensors.cpp - NumPy arrays in and out of calls ----------------===//

#include "NumpyTensors.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

namespace py = pybind11;

namespace tessera::python {
namespace {

/// numpy and numpy.generic, looked up once (never released: they live as
/// long as the interpreter).
const py::object &numpyModule() {
  static const py::object *numpy = new py::object(py::module_::import("numpy"));
  return *numpy;
}
const py::object &numpyGeneric() {
  static const py::object *generic =
      new py::object(numpyModule().attr("generic"));
  return *generic;
}

bool isNativeByteOrder(const py::dtype &dtype) {
  char order = dtype.byteorder();
  return order == '=' || order == '|' ||
         order == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? '<' : '>');
}

bool isElementType(const py::dtype &dtype, rt::ElementType type) {
  char kind = dtype.kind();
  size_t size = dtype.itemsize();
  switch (type) {
  case rt::ElementType::F32:
  case rt::ElementType::BF16:
    return kind == 'f' && size == 4;
  case rt::ElementType::F16:
    return kind == 'f' && size == 2;
  case rt::ElementType::F64:
    return kind == 'f' && size == 8;
  case rt::ElementType::I1:
    return kind == 'b';
  case rt::ElementType::I8:
  case rt::ElementType::I16:
  case rt::ElementType::I32:
  case rt::ElementType::I64:
    return kind == 'i' && size == rt::elementSize(type);
  }
  return false;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string typeName(py::handle value) {
  return py::str(py::type::handle_of(value).attr("__name__"));
}

std::string expectedText(const rt::TensorType &type) {
  std::string dtype = py::str(dtypeOf(type.elementType));
  if (type.scalar)
    return std::string(rt::elementTypeName(type.elementType)) +
           ", a scalar of dtype " + dtype;
  return "tensor<" + type.str() + ">, dtype " + dtype;
}

/// Names an argument and what it expects, for messages (built only when
/// one is raised: a call's arguments are checked on every call).
using Describe = std::function<std::string()>;

/// A scalar argument: a value, not a buffer. Python numbers, NumPy scalars
/// and 0-d arrays convert by kind, as Python's arithmetic would: bools
/// and ints to integers (out of range is an error, never a wrap-around),
/// ints and floats to floats (a finite float the type cannot hold is an
/// error), only bools to i1.
rt::Tensor toScalar(py::handle value, const rt::TensorType &type,
                    const Describe &what) {
  rt::ElementType element = type.elementType;
  py::object number = py::reinterpret_borrow<py::object>(value);
  if (py::isinstance<py::array>(value) ||
      py::isinstance(value, numpyGeneric())) {
    py::array array = py::array::ensure(value);
    if (!array)
      throw py::type_error(what() + ": got " + typeName(value));
    if (array.ndim() != 0)
      throw py::type_error(what() + ": got an array of shape " +
                           shapeText(std::vector<int64_t>(
                               array.shape(), array.shape() + array.ndim())));
    if (!strchr("biuf", array.dtype().kind()))
      throw py::type_error(what() + ": got a value of dtype " +
                           std::string(py::str(array.dtype())));
    number = array.attr("item")();
  }
  bool isBool = py::isinstance<py::bool_>(number);
  bool isInt = !isBool && py::isinstance<py::int_>(number);
  bool isFloat = py::isinstance<py::float_>(number);
  auto doesNotFit = [&] {
    std::string text = py::str(number);
    if (text.size() > 24)
      text = text.substr(0, 12) + "... (" + std::to_string(text.size()) +
             " characters)";
    return py::value_error(what() + ": " + text + " does not fit in " +
                           std::string(rt::elementTypeName(element)));
  };
  if (!isBool && !isInt && !isFloat)
    throw py::type_error(what() + ": got " + typeName(value));
  if (element == rt::ElementType::I1 && !isBool)
    throw py::type_error(what() + ": got " + typeName(value) +
                         "; pass True or False");
  if (isFloat && !rt::isFloat(element))
    throw py::type_error(what() + ": got a float for an integer parameter");
  if (isInt && !rt::isFloat(element)) {
    int overflow = 0;
    long long integer = PyLong_AsLongLongAndOverflow(number.ptr(), &overflow);
    int bits = 8 * int(rt::elementSize(element));
    long long high = bits == 64 ? std::numeric_limits<long long>::max()
                                : (1LL << (bits - 1)) - 1;
    if (overflow || integer > high || integer < -high - 1)
      throw doesNotFit();
  }
  if (isInt && rt::isFloat(element)) {
    PyLong_AsDouble(number.ptr());
    if (PyErr_Occurred()) {
      PyErr_Clear();
      throw doesNotFit();
    }
  }
  if (isFloat || isInt) {
    // The smallest magnitude that rounds to infinity: the largest finite
    // value plus half its last place.
    double bound = element == rt::ElementType::F16    ? 65520.0
                   : element == rt::ElementType::BF16 ? 0x1.ffp127
                   : element == rt::ElementType::F32  ? 0x1.ffffffp127
                                                      : HUGE_VAL;
    double magnitude = std::fabs(number.cast<double>());
    if (rt::isFloat(element) && std::isfinite(magnitude) && magnitude >= bound)
      throw doesNotFit();
  }
  py::array converted = py::array::ensure(
      numpyModule().attr("asarray")(number, dtypeOf(element)));
  if (!converted)
    throw doesNotFit();
  std::vector<uint8_t> bytes(rt::elementSize(element));
  if (element == rt::ElementType::BF16) {
    uint16_t bits =
        rt::floatToBfloat16(*static_cast<const float *>(converted.data()));
    std::memcpy(bytes.data(), &bits, sizeof bits);
  } else {
    std::memcpy(bytes.data(), converted.data(), bytes.size());
  }
  auto tensor = rt::Tensor::scalarValue(element, bytes.data());
  if (!tensor)
    throw py::value_error(what() + ": " + tensor.status().message());
  return *tensor;
}

/// An array's kind ('f', 'i', 'u', 'b') fits an element type's.
bool isKindOf(char kind, rt::ElementType element) {
  if (element == rt::ElementType::I1)
    return kind == 'b';
  if (rt::isFloat(element))
    return kind == 'f' || kind == 'i' || kind == 'u' || kind == 'b';
  return kind == 'i' || kind == 'u' || kind == 'b';
}

bool overlaps(
    const std::vector<std::pair<const uint8_t *, const uint8_t *>> &ranges,
    const uint8_t *begin, const uint8_t *end) {
  return std::any_of(ranges.begin(), ranges.end(), [&](const auto &range) {
    return begin < range.second && range.first < end;
  });
}

} // namespace

py::dtype dtypeOf(rt::ElementType type) {
  switch (type) {
  case rt::ElementType::F32:
  case rt::ElementType::BF16:
    return py::dtype::of<float>();
  case rt::ElementType::F16:
    return py::dtype("float16");
  case rt::ElementType::F64:
    return py::dtype::of<double>();
  case rt::ElementType::I1:
    return py::dtype::of<bool>();
  case rt::ElementType::I8:
    return py::dtype::of<int8_t>();
  case rt::ElementType::I16:
    return py::dtype::of<int16_t>();
  case rt::ElementType::I32:
    return py::dtype::of<int32_t>();
  case rt::ElementType::I64:
    return py::dtype::of<int64_t>();
  }
  return py::dtype::of<float>();
}

CallInputs toCallInputs(const rt::FunctionSignature &function,
                        const std::string &where, const py::args &args) {
  if (args.size() != function.inputs.size())
    throw py::type_error(
        where + " takes " + std::to_string(function.inputs.size()) +
        " argument" + (function.inputs.size() == 1 ? "" : "s") + " " +
        function.str() + ", got " + std::to_string(args.size()));
  CallInputs inputs;
  for (size_t i = 0; i < args.size(); ++i) {
    const rt::TensorType &type = function.inputs[i];
    py::handle value = args[i];
    Describe what = [&] {
      return "argument " + std::to_string(i + 1) + " of " + where + " (" +
             expectedText(type) + ")";
    };
    if (value.is_none())
      throw py::type_error(what() + ": got None");
    if (type.scalar) {
      inputs.tensors.push_back(toScalar(value, type, what));
      continue;
    }
    // Arrays, NumPy scalars and what converts to an array without guessing
    // (objects with __array__ or a buffer, nested lists, a number for a
    // rank-0 tensor); not strings or dicts.
    bool isList =
        py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value);
    bool isNumber =
        !py::isinstance<py::str>(value) &&
        (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value));
    bool arrayLike =
        py::isinstance<py::array>(value) ||
        py::isinstance(value, numpyGeneric()) ||
        py::hasattr(value, "__array__") ||
        py::hasattr(value, "__array_interface__") || isList ||
        (isNumber && type.shape.empty()) ||
        (!py::isinstance<py::str>(value) && !py::isinstance<py::bytes>(value) &&
         PyObject_CheckBuffer(value.ptr()));
    // (A default-constructed py::array is an empty array, not null.)
    py::array array = arrayLike
                          ? py::array::ensure(value)
                          : py::reinterpret_steal<py::array>(py::handle());
    if (!array && isList) {
      PyErr_Clear();
      throw py::value_error(what() + ": NumPy makes no array of this " +
                            typeName(value) + " (ragged?)");
    }
    if (!array)
      throw py::type_error(what() + ": expected a numpy.ndarray, got " +
                           typeName(value));
    rt::ElementType element = type.elementType;
    // Lists and Python numbers have no dtype of their own: they take the
    // parameter's when their kind fits.
    if ((isList || isNumber) && array.dtype().kind() == 'O')
      throw py::value_error(
          what() + ": NumPy makes no array of numbers of this " +
          typeName(value) +
          " (ragged, or integers beyond 64 bits); pass a numpy.ndarray");
    if ((isList || isNumber) && !isElementType(array.dtype(), element) &&
        isKindOf(array.dtype().kind(), element)) {
      // Values that the parameter's type cannot hold are an error, as for
      // scalars, not a wrap-around or an infinity.
      py::dtype target = dtypeOf(element);
      py::object info = rt::isFloat(element)
                            ? numpyModule().attr("finfo")(target)
                            : numpyModule().attr("iinfo")(target);
      bool inRange = array.size() == 0 ||
                     (numpyModule()
                          .attr("all")(numpyModule().attr("logical_or")(
                              numpyModule().attr("logical_and")(
                                  numpyModule().attr("greater_equal")(
                                      array, info.attr("min")),
                                  numpyModule().attr("less_equal")(
                                      array, info.attr("max"))),
                              numpyModule().attr("logical_not")(
                                  numpyModule().attr("isfinite")(array))))
                          .cast<bool>());
      if (!inRange)
        throw py::value_error(what() + ": a value of the " + typeName(value) +
                              " does not fit in " +
                              std::string(rt::elementTypeName(element)));
      array = numpyModule().attr("asarray")(array, target);
    }
    if (!isElementType(array.dtype(), element)) {
      std::string want = py::str(dtypeOf(element));
      throw py::type_error(what() + ": got an array of " +
                           std::string(py::str(array.dtype())) +
                           "; convert it with .astype(numpy." + want + ")");
    }
    std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
    bool shapeMatches = shape.size() == type.shape.size();
    for (size_t d = 0; shapeMatches && d < shape.size(); ++d)
      shapeMatches = type.shape[d] < 0 || type.shape[d] == shape[d];
    if (!shapeMatches)
      throw py::value_error(what() + ": got shape " + shapeText(shape));

    if (element == rt::ElementType::BF16) {
      // float32 values rounded to bf16 (NumPy has no bfloat16).
      py::array_t<float, py::array::c_style | py::array::forcecast> floats(
          array);
      auto tensor = rt::Tensor::allocate(element, shape);
      if (!tensor)
        throw py::value_error(what() + ": " + tensor.status().message());
      uint16_t *bits = tensor->mutableData<uint16_t>();
      for (py::ssize_t e = 0; e < floats.size(); ++e)
        bits[e] = rt::floatToBfloat16(floats.data()[e]);
      inputs.tensors.push_back(std::move(*tensor));
      continue;
    }
    // NumPy counts any nonzero byte of a bool array as True (a view of
    // other bytes may hold 2 or 255); the kernels read 0 or 1.
    if (element == rt::ElementType::I1 && array.size() > 0 &&
        numpyModule()
            .attr("any")(
                numpyModule().attr("greater")(array.attr("view")("uint8"), 1))
            .cast<bool>())
      array = numpyModule().attr("not_equal")(array.attr("view")("uint8"), 0);
    constexpr int kInPlace = py::detail::npy_api::NPY_ARRAY_C_CONTIGUOUS_ |
                             py::detail::npy_api::NPY_ARRAY_ALIGNED_;
    if ((array.flags() & kInPlace) != kInPlace ||
        !isNativeByteOrder(array.dtype()))
      array = numpyModule().attr("ascontiguousarray")(array, dtypeOf(element));
    const auto *data = static_cast<const uint8_t *>(array.data());
    size_t size = size_t(array.nbytes());
    // Read in place: the array stays referenced in `inputs` for the call.
    inputs.tensors.emplace_back(element, shape,
                                rt::Buffer::wrap(data, size, nullptr));
    inputs.viewed.emplace_back(data, data + size);
    inputs.arrays.push_back(std::move(array));
  }
  return inputs;
}

std::vector<py::object> toNumpy(const std::vector<rt::Tensor> &results,
                                const CallInputs &inputs) {
  std::vector<py::object> arrays;
  std::vector<std::pair<const uint8_t *, const uint8_t *>> returned;
  for (const rt::Tensor &result : results) {
    py::dtype dtype = dtypeOf(result.elementType());
    std::vector<py::ssize_t> shape(result.shape().begin(),
                                   result.shape().end());
    if (result.elementType() == rt::ElementType::BF16) {
      py::array_t<float> floats(shape);
      const uint16_t *bits = result.data<uint16_t>();
      for (int64_t e = 0; e < result.elementCount(); ++e)
        floats.mutable_data()[e] = rt::bfloat16ToFloat(bits[e]);
      arrays.push_back(result.isScalar() ? floats[py::tuple()]
                                         : py::object(std::move(floats)));
      continue;
    }
    const uint8_t *begin = result.bytes();
    const uint8_t *end = begin + result.byteSize();
    py::array array;
    bool shared = result.isScalar() || result.storage()->isReadOnly() ||
                  overlaps(inputs.viewed, begin, end) ||
                  overlaps(returned, begin, end);
    if (shared) {
      // Copied: no base object.
      array = py::array(dtype, shape, begin);
    } else {
      // The array owns the runtime's buffer.
      auto *owner = new std::shared_ptr<rt::Buffer>(result.storage());
      py::capsule base(owner, [](void *pointer) {
        delete static_cast<std::shared_ptr<rt::Buffer> *>(pointer);
      });
      array = py::array(dtype, shape, begin, base);
    }
    returned.emplace_back(begin, end);
    arrays.push_back(result.isScalar() ? array[py::tuple()]
                                       : py::object(std::move(array)));
  }
  return arrays;
}

py::object packResults(std::vector<py::object> results) {
  if (results.empty())
    return py::none();
  if (results.size() == 1)
    return std::move(results.front());
  py::tuple tuple(results.size());
  for (size_t i = 0; i < results.size(); ++i)
    tuple[i] = std::move(results[i]);
  return std::move(tuple);
}

} // namespace tessera::python
