//===- Npy.cpp ------------------------------------------------------------===//

#include "Npy.h"

#include "tessera/runtime/FileRead.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

namespace tessera::rt::tooling {

namespace {

constexpr char kMagic[] = "\x93NUMPY";

struct Descriptor {
  const char *descr;
  ElementType type;
};
constexpr Descriptor kDescriptors[] = {
    {"<f4", ElementType::F32}, {"<f2", ElementType::F16},
    {"<f8", ElementType::F64}, {"|i1", ElementType::I8},
    {"<i2", ElementType::I16}, {"<i4", ElementType::I32},
    {"<i8", ElementType::I64}, {"|b1", ElementType::I1}};

/// The value of `key` in the header dict: the text after "'key':" up to the
/// next top-level comma or closing brace.
std::string dictValue(const std::string &header, const std::string &key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return "";
  at = header.find(':', at);
  if (at == std::string::npos)
    return "";
  ++at;
  int depth = 0;
  size_t end = at;
  for (; end < header.size(); ++end) {
    char c = header[end];
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if ((c == ',' || c == '}') && depth == 0)
      break;
  }
  std::string value = header.substr(at, end - at);
  size_t first = value.find_first_not_of(" ");
  size_t last = value.find_last_not_of(" ");
  return first == std::string::npos ? ""
                                    : value.substr(first, last - first + 1);
}

/// The sizes of a Python tuple of integers: "()", "(4,)", "(4, 16)" (a
/// trailing comma allowed, Python 2's "16L" too); nothing else, not even
/// "(4a, 16)" or "(4 16)".
std::optional<std::vector<int64_t>> parseShapeTuple(const std::string &text) {
  std::vector<int64_t> shape;
  size_t i = 0;
  auto skipSpaces = [&] {
    while (i < text.size() && text[i] == ' ')
      ++i;
  };
  skipSpaces();
  if (i == text.size() || text[i] != '(')
    return std::nullopt;
  ++i;
  skipSpaces();
  while (i < text.size() && text[i] != ')') {
    size_t start = i;
    int64_t size = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      int digit = text[i] - '0';
      if (size > (INT64_MAX - digit) / 10)
        return std::nullopt;
      size = size * 10 + digit;
      ++i;
    }
    if (i == start)
      return std::nullopt;
    if (i < text.size() && text[i] == 'L')
      ++i;
    shape.push_back(size);
    skipSpaces();
    if (i < text.size() && text[i] == ',') {
      ++i;
      skipSpaces();
    } else if (i < text.size() && text[i] != ')') {
      return std::nullopt;
    }
  }
  if (i == text.size())
    return std::nullopt;
  ++i; // ')'
  skipSpaces();
  if (i != text.size())
    return std::nullopt;
  return shape;
}

} // namespace

StatusOr<NpyArray> readNpy(const std::string &path, size_t offset) {
  // Refuses devices, pipes, directories and files over the input limit.
  auto regular = RegularFile::open(path);
  if (!regular)
    return regular.status();
  size_t fileSize = regular->size();
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return Status::error(path + ": cannot open .npy file");
  if (offset >= fileSize)
    return Status::error(path + ": no array at byte " + std::to_string(offset) +
                         " (the file has " + std::to_string(fileSize) +
                         " bytes)");
  file.seekg(offset);
  char prefix[10];
  if (!file.read(prefix, 8) || std::memcmp(prefix, kMagic, 6) != 0)
    return Status::error(path + ": not a .npy file (bad magic)");
  unsigned major = static_cast<uint8_t>(prefix[6]);
  size_t headerLength;
  size_t prefixLength;
  if (major == 1) {
    uint8_t bytes[2];
    if (!file.read(reinterpret_cast<char *>(bytes), 2))
      return Status::error(path + ": truncated .npy header");
    headerLength = bytes[0] | (bytes[1] << 8);
    prefixLength = 10;
  } else if (major == 2 || major == 3) {
    uint8_t bytes[4];
    if (!file.read(reinterpret_cast<char *>(bytes), 4))
      return Status::error(path + ": truncated .npy header");
    headerLength = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) |
                   (static_cast<size_t>(bytes[3]) << 24);
    prefixLength = 12;
  } else {
    return Status::error(path + ": unsupported .npy version " +
                         std::to_string(major));
  }
  if (headerLength > fileSize - offset - prefixLength)
    return Status::error(path + ": truncated .npy header");
  std::string header(headerLength, '\0');
  file.read(header.data(), headerLength);

  std::string descr = dictValue(header, "descr");
  std::string fortran = dictValue(header, "fortran_order");
  std::string shapeText = dictValue(header, "shape");
  if (descr.size() < 2 || shapeText.empty() || fortran.empty())
    return Status::error(path + ": malformed .npy header: " + header);
  descr = descr.substr(1, descr.size() - 2); // Strip the quotes.
  std::optional<ElementType> type;
  for (const Descriptor &d : kDescriptors)
    if (descr == d.descr)
      type = d.type;
  if (!type)
    return Status::error(path + ": unsupported .npy dtype '" + descr +
                         "' (supported: <f4 <f2 <f8 |i1 <i2 <i4 <i8 |b1, "
                         "little-endian)");
  if (fortran != "False")
    return Status::error(path + ": Fortran-order .npy arrays are not "
                                "supported (save with C order)");
  std::optional<std::vector<int64_t>> shape = parseShapeTuple(shapeText);
  if (!shape)
    return Status::error(path + ": malformed .npy shape " + shapeText +
                         " (expected a tuple of sizes, e.g. (4, 16))");
  std::optional<int64_t> count = checkedElementCount(*shape);
  size_t dataOffset = offset + prefixLength + headerLength;
  if (!count || static_cast<uint64_t>(*count) >
                    (fileSize - dataOffset) / elementSize(*type))
    return Status::error(path + ": the .npy data is shorter than its shape " +
                         TensorType{*type, *shape}.str());
  auto tensor = Tensor::allocate(*type, *shape);
  if (!tensor)
    return tensor.status();
  file.read(reinterpret_cast<char *>(tensor->mutableBytes()),
            tensor->byteSize());
  if (!file)
    return Status::error(path + ": cannot read .npy data");
  size_t nextOffset = dataOffset + tensor->byteSize();
  return NpyArray{std::move(*tensor), nextOffset};
}

StatusOr<std::string> encodeNpy(const Tensor &tensor) {
  const char *descr = nullptr;
  for (const Descriptor &d : kDescriptors)
    if (d.type == tensor.elementType())
      descr = d.descr;
  if (!descr)
    return Status::error(std::string("cannot write ") +
                         std::string(elementTypeName(tensor.elementType())) +
                         " to .npy");
  std::ostringstream dict;
  dict << "{'descr': '" << descr << "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < tensor.shape().size(); ++i)
    dict << tensor.shape()[i] << (tensor.shape().size() == 1 ? "," : "")
         << (i + 1 < tensor.shape().size() ? ", " : "");
  dict << "), }";
  std::string header = dict.str();
  // Pad so that the data starts 64-byte aligned; the header ends in '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out(kMagic, 6);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out.append(reinterpret_cast<const char *>(tensor.bytes()), tensor.byteSize());
  return out;
}

} // namespace tessera::rt::tooling
