//===- ProgramGenerator.cpp - Random valid linalg-on-tensors programs -----===//

#include "ProgramGenerator.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <sstream>

namespace tessera::conformance {

const char *elementName(Element element) {
  switch (element) {
  case Element::F32:
    return "f32";
  case Element::F16:
    return "f16";
  case Element::I32:
    return "i32";
  case Element::I8:
    return "i8";
  }
  return "f32";
}

bool isFloat(Element element) {
  return element == Element::F32 || element == Element::F16;
}

size_t elementBytes(Element element) {
  switch (element) {
  case Element::F32:
  case Element::I32:
    return 4;
  case Element::F16:
    return 2;
  case Element::I8:
    return 1;
  }
  return 4;
}

namespace {

/// splitmix64: well-spread seeds from consecutive numbers.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// Largest tensor a step makes, and longest reduction.
constexpr int64_t kMaxElements = 1 << 15;
constexpr int64_t kMaxReduction = 512;

/// A tensor value of the program.
struct Value {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<bool> dynamic;
  double accumulation = 1;
  bool isArgument = false;
  bool consumed = false;
  int64_t rank() const { return shape.size(); }
  int64_t elements() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

/// One dimension of a tensor to create: its size, and the value dimension
/// it is taken from when it is dynamic.
struct Dim {
  int64_t size = 1;
  int source = -1; // value index, when dynamic
  unsigned sourceDim = 0;
};

std::string joinInts(const std::vector<int64_t> &values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i)
    out += (i ? ", " : "") + std::to_string(values[i]);
  return out;
}

class Generator {
public:
  explicit Generator(const ProgramSpec &spec) : spec(spec) {}

  Program run() {
    std::mt19937_64 programRng(mix(spec.seed));
    element = pickElement(programRng);
    bool dynamicInputs =
        std::uniform_int_distribution<int>(0, 9)(programRng) < 3;
    unsigned steps = stepCount(spec.seed);
    current = newArgument(randomShape(programRng, 1 + programRng() % 4),
                          dynamicInputs, programRng);
    for (unsigned step = 0; step < steps; ++step) {
      std::mt19937_64 rng(mix(spec.seed * 64 + step + 1));
      if (step < spec.dropped.size() && spec.dropped[step])
        continue;
      emitStep(rng, dynamicInputs);
    }
    return finish();
  }

private:
  // --- Random choices -----------------------------------------------------

  Element pickElement(std::mt19937_64 &rng) {
    int roll = rng() % 100;
    if (roll < 70)
      return Element::F32;
    if (roll < 82)
      return Element::I32;
    if (roll < 92)
      return Element::F16;
    return Element::I8;
  }

  int64_t shrunk(int64_t size) {
    return std::max<int64_t>(1, size / spec.shrink);
  }

  int64_t randomSize(std::mt19937_64 &rng) {
    static const int64_t sizes[] = {1,  2,  3,  4,  5,  7,  8,  9, 12,
                                    16, 17, 24, 31, 32, 33, 48, 64};
    return shrunk(sizes[rng() % (sizeof(sizes) / sizeof(sizes[0]))]);
  }

  std::vector<int64_t> randomShape(std::mt19937_64 &rng, int64_t rank,
                                   int64_t budget = kMaxElements / 4) {
    std::vector<int64_t> shape;
    int64_t total = 1;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t size = randomSize(rng);
      while (size > 1 && total * size > budget)
        size = (size + 1) / 2;
      shape.push_back(size);
      total *= size;
    }
    return shape;
  }

  bool chance(std::mt19937_64 &rng, int percent) {
    return int(rng() % 100) < percent;
  }

  // --- Text ---------------------------------------------------------------

  std::string type(const std::vector<int64_t> &shape,
                   const std::vector<bool> &dynamic) {
    std::string out = "tensor<";
    for (size_t i = 0; i < shape.size(); ++i)
      out += (dynamic[i] ? std::string("?") : std::to_string(shape[i])) + "x";
    return out + elementName(element) + ">";
  }
  std::string type(const Value &value) {
    return type(value.shape, value.dynamic);
  }
  std::string scalar() { return elementName(element); }

  std::string fresh() { return "%v" + std::to_string(counter++); }

  /// `%vN = rhs` in a region body; returns %vN.
  std::string bodyLine(const std::string &rhs) {
    std::string name = fresh();
    body << "    " << name << " = " << rhs << "\n";
    return name;
  }

  std::string indexConstant(int64_t value) {
    auto it = indexConstants.find(value);
    if (it != indexConstants.end())
      return it->second;
    std::string name = "%c" + std::to_string(value);
    body << "  " << name << " = arith.constant " << value << " : index\n";
    return indexConstants[value] = name;
  }

  /// A scalar constant of the element type.
  std::string constant(double value) {
    std::string name = fresh();
    body << "  " << name << " = arith.constant ";
    if (isFloat(element)) {
      std::ostringstream text;
      text.precision(6);
      text << std::showpoint << value;
      body << text.str();
    } else {
      body << int64_t(value);
    }
    body << " : " << scalar() << "\n";
    return name;
  }

  /// The identity of max: -inf or the smallest integer.
  std::string lowest() {
    std::string name = fresh();
    body << "  " << name << " = arith.constant ";
    switch (element) {
    case Element::F32:
      body << "0xFF800000";
      break;
    case Element::F16:
      body << "0xFC00";
      break;
    case Element::I32:
      body << "-2147483648";
      break;
    case Element::I8:
      body << "-128";
      break;
    }
    body << " : " << scalar() << "\n";
    return name;
  }

  int newArgument(std::vector<int64_t> shape, bool dynamicInputs,
                  std::mt19937_64 &rng) {
    Value value;
    value.name = "%arg" + std::to_string(arguments.size());
    value.shape = shape;
    for (size_t i = 0; i < shape.size(); ++i)
      value.dynamic.push_back(dynamicInputs && chance(rng, 40));
    value.isArgument = true;
    arguments.push_back(values.size());
    values.push_back(value);
    return values.size() - 1;
  }
  int staticArgument(std::vector<int64_t> shape) {
    std::mt19937_64 unused;
    return newArgument(std::move(shape), false, unused);
  }

  int addValue(const std::string &name, const std::vector<Dim> &dims,
               double accumulation) {
    Value value;
    value.name = name;
    for (const Dim &dim : dims) {
      value.shape.push_back(dim.size);
      value.dynamic.push_back(dim.source >= 0);
    }
    value.accumulation = accumulation;
    values.push_back(value);
    return values.size() - 1;
  }

  Dim dimOf(int value, unsigned dim) {
    const Value &v = values[value];
    return Dim{v.shape[dim], v.dynamic[dim] ? value : -1, dim};
  }
  static Dim staticDim(int64_t size) { return Dim{size, -1, 0}; }

  /// tensor.empty of `dims` (dynamic sizes read with tensor.dim).
  std::string empty(const std::vector<Dim> &dims) {
    std::vector<std::string> sizes;
    std::vector<int64_t> shape;
    std::vector<bool> dynamic;
    for (const Dim &dim : dims) {
      shape.push_back(dim.size);
      dynamic.push_back(dim.source >= 0);
      if (dim.source >= 0) {
        std::string index = indexConstant(dim.sourceDim);
        std::string size = fresh();
        body << "  " << size << " = tensor.dim " << values[dim.source].name
             << ", " << index << " : " << type(values[dim.source]) << "\n";
        sizes.push_back(size);
      }
    }
    std::string name = fresh();
    body << "  " << name << " = tensor.empty(";
    for (size_t i = 0; i < sizes.size(); ++i)
      body << (i ? ", " : "") << sizes[i];
    body << ") : " << type(shape, dynamic) << "\n";
    return name;
  }

  std::string typeOf(const std::vector<Dim> &dims) {
    std::vector<int64_t> shape;
    std::vector<bool> dynamic;
    for (const Dim &dim : dims) {
      shape.push_back(dim.size);
      dynamic.push_back(dim.source >= 0);
    }
    return type(shape, dynamic);
  }

  /// An init tensor filled with `value`.
  std::string filled(const std::vector<Dim> &dims, const std::string &value) {
    std::string init = empty(dims);
    std::string name = fresh();
    body << "  " << name << " = linalg.fill ins(" << value << " : " << scalar()
         << ") outs(" << init << " : " << typeOf(dims) << ") -> "
         << typeOf(dims) << "\n";
    return name;
  }

  std::vector<Dim> dimsOf(int value) {
    std::vector<Dim> dims;
    for (unsigned i = 0; i < values[value].shape.size(); ++i)
      dims.push_back(dimOf(value, i));
    return dims;
  }

  /// `value` with static dimensions (a tensor.cast when it has dynamic ones).
  int staticOf(int value) {
    const Value &v = values[value];
    if (std::none_of(v.dynamic.begin(), v.dynamic.end(),
                     [](bool d) { return d; }))
      return value;
    std::vector<Dim> dims;
    for (int64_t size : v.shape)
      dims.push_back(staticDim(size));
    std::string name = fresh();
    body << "  " << name << " = tensor.cast " << v.name << " : " << type(v)
         << " to " << typeOf(dims) << "\n";
    values[value].consumed = true;
    return addValue(name, dims, v.accumulation);
  }

  /// `value` reshaped (static) to `rank` dimensions: leading dimensions
  /// collapsed, or unit dimensions put in front.
  int toRank(int value, int64_t rank) {
    if (values[value].rank() == rank)
      return value;
    if (values[value].rank() == 0) {
      // Broadcast a scalar tensor to a vector first.
      std::vector<Dim> dims = {staticDim(1)};
      std::string init = empty(dims);
      std::string name = fresh();
      body << "  " << name << " = linalg.broadcast ins(" << values[value].name
           << " : " << type(values[value]) << ") outs(" << init << " : "
           << typeOf(dims) << ") dimensions = [0]\n";
      values[value].consumed = true;
      value = addValue(name, dims, values[value].accumulation);
      if (rank == 1)
        return value;
    }
    value = staticOf(value);
    const Value v = values[value];
    std::string name = fresh();
    std::vector<Dim> dims;
    std::string groups;
    if (v.rank() > rank) {
      int64_t merged = v.rank() - rank + 1, size = 1;
      groups = "[[";
      for (int64_t i = 0; i < merged; ++i) {
        groups += (i ? ", " : "") + std::to_string(i);
        size *= v.shape[i];
      }
      groups += "]";
      dims.push_back(staticDim(size));
      for (int64_t i = merged; i < v.rank(); ++i) {
        groups += ", [" + std::to_string(i) + "]";
        dims.push_back(staticDim(v.shape[i]));
      }
      groups += "]";
      body << "  " << name << " = tensor.collapse_shape " << v.name << " "
           << groups << " : " << type(v) << " into " << typeOf(dims) << "\n";
    } else {
      int64_t added = rank - v.rank();
      groups = "[[";
      for (int64_t i = 0; i <= added; ++i) {
        groups += (i ? ", " : "") + std::to_string(i);
        dims.push_back(staticDim(i == added ? v.shape[0] : 1));
      }
      groups += "]";
      for (int64_t i = 1; i < v.rank(); ++i) {
        groups += ", [" + std::to_string(i + added) + "]";
        dims.push_back(staticDim(v.shape[i]));
      }
      groups += "]";
      std::vector<int64_t> shape;
      for (const Dim &dim : dims)
        shape.push_back(dim.size);
      body << "  " << name << " = tensor.expand_shape " << v.name << " "
           << groups << " output_shape [" << joinInts(shape)
           << "] : " << type(v) << " into " << typeOf(dims) << "\n";
    }
    values[value].consumed = true;
    return addValue(name, dims, v.accumulation);
  }

  // --- Scalar bodies ------------------------------------------------------

  /// A unary elementwise function of `x` (in a region), returning its name.
  std::string unaryBody(std::mt19937_64 &rng, const std::string &x,
                        std::string &what) {
    std::string t = scalar();
    if (isFloat(element)) {
      switch (rng() % 12) {
      case 0:
        what = "exp";
        return bodyLine("math.exp " + x + " : " + t);
      case 1:
        what = "tanh";
        return bodyLine("math.tanh " + x + " : " + t);
      case 2:
        what = "erf";
        return bodyLine("math.erf " + x + " : " + t);
      case 3: {
        what = "rsqrt";
        std::string one = bodyLine("arith.constant 1.0 : " + t);
        std::string a = bodyLine("math.absf " + x + " : " + t);
        return bodyLine("math.rsqrt " +
                        bodyLine("arith.addf " + a + ", " + one + " : " + t) +
                        " : " + t);
      }
      case 4: {
        what = "log";
        std::string one = bodyLine("arith.constant 1.0 : " + t);
        std::string a = bodyLine("math.absf " + x + " : " + t);
        return bodyLine("math.log " +
                        bodyLine("arith.addf " + a + ", " + one + " : " + t) +
                        " : " + t);
      }
      case 5: {
        what = "powf";
        std::string half = bodyLine("arith.constant 0.5 : " + t);
        std::string e = bodyLine("arith.constant 1.5 : " + t);
        std::string a = bodyLine("math.absf " + x + " : " + t);
        std::string base =
            bodyLine("arith.addf " + a + ", " + half + " : " + t);
        return bodyLine("math.powf " + base + ", " + e + " : " + t);
      }
      case 6: {
        what = "relu";
        std::string zero = bodyLine("arith.constant 0.0 : " + t);
        return bodyLine("arith.maximumf " + x + ", " + zero + " : " + t);
      }
      case 7: {
        what = "leaky-relu";
        std::string zero = bodyLine("arith.constant 0.0 : " + t);
        std::string slope = bodyLine("arith.constant 0.125 : " + t);
        std::string positive =
            bodyLine("arith.cmpf ogt, " + x + ", " + zero + " : " + t);
        std::string scaled =
            bodyLine("arith.mulf " + x + ", " + slope + " : " + t);
        return bodyLine("arith.select " + positive + ", " + x + ", " + scaled +
                        " : " + t);
      }
      case 8: {
        what = "sqrt";
        return bodyLine("math.sqrt " + bodyLine("math.absf " + x + " : " + t) +
                        " : " + t);
      }
      case 9: {
        what = "clamp";
        std::string lo = bodyLine("arith.constant -0.5 : " + t);
        std::string hi = bodyLine("arith.constant 0.75 : " + t);
        return bodyLine(
            "arith.minimumf " +
            bodyLine("arith.maximumf " + x + ", " + lo + " : " + t) + ", " +
            hi + " : " + t);
      }
      case 10:
        what = "negf";
        return bodyLine("arith.negf " + x + " : " + t);
      default: {
        what = "floor";
        std::string k = bodyLine("arith.constant 4.0 : " + t);
        return bodyLine("math.floor " +
                        bodyLine("arith.mulf " + x + ", " + k + " : " + t) +
                        " : " + t);
      }
      }
    }
    switch (rng() % 5) {
    case 0: {
      what = "addi";
      return bodyLine("arith.addi " + x + ", " +
                      bodyLine("arith.constant 3 : " + t) + " : " + t);
    }
    case 1: {
      what = "muli";
      return bodyLine("arith.muli " + x + ", " +
                      bodyLine("arith.constant -3 : " + t) + " : " + t);
    }
    case 2: {
      what = "maxsi";
      return bodyLine("arith.maxsi " + x + ", " +
                      bodyLine("arith.constant -2 : " + t) + " : " + t);
    }
    case 3: {
      what = "abs";
      std::string zero = bodyLine("arith.constant 0 : " + t);
      std::string negative =
          bodyLine("arith.cmpi slt, " + x + ", " + zero + " : " + t);
      std::string negated =
          bodyLine("arith.subi " + zero + ", " + x + " : " + t);
      return bodyLine("arith.select " + negative + ", " + negated + ", " + x +
                      " : " + t);
    }
    default: {
      what = "minsi";
      return bodyLine("arith.minsi " + x + ", " +
                      bodyLine("arith.constant 5 : " + t) + " : " + t);
    }
    }
  }

  std::string binaryBody(std::mt19937_64 &rng, const std::string &a,
                         const std::string &b, std::string &what) {
    std::string t = scalar();
    if (isFloat(element)) {
      switch (rng() % 6) {
      case 0:
        what = "addf";
        return bodyLine("arith.addf " + a + ", " + b + " : " + t);
      case 1:
        what = "subf";
        return bodyLine("arith.subf " + a + ", " + b + " : " + t);
      case 2:
        what = "mulf";
        return bodyLine("arith.mulf " + a + ", " + b + " : " + t);
      case 3:
        what = "maximumf";
        return bodyLine("arith.maximumf " + a + ", " + b + " : " + t);
      case 4:
        what = "minimumf";
        return bodyLine("arith.minimumf " + a + ", " + b + " : " + t);
      default: {
        what = "cmpf+select";
        std::string less =
            bodyLine("arith.cmpf olt, " + a + ", " + b + " : " + t);
        return bodyLine("arith.select " + less + ", " + a + ", " + b + " : " +
                        t);
      }
      }
    }
    switch (rng() % 5) {
    case 0:
      what = "addi";
      return bodyLine("arith.addi " + a + ", " + b + " : " + t);
    case 1:
      what = "subi";
      return bodyLine("arith.subi " + a + ", " + b + " : " + t);
    case 2:
      what = "muli";
      return bodyLine("arith.muli " + a + ", " + b + " : " + t);
    case 3:
      what = "maxsi";
      return bodyLine("arith.maxsi " + a + ", " + b + " : " + t);
    default: {
      what = "cmpi+select";
      std::string less =
          bodyLine("arith.cmpi slt, " + a + ", " + b + " : " + t);
      return bodyLine("arith.select " + less + ", " + b + ", " + a + " : " + t);
    }
    }
  }

  std::string add(const std::string &a, const std::string &b) {
    std::string name = fresh();
    body << "    " << name << " = arith."
         << (isFloat(element) ? "addf" : "addi") << " " << a << ", " << b
         << " : " << scalar() << "\n";
    return name;
  }
  std::string mul(const std::string &a, const std::string &b) {
    std::string name = fresh();
    body << "    " << name << " = arith."
         << (isFloat(element) ? "mulf" : "muli") << " " << a << ", " << b
         << " : " << scalar() << "\n";
    return name;
  }

  static std::string mapText(unsigned loops,
                             const std::vector<unsigned> &results) {
    std::string out = "affine_map<(";
    for (unsigned i = 0; i < loops; ++i)
      out += (i ? ", d" : "d") + std::to_string(i);
    out += ") -> (";
    for (size_t i = 0; i < results.size(); ++i)
      out += (i ? ", d" : "d") + std::to_string(results[i]);
    return out + ")>";
  }

  // --- Steps --------------------------------------------------------------

  void use(int value) { values[value].consumed = true; }

  void emitStep(std::mt19937_64 &rng, bool dynamicInputs) {
    // Weights per op class.
    static const std::pair<const char *, int> kinds[] = {
        {"elementwise", 14}, {"binary", 10},      {"matmul", 10},
        {"batch_matmul", 5}, {"batch_reduce", 3}, {"conv", 8},
        {"depthwise", 3},    {"pool", 4},         {"transpose", 7},
        {"broadcast", 4},    {"reduce", 7},       {"generic", 12},
        {"pad", 4},          {"slice", 4},        {"insert", 3},
        {"concat", 3},       {"reshape", 5},      {"fill", 2}};
    int total = 0;
    for (auto &kind : kinds)
      total += kind.second;
    int roll = rng() % total;
    std::string kind;
    for (auto &kind_ : kinds) {
      if (roll < kind_.second) {
        kind = kind_.first;
        break;
      }
      roll -= kind_.second;
    }
    // Sometimes a step starts from an earlier value or a new argument:
    // branches and joins, not only chains.
    int input = current;
    if (chance(rng, 15))
      input = newArgument(randomShape(rng, 1 + rng() % 4), dynamicInputs, rng);
    else if (chance(rng, 15) && values.size() > 1)
      input = rng() % values.size();
    if (values[input].elements() > kMaxElements)
      input = toRank(input, 1);
    std::string what = kind;
    int result = -1;
    if (kind == "elementwise")
      result = elementwise(rng, input, what);
    else if (kind == "binary")
      result = binary(rng, input, what);
    else if (kind == "matmul")
      result = matmul(rng, input, what);
    else if (kind == "batch_matmul" || kind == "batch_reduce")
      result = batchMatmul(rng, input, kind == "batch_reduce", what);
    else if (kind == "conv")
      result = conv(rng, input, what);
    else if (kind == "depthwise")
      result = depthwise(rng, input, what);
    else if (kind == "pool")
      result = pool(rng, input, what);
    else if (kind == "transpose")
      result = transpose(rng, input, what);
    else if (kind == "broadcast")
      result = broadcast(rng, input, what);
    else if (kind == "reduce")
      result = reduce(rng, input, what);
    else if (kind == "generic")
      result = generic(rng, input, what);
    else if (kind == "pad")
      result = pad(rng, input, what);
    else if (kind == "slice")
      result = slice(rng, input, what);
    else if (kind == "insert")
      result = insert(rng, input, what);
    else if (kind == "concat")
      result = concat(rng, input, what);
    else if (kind == "reshape")
      result = reshape(rng, input, what);
    else
      result = fill(rng, input, what);
    steps.push_back(what);
    current = result;
  }

  /// A linalg.generic over the identity maps of `inputs` (same shape).
  int elementwiseGeneric(
      const std::vector<int> &inputs,
      const std::function<std::string(const std::vector<std::string> &)>
          &payload) {
    int first = inputs.front();
    std::vector<Dim> dims = dimsOf(first);
    std::string init = empty(dims);
    unsigned rank = dims.size();
    std::vector<unsigned> identity(rank);
    std::iota(identity.begin(), identity.end(), 0);
    std::string name = fresh();
    body << "  " << name << " = linalg.generic {indexing_maps = [";
    for (size_t i = 0; i <= inputs.size(); ++i)
      body << (i ? ", " : "") << mapText(rank, identity);
    body << "], iterator_types = [";
    for (unsigned i = 0; i < rank; ++i)
      body << (i ? ", " : "") << "\"parallel\"";
    body << "]} ins(";
    for (size_t i = 0; i < inputs.size(); ++i)
      body << (i ? ", " : "") << values[inputs[i]].name;
    body << " : ";
    for (size_t i = 0; i < inputs.size(); ++i)
      body << (i ? ", " : "") << type(values[inputs[i]]);
    body << ") outs(" << init << " : " << typeOf(dims) << ") {\n  ^bb0(";
    std::vector<std::string> args;
    for (size_t i = 0; i <= inputs.size(); ++i) {
      std::string arg = "%in" + std::to_string(counter++);
      args.push_back(arg);
      body << (i ? ", " : "") << arg << ": " << scalar();
    }
    body << "):\n";
    args.pop_back();
    std::string out = payload(args);
    body << "    linalg.yield " << out << " : " << scalar() << "\n  } -> "
         << typeOf(dims) << "\n";
    double accumulation = 1;
    for (int input : inputs) {
      accumulation = std::max(accumulation, values[input].accumulation);
      use(input);
    }
    return addValue(name, dims, accumulation);
  }

  int elementwise(std::mt19937_64 &rng, int input, std::string &what) {
    // Sometimes the named form.
    if (isFloat(element) && chance(rng, 25)) {
      static const char *named[] = {"exp", "abs", "negf", "floor", "tanh"};
      std::string op = named[rng() % 5];
      what = "linalg." + op;
      std::vector<Dim> dims = dimsOf(input);
      std::string init = empty(dims);
      std::string name = fresh();
      body << "  " << name << " = linalg." << op << " ins("
           << values[input].name << " : " << type(values[input]) << ") outs("
           << init << " : " << typeOf(dims) << ") -> " << typeOf(dims) << "\n";
      use(input);
      return addValue(name, dims, values[input].accumulation);
    }
    int result =
        elementwiseGeneric({input}, [&](const std::vector<std::string> &args) {
          return unaryBody(rng, args[0], what);
        });
    what = "elementwise " + what;
    return result;
  }

  int binary(std::mt19937_64 &rng, int input, std::string &what) {
    const Value v = values[input];
    // The other operand: same shape, or broadcast along some dimensions.
    std::vector<unsigned> kept;
    for (unsigned i = 0; i < v.shape.size(); ++i)
      if (!chance(rng, 30))
        kept.push_back(i);
    std::vector<int64_t> otherShape;
    for (unsigned i : kept)
      otherShape.push_back(v.shape[i]);
    int other = staticArgument(otherShape);
    bool swap = chance(rng, 50);
    std::string op;
    if (kept.size() == v.shape.size() && isFloat(element) && chance(rng, 30)) {
      // The named form.
      static const char *named[] = {"add", "sub", "mul", "max"};
      op = named[rng() % 4];
      what = "linalg." + op;
      std::vector<Dim> dims = dimsOf(input);
      std::string init = empty(dims);
      std::string name = fresh();
      int a = swap ? other : input, b = swap ? input : other;
      body << "  " << name << " = linalg." << op << " ins(" << values[a].name
           << ", " << values[b].name << " : " << type(values[a]) << ", "
           << type(values[b]) << ") outs(" << init << " : " << typeOf(dims)
           << ") -> " << typeOf(dims) << "\n";
      use(input);
      return addValue(name, dims, v.accumulation);
    }
    std::vector<Dim> dims = dimsOf(input);
    std::string init = empty(dims);
    unsigned rank = dims.size();
    std::vector<unsigned> identity(rank);
    std::iota(identity.begin(), identity.end(), 0);
    std::string name = fresh();
    std::string mapA = mapText(rank, identity), mapB = mapText(rank, kept);
    body << "  " << name << " = linalg.generic {indexing_maps = ["
         << (swap ? mapB : mapA) << ", " << (swap ? mapA : mapB) << ", " << mapA
         << "], iterator_types = [";
    for (unsigned i = 0; i < rank; ++i)
      body << (i ? ", " : "") << "\"parallel\"";
    std::string first = swap ? values[other].name : v.name;
    std::string second = swap ? v.name : values[other].name;
    std::string firstType = swap ? type(values[other]) : type(v);
    std::string secondType = swap ? type(v) : type(values[other]);
    body << "]} ins(" << first << ", " << second << " : " << firstType << ", "
         << secondType << ") outs(" << init << " : " << typeOf(dims)
         << ") {\n  ^bb0(%a" << counter << ": " << scalar() << ", %b" << counter
         << ": " << scalar() << ", %o" << counter << ": " << scalar() << "):\n";
    std::string a = "%a" + std::to_string(counter),
                b = "%b" + std::to_string(counter);
    counter++;
    std::string out = binaryBody(rng, a, b, op);
    what =
        (kept.size() == v.shape.size() ? "binary " : "broadcast binary ") + op;
    body << "    linalg.yield " << out << " : " << scalar() << "\n  } -> "
         << typeOf(dims) << "\n";
    use(input);
    return addValue(name, dims, v.accumulation);
  }

  std::string zero() { return constant(0); }

  int64_t boundedSize(std::mt19937_64 &rng, int64_t budget) {
    int64_t size = randomSize(rng);
    while (size > 1 && size > budget)
      size = (size + 1) / 2;
    return std::max<int64_t>(1, size);
  }

  int matmul(std::mt19937_64 &rng, int input, std::string &what) {
    input = toRank(input, 2);
    const Value v = values[input];
    // The input is A (M x K) or A transposed (K x M), or B (K x N) or B
    // transposed (N x K).
    int role = rng() % 4;
    bool inputIsA = role < 2, transposed = role % 2;
    int64_t k =
        inputIsA ? v.shape[transposed ? 0 : 1] : v.shape[transposed ? 1 : 0];
    int64_t kept =
        inputIsA ? v.shape[transposed ? 1 : 0] : v.shape[transposed ? 0 : 1];
    if (k > kMaxReduction) {
      input = toRank(staticOf(input), 1);
      return elementwise(rng, input, what);
    }
    int64_t other = boundedSize(rng, kMaxElements / std::max<int64_t>(1, k));
    other = std::min(other, kMaxElements / std::max<int64_t>(1, kept));
    other = std::max<int64_t>(1, other);
    bool otherTransposed = chance(rng, 30);
    // Shapes of A and B as given, and the maps.
    std::vector<int64_t> otherShape;
    if (inputIsA)
      otherShape = otherTransposed ? std::vector<int64_t>{other, k}
                                   : std::vector<int64_t>{k, other};
    else
      otherShape = otherTransposed ? std::vector<int64_t>{k, other}
                                   : std::vector<int64_t>{other, k};
    int otherValue = staticArgument(otherShape);
    int a = inputIsA ? input : otherValue, b = inputIsA ? otherValue : input;
    bool aTransposed = inputIsA ? transposed : otherTransposed;
    bool bTransposed = inputIsA ? otherTransposed : transposed;
    Dim m = inputIsA ? dimOf(input, transposed ? 1 : 0) : staticDim(other);
    Dim n = inputIsA ? staticDim(other) : dimOf(input, transposed ? 0 : 1);
    std::vector<Dim> dims = {m, n};
    std::string init = filled(dims, zero());
    std::string name = fresh();
    body << "  " << name << " = linalg.matmul";
    if (aTransposed || bTransposed) {
      body << " indexing_maps = ["
           << (aTransposed ? "affine_map<(d0, d1, d2) -> (d2, d0)>"
                           : "affine_map<(d0, d1, d2) -> (d0, d2)>")
           << ", "
           << (bTransposed ? "affine_map<(d0, d1, d2) -> (d1, d2)>"
                           : "affine_map<(d0, d1, d2) -> (d2, d1)>")
           << ", affine_map<(d0, d1, d2) -> (d0, d1)>]";
    }
    body << " ins(" << values[a].name << ", " << values[b].name << " : "
         << type(values[a]) << ", " << type(values[b]) << ") outs(" << init
         << " : " << typeOf(dims) << ") -> " << typeOf(dims) << "\n";
    what = std::string("matmul") + (aTransposed ? " A^T" : "") +
           (bTransposed ? " B^T" : "");
    use(input);
    return addValue(name, dims, v.accumulation * k);
  }

  int batchMatmul(std::mt19937_64 &rng, int input, bool reduceBatch,
                  std::string &what) {
    input = toRank(input, 3);
    const Value v = values[input];
    int64_t batch = v.shape[0], m = v.shape[1], k = v.shape[2];
    if (k * (reduceBatch ? batch : 1) > kMaxReduction) {
      input = toRank(staticOf(input), 1);
      return elementwise(rng, input, what);
    }
    int64_t n =
        boundedSize(rng, kMaxElements / std::max<int64_t>(1, batch * m));
    int other = staticArgument({batch, k, n});
    std::vector<Dim> dims;
    if (!reduceBatch)
      dims.push_back(dimOf(input, 0));
    dims.push_back(dimOf(input, 1));
    dims.push_back(staticDim(n));
    std::string init = filled(dims, zero());
    std::string name = fresh();
    body << "  " << name << " = linalg."
         << (reduceBatch ? "batch_reduce_matmul" : "batch_matmul") << " ins("
         << v.name << ", " << values[other].name << " : " << type(v) << ", "
         << type(values[other]) << ") outs(" << init << " : " << typeOf(dims)
         << ") -> " << typeOf(dims) << "\n";
    what = reduceBatch ? "batch_reduce_matmul" : "batch_matmul";
    use(input);
    return addValue(name, dims, v.accumulation * k * (reduceBatch ? batch : 1));
  }

  /// Window size, stride and dilation that fit `extent`; the output extent.
  struct Window {
    int64_t size, stride, dilation, output;
  };
  Window window(std::mt19937_64 &rng, int64_t extent) {
    Window w;
    w.size = 1 + rng() % 3;
    w.stride = 1 + rng() % 2;
    w.dilation = 1 + rng() % 2;
    while (w.size > 1 && (w.size - 1) * w.dilation + 1 > extent) {
      if (w.dilation > 1)
        w.dilation = 1;
      else
        --w.size;
    }
    w.output = (extent - (w.size - 1) * w.dilation - 1) / w.stride + 1;
    return w;
  }

  std::string windowAttrs(const Window &h, const Window &w) {
    return "{dilations = dense<[" + std::to_string(h.dilation) + ", " +
           std::to_string(w.dilation) +
           "]> : tensor<2xi64>, strides = dense<[" + std::to_string(h.stride) +
           ", " + std::to_string(w.stride) + "]> : tensor<2xi64>}";
  }

  /// A constant f32 tensor of `shape`, values uniform in [-1, 1) as the
  /// inputs' (written as a hex dense attribute): compile-time rewrites of
  /// constant filters (panel-major storage, Winograd's transform) take it.
  int constantTensor(std::mt19937_64 &rng, const std::vector<int64_t> &shape) {
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    int64_t count = 1;
    std::vector<Dim> dims;
    for (int64_t size : shape) {
      count *= size;
      dims.push_back(staticDim(size));
    }
    std::string name = fresh();
    body << "  " << name << " = arith.constant dense<\"0x";
    static const char digits[] = "0123456789ABCDEF";
    for (int64_t i = 0; i < count; ++i) {
      float value = uniform(rng);
      unsigned char bytes[4];
      std::memcpy(bytes, &value, 4);
      for (unsigned char byte : bytes)
        body << digits[byte >> 4] << digits[byte & 15];
    }
    body << "\"> : " << typeOf(dims) << "\n";
    return addValue(name, dims, 1);
  }

  int conv(std::mt19937_64 &rng, int input, std::string &what) {
    bool nchw = chance(rng, 35);
    // NHWC f32 filters are sometimes constants, with a multiple of 32
    // output channels when the budget allows: the llvm-cpu compiler then
    // stores them panel-major (or as Winograd's transform).
    bool constantFilter = !nchw && element == Element::F32 && chance(rng, 40);
    input = staticOf(toRank(input, 4));
    const Value v = values[input];
    int64_t n = v.shape[0], c = v.shape[nchw ? 1 : 3];
    int64_t hExtent = v.shape[nchw ? 2 : 1], wExtent = v.shape[nchw ? 3 : 2];
    Window h = window(rng, hExtent), w = window(rng, wExtent);
    int64_t k = c * h.size * w.size;
    if (k > kMaxReduction) {
      input = toRank(input, 1);
      return elementwise(rng, input, what);
    }
    int64_t f = boundedSize(
        rng, kMaxElements / std::max<int64_t>(1, n * h.output * w.output));
    int64_t budget =
        kMaxElements / std::max<int64_t>(1, n * h.output * w.output);
    if (constantFilter && budget >= 32)
      f = 32 * (1 + int64_t(rng() % std::min<int64_t>(2, budget / 32)));
    int filter = nchw             ? staticArgument({f, c, h.size, w.size})
                 : constantFilter ? constantTensor(rng, {h.size, w.size, c, f})
                                  : staticArgument({h.size, w.size, c, f});
    std::vector<Dim> dims =
        nchw ? std::vector<Dim>{staticDim(n), staticDim(f), staticDim(h.output),
                                staticDim(w.output)}
             : std::vector<Dim>{staticDim(n), staticDim(h.output),
                                staticDim(w.output), staticDim(f)};
    std::string init = filled(dims, zero());
    std::string name = fresh();
    std::string op = nchw ? "conv_2d_nchw_fchw" : "conv_2d_nhwc_hwcf";
    body << "  " << name << " = linalg." << op << " " << windowAttrs(h, w)
         << " ins(" << v.name << ", " << values[filter].name << " : " << type(v)
         << ", " << type(values[filter]) << ") outs(" << init << " : "
         << typeOf(dims) << ") -> " << typeOf(dims) << "\n";
    what = op + " " + std::to_string(h.size) + "x" + std::to_string(w.size) +
           " s" + std::to_string(h.stride) + std::to_string(w.stride) + " d" +
           std::to_string(h.dilation) + std::to_string(w.dilation) +
           (constantFilter ? " constant filter" : "");
    use(input);
    return addValue(name, dims, v.accumulation * k);
  }

  int depthwise(std::mt19937_64 &rng, int input, std::string &what) {
    input = staticOf(toRank(input, 4));
    const Value v = values[input];
    Window h = window(rng, v.shape[1]), w = window(rng, v.shape[2]);
    int filter = staticArgument({h.size, w.size, v.shape[3]});
    std::vector<Dim> dims = {staticDim(v.shape[0]), staticDim(h.output),
                             staticDim(w.output), staticDim(v.shape[3])};
    std::string init = filled(dims, zero());
    std::string name = fresh();
    body << "  " << name << " = linalg.depthwise_conv_2d_nhwc_hwc "
         << windowAttrs(h, w) << " ins(" << v.name << ", "
         << values[filter].name << " : " << type(v) << ", "
         << type(values[filter]) << ") outs(" << init << " : " << typeOf(dims)
         << ") -> " << typeOf(dims) << "\n";
    what = "depthwise_conv_2d_nhwc_hwc";
    use(input);
    return addValue(name, dims, v.accumulation * h.size * w.size);
  }

  int pool(std::mt19937_64 &rng, int input, std::string &what) {
    input = staticOf(toRank(input, 4));
    const Value v = values[input];
    Window h = window(rng, v.shape[1]), w = window(rng, v.shape[2]);
    bool max = chance(rng, 50);
    std::vector<Dim> dims = {staticDim(v.shape[0]), staticDim(h.output),
                             staticDim(w.output), staticDim(v.shape[3])};
    std::string init = filled(dims, max ? lowest() : zero());
    std::string windowName = fresh();
    body << "  " << windowName << " = tensor.empty() : tensor<" << h.size << "x"
         << w.size << "x" << scalar() << ">\n";
    std::string name = fresh();
    std::string op = max ? "pooling_nhwc_max" : "pooling_nhwc_sum";
    body << "  " << name << " = linalg." << op << " " << windowAttrs(h, w)
         << " ins(" << v.name << ", " << windowName << " : " << type(v)
         << ", tensor<" << h.size << "x" << w.size << "x" << scalar()
         << ">) outs(" << init << " : " << typeOf(dims) << ") -> "
         << typeOf(dims) << "\n";
    what = op;
    use(input);
    return addValue(name, dims, v.accumulation * (max ? 1 : h.size * w.size));
  }

  int transpose(std::mt19937_64 &rng, int input, std::string &what) {
    if (values[input].rank() < 2)
      input = toRank(input, 2 + rng() % 2);
    const Value v = values[input];
    std::vector<int64_t> permutation(v.rank());
    std::iota(permutation.begin(), permutation.end(), 0);
    std::shuffle(permutation.begin(), permutation.end(), rng);
    std::vector<Dim> dims;
    for (int64_t p : permutation)
      dims.push_back(dimOf(input, p));
    std::string init = empty(dims);
    std::string name = fresh();
    body << "  " << name << " = linalg.transpose ins(" << v.name << " : "
         << type(v) << ") outs(" << init << " : " << typeOf(dims)
         << ") permutation = [" << joinInts(permutation) << "]\n";
    what = "transpose [" + joinInts(permutation) + "]";
    use(input);
    return addValue(name, dims, v.accumulation);
  }

  int broadcast(std::mt19937_64 &rng, int input, std::string &what) {
    if (values[input].rank() >= 4)
      input = toRank(input, 3);
    const Value v = values[input];
    int64_t position = rng() % (v.rank() + 1);
    int64_t size =
        boundedSize(rng, kMaxElements / std::max<int64_t>(1, v.elements()));
    std::vector<Dim> dims = dimsOf(input);
    dims.insert(dims.begin() + position, staticDim(size));
    std::string init = empty(dims);
    std::string name = fresh();
    body << "  " << name << " = linalg.broadcast ins(" << v.name << " : "
         << type(v) << ") outs(" << init << " : " << typeOf(dims)
         << ") dimensions = [" << position << "]\n";
    what = "broadcast [" + std::to_string(position) + "]";
    use(input);
    return addValue(name, dims, v.accumulation);
  }

  int reduce(std::mt19937_64 &rng, int input, std::string &what) {
    if (values[input].rank() == 0)
      input = toRank(input, 1);
    const Value v = values[input];
    std::vector<int64_t> reduced;
    std::vector<Dim> dims;
    int64_t length = 1;
    for (unsigned i = 0; i < v.shape.size(); ++i) {
      if (chance(rng, 45) && length * v.shape[i] <= kMaxReduction) {
        reduced.push_back(i);
        length *= v.shape[i];
      } else {
        dims.push_back(dimOf(input, i));
      }
    }
    if (reduced.empty()) {
      reduced.push_back(v.rank() - 1);
      length = v.shape.back();
      dims.pop_back();
    }
    bool max = chance(rng, 35);
    std::string init = filled(dims, max ? lowest() : zero());
    std::string name = fresh();
    std::string t = scalar();
    unsigned id = counter++;
    std::string op = max ? (isFloat(element) ? "maximumf" : "maxsi")
                         : (isFloat(element) ? "addf" : "addi");
    body << "  " << name << " = linalg.reduce ins(" << v.name << " : "
         << type(v) << ") outs(" << init << " : " << typeOf(dims)
         << ") dimensions = [" << joinInts(reduced) << "]\n    (%rin" << id
         << ": " << t << ", %racc" << id << ": " << t << ") {\n";
    std::string result = fresh();
    body << "    " << result << " = arith." << op << " %rin" << id << ", %racc"
         << id << " : " << t << "\n    linalg.yield " << result << " : " << t
         << "\n  }\n";
    what = "reduce " + op + " [" + joinInts(reduced) + "]";
    use(input);
    return addValue(name, dims, v.accumulation * (max ? 1 : length));
  }

  int generic(std::mt19937_64 &rng, int input, std::string &what) {
    if (values[input].rank() == 0)
      input = toRank(input, 1);
    const Value v = values[input];
    unsigned rank = v.rank();
    // Loops: one per input dimension, plus maybe one broadcast loop.
    bool extra = rank < 4 && chance(rng, 30);
    unsigned loops = rank + (extra ? 1 : 0);
    std::vector<unsigned> order(loops); // loop of input dim i / extra
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<bool> reduction(loops, false);
    int64_t length = 1;
    unsigned reductions = rng() % 3;
    for (unsigned i = 0; i < rank && reductions; ++i) {
      unsigned dim = rng() % rank;
      if (!reduction[order[dim]] && length * v.shape[dim] <= kMaxReduction) {
        reduction[order[dim]] = true;
        length *= v.shape[dim];
        --reductions;
      }
    }
    std::vector<int64_t> loopSize(loops);
    std::vector<Dim> loopDim(loops);
    for (unsigned i = 0; i < rank; ++i) {
      loopSize[order[i]] = v.shape[i];
      loopDim[order[i]] = dimOf(input, i);
    }
    if (extra) {
      int64_t size =
          boundedSize(rng, kMaxElements / std::max<int64_t>(1, v.elements()));
      loopSize[order[rank]] = size;
      loopDim[order[rank]] = staticDim(size);
    }
    // The output: the parallel loops in a random order.
    std::vector<unsigned> outputLoops;
    for (unsigned l = 0; l < loops; ++l)
      if (!reduction[l])
        outputLoops.push_back(l);
    std::shuffle(outputLoops.begin(), outputLoops.end(), rng);
    std::vector<Dim> dims;
    for (unsigned l : outputLoops)
      dims.push_back(loopDim[l]);
    // A second operand over a random subset of the loops (a broadcast).
    int other = -1;
    std::vector<unsigned> otherLoops;
    if (chance(rng, 60)) {
      for (unsigned l = 0; l < loops; ++l)
        if (chance(rng, 60))
          otherLoops.push_back(l);
      std::shuffle(otherLoops.begin(), otherLoops.end(), rng);
      std::vector<int64_t> shape;
      for (unsigned l : otherLoops)
        shape.push_back(loopSize[l]);
      other = staticArgument(shape);
    }
    bool isReduction =
        length > 1 || std::count(reduction.begin(), reduction.end(), true) > 0;
    std::string init = isReduction ? filled(dims, zero()) : empty(dims);
    std::vector<unsigned> inputMap;
    for (unsigned i = 0; i < rank; ++i)
      inputMap.push_back(order[i]);
    std::string name = fresh();
    body << "  " << name << " = linalg.generic {indexing_maps = ["
         << mapText(loops, inputMap) << ", ";
    if (other >= 0)
      body << mapText(loops, otherLoops) << ", ";
    body << mapText(loops, outputLoops) << "], iterator_types = [";
    std::string iterators;
    for (unsigned l = 0; l < loops; ++l) {
      body << (l ? ", " : "")
           << (reduction[l] ? "\"reduction\"" : "\"parallel\"");
      iterators += reduction[l] ? 'r' : 'p';
    }
    body << "]} ins(" << v.name;
    if (other >= 0)
      body << ", " << values[other].name;
    body << " : " << type(v);
    if (other >= 0)
      body << ", " << type(values[other]);
    int id = counter++;
    body << ") outs(" << init << " : " << typeOf(dims) << ") {\n  ^bb0(%x" << id
         << ": " << scalar();
    if (other >= 0)
      body << ", %y" << id << ": " << scalar();
    body << ", %acc" << id << ": " << scalar() << "):\n";
    std::string x = "%x" + std::to_string(id);
    std::string payload;
    std::string op;
    if (other >= 0) {
      payload = isReduction ? mul(x, "%y" + std::to_string(id))
                            : binaryBody(rng, x, "%y" + std::to_string(id), op);
    } else {
      payload = isReduction ? x : unaryBody(rng, x, op);
    }
    if (isReduction)
      payload = add(payload, "%acc" + std::to_string(id));
    body << "    linalg.yield " << payload << " : " << scalar() << "\n  } -> "
         << typeOf(dims) << "\n";
    what = "generic " + iterators + " " + mapText(loops, inputMap) +
           (other >= 0 ? " " + mapText(loops, otherLoops) : "") + " -> " +
           mapText(loops, outputLoops) + (op.empty() ? "" : " " + op);
    use(input);
    return addValue(name, dims, v.accumulation * length);
  }

  int pad(std::mt19937_64 &rng, int input, std::string &what) {
    if (values[input].rank() == 0)
      input = toRank(input, 1);
    input = staticOf(input);
    const Value v = values[input];
    std::vector<int64_t> low, high;
    std::vector<Dim> dims;
    int64_t total = 1;
    for (int64_t size : v.shape) {
      int64_t l = rng() % 3, h = rng() % 3;
      if (total * (size + l + h) > kMaxElements)
        l = h = 0;
      low.push_back(l);
      high.push_back(h);
      dims.push_back(staticDim(size + l + h));
      total *= size + l + h;
    }
    std::string padValue = constant(isFloat(element) ? 0.5 : 7);
    std::string name = fresh();
    body << "  " << name << " = tensor.pad " << v.name << " low["
         << joinInts(low) << "] high[" << joinInts(high) << "] {\n  ^bb0(";
    for (int64_t i = 0; i < v.rank(); ++i)
      body << (i ? ", " : "") << "%p" << counter << "_" << i << ": index";
    counter++;
    body << "):\n    tensor.yield " << padValue << " : " << scalar()
         << "\n  } : " << type(v) << " to " << typeOf(dims) << "\n";
    what = "tensor.pad";
    use(input);
    return addValue(name, dims, v.accumulation);
  }

  int slice(std::mt19937_64 &rng, int input, std::string &what) {
    if (values[input].rank() == 0)
      input = toRank(input, 1);
    input = staticOf(input);
    const Value v = values[input];
    std::vector<int64_t> offsets, sizes, strides;
    std::vector<Dim> dims;
    for (int64_t extent : v.shape) {
      int64_t stride = chance(rng, 25) ? 2 : 1;
      int64_t offset = extent > 1 ? rng() % (extent / 2 + 1) : 0;
      int64_t room = (extent - offset - 1) / stride + 1;
      int64_t size = 1 + rng() % room;
      offsets.push_back(offset);
      sizes.push_back(size);
      strides.push_back(stride);
      dims.push_back(staticDim(size));
    }
    std::string name = fresh();
    body << "  " << name << " = tensor.extract_slice " << v.name << "["
         << joinInts(offsets) << "] [" << joinInts(sizes) << "] ["
         << joinInts(strides) << "] : " << type(v) << " to " << typeOf(dims)
         << "\n";
    what = "tensor.extract_slice";
    use(input);
    return addValue(name, dims, v.accumulation);
  }

  int insert(std::mt19937_64 &rng, int input, std::string &what) {
    if (values[input].rank() == 0)
      input = toRank(input, 1);
    input = staticOf(input);
    const Value v = values[input];
    // Into a larger new argument.
    std::vector<int64_t> destShape, offsets, strides;
    int64_t total = 1;
    for (int64_t size : v.shape) {
      int64_t grow = total * (size + 3) <= kMaxElements ? rng() % 4 : 0;
      int64_t stride =
          (grow >= size - 1 && size > 1 && chance(rng, 30)) ? 2 : 1;
      int64_t span = (size - 1) * stride + 1;
      int64_t dest = std::max(span, size + grow);
      offsets.push_back(rng() % (dest - span + 1));
      strides.push_back(stride);
      destShape.push_back(dest);
      total *= dest;
    }
    int dest = staticArgument(destShape);
    std::vector<Dim> dims = dimsOf(dest);
    std::string name = fresh();
    body << "  " << name << " = tensor.insert_slice " << v.name << " into "
         << values[dest].name << "[" << joinInts(offsets) << "] ["
         << joinInts(v.shape) << "] [" << joinInts(strides) << "] : " << type(v)
         << " into " << typeOf(dims) << "\n";
    what = "tensor.insert_slice";
    use(input);
    return addValue(name, dims, v.accumulation);
  }

  int concat(std::mt19937_64 &rng, int input, std::string &what) {
    if (values[input].rank() == 0)
      input = toRank(input, 1);
    input = staticOf(input);
    const Value v = values[input];
    int64_t dim = rng() % v.rank();
    std::vector<int64_t> otherShape = v.shape;
    otherShape[dim] = 1 + rng() % 5;
    int other = staticArgument(otherShape);
    std::vector<Dim> dims = dimsOf(input);
    dims[dim].size += otherShape[dim];
    bool swap = chance(rng, 50);
    int a = swap ? other : input, b = swap ? input : other;
    std::string name = fresh();
    body << "  " << name << " = tensor.concat dim(" << dim << ") "
         << values[a].name << ", " << values[b].name << " : ("
         << type(values[a]) << ", " << type(values[b]) << ") -> "
         << typeOf(dims) << "\n";
    what = "tensor.concat dim " + std::to_string(dim);
    use(input);
    return addValue(name, dims, v.accumulation);
  }

  int reshape(std::mt19937_64 &rng, int input, std::string &what) {
    if (values[input].rank() == 0)
      input = toRank(input, 1);
    input = staticOf(input);
    const Value v = values[input];
    if (v.rank() >= 2 && chance(rng, 50)) {
      // Collapse two adjacent dimensions.
      int64_t first = rng() % (v.rank() - 1);
      std::vector<Dim> dims;
      std::string groups = "[";
      unsigned out = 0;
      for (int64_t i = 0; i < v.rank(); ++i) {
        if (i == first + 1)
          continue;
        groups += (out++ ? ", [" : "[") + std::to_string(i);
        if (i == first) {
          groups += ", " + std::to_string(i + 1);
          dims.push_back(staticDim(v.shape[i] * v.shape[i + 1]));
        } else {
          dims.push_back(staticDim(v.shape[i]));
        }
        groups += "]";
      }
      groups += "]";
      std::string name = fresh();
      body << "  " << name << " = tensor.collapse_shape " << v.name << " "
           << groups << " : " << type(v) << " into " << typeOf(dims) << "\n";
      what = "tensor.collapse_shape";
      use(input);
      return addValue(name, dims, v.accumulation);
    }
    if (v.rank() >= 4)
      return toRank(input, 3);
    // Split one dimension in two (a factor, or a unit dimension).
    int64_t split = rng() % v.rank();
    int64_t extent = v.shape[split], factor = 1;
    std::vector<int64_t> factors;
    for (int64_t f = 2; f < extent; ++f)
      if (extent % f == 0)
        factors.push_back(f);
    if (!factors.empty() && chance(rng, 70))
      factor = factors[rng() % factors.size()];
    std::vector<Dim> dims;
    std::vector<int64_t> shape;
    std::string groups = "[";
    unsigned out = 0;
    for (int64_t i = 0; i < v.rank(); ++i) {
      groups += i ? ", [" : "[";
      if (i == split) {
        groups += std::to_string(out) + ", " + std::to_string(out + 1);
        out += 2;
        dims.push_back(staticDim(factor));
        dims.push_back(staticDim(extent / factor));
      } else {
        groups += std::to_string(out++);
        dims.push_back(staticDim(v.shape[i]));
      }
      groups += "]";
    }
    groups += "]";
    for (const Dim &dim : dims)
      shape.push_back(dim.size);
    std::string name = fresh();
    body << "  " << name << " = tensor.expand_shape " << v.name << " " << groups
         << " output_shape [" << joinInts(shape) << "] : " << type(v)
         << " into " << typeOf(dims) << "\n";
    what = "tensor.expand_shape";
    use(input);
    return addValue(name, dims, v.accumulation);
  }

  int fill(std::mt19937_64 &rng, int input, std::string &what) {
    // A filled tensor combined with the input, so that the fill matters.
    std::vector<Dim> dims = dimsOf(input);
    std::string filledValue =
        filled(dims, constant(isFloat(element) ? 0.25 : 2));
    int filledIndex = addValue(filledValue, dims, 1);
    int result = elementwiseGeneric(
        {input, filledIndex}, [&](const std::vector<std::string> &args) {
          std::string op;
          return binaryBody(rng, args[0], args[1], op);
        });
    what = "linalg.fill + elementwise";
    return result;
  }

  Program finish() {
    Program program;
    program.function = "conformance";
    std::vector<int> results;
    for (size_t i = 0; i < values.size(); ++i)
      if (!values[i].isArgument && !values[i].consumed)
        results.push_back(i);
    if (results.empty())
      results.push_back(current);
    std::ostringstream text;
    text << "func.func @" << program.function << "(";
    for (size_t i = 0; i < arguments.size(); ++i) {
      const Value &arg = values[arguments[i]];
      text << (i ? ", " : "") << arg.name << ": " << type(arg);
      program.inputs.push_back({arg.shape, element, 1});
    }
    text << ") -> (";
    for (size_t i = 0; i < results.size(); ++i)
      text << (i ? ", " : "") << type(values[results[i]]);
    text << ") {\n" << body.str() << "  return ";
    for (size_t i = 0; i < results.size(); ++i)
      text << (i ? ", " : "") << values[results[i]].name;
    text << " : ";
    for (size_t i = 0; i < results.size(); ++i) {
      text << (i ? ", " : "") << type(values[results[i]]);
      program.results.push_back(
          {values[results[i]].shape, element, values[results[i]].accumulation});
    }
    text << "\n}\n";
    program.text = text.str();
    program.steps = steps;
    return program;
  }

  const ProgramSpec &spec;
  Element element = Element::F32;
  std::vector<Value> values;
  std::vector<int> arguments;
  int current = 0;
  unsigned counter = 0;
  std::map<int64_t, std::string> indexConstants;
  std::ostringstream body;
  std::vector<std::string> steps;
};

} // namespace

unsigned stepCount(uint64_t seed) { return 1 + mix(seed ^ 0x51ab) % 8; }

Program generateProgram(const ProgramSpec &spec) {
  return Generator(spec).run();
}

} // namespace tessera::conformance
