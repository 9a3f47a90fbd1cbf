//===- CpuExecutable.cpp --------------------------------------------------===//

#include "CpuExecutable.h"

#include "ElfImage.h"

namespace tessera::rt {

namespace {

#if defined(__x86_64__)
constexpr const char *kHostFormat = "embedded-elf-x86_64";
#elif defined(__aarch64__)
constexpr const char *kHostFormat = "embedded-elf-arm_64";
#else
constexpr const char *kHostFormat = "";
#endif

/// Executables export one function per dispatch; far fewer than this.
constexpr uint32_t kMaxExports = 1u << 16;

} // namespace

bool CpuExecutable::supportsFormat(const std::string &format) {
  return format == kHostFormat;
}

const char *CpuExecutable::hostFormat() { return kHostFormat; }

StatusOr<std::unique_ptr<CpuExecutable>>
CpuExecutable::load(const std::string &name, const std::string &format,
                    const uint8_t *data, size_t size,
                    const std::vector<std::string> &expectedExports) {
  std::string what = "executable '" + name + "'";
  if (!supportsFormat(format))
    return Status::error(what + " has format '" + format +
                         "', which this runtime cannot load (it loads '" +
                         kHostFormat + "')");
  auto image = ElfImage::load(what, data, size);
  if (!image)
    return image.status();

  // The export table is read as data, and every pointer in it checked to
  // stay inside the library: nothing of the library runs before a dispatch.
  auto *library = static_cast<const tessera_executable_library_v0_t *>(
      (*image)->symbol(TESSERA_EXECUTABLE_LIBRARY_V0_NAME));
  if (!library || !(*image)->contains(library, sizeof(*library), false))
    return Status::error(what + " has no " +
                         TESSERA_EXECUTABLE_LIBRARY_V0_NAME +
                         " table (recompile the module with this tessera)");
  if (library->version != TESSERA_EXECUTABLE_LIBRARY_VERSION_0)
    return Status::error(what +
                         " does not support executable library version 0");
  if (library->export_count != expectedExports.size() ||
      library->export_count > kMaxExports)
    return Status::error(what + " has " +
                         std::to_string(library->export_count) +
                         " exports, the module expects " +
                         std::to_string(expectedExports.size()));
  size_t tableBytes = sizeof(void *) * library->export_count;
  if (library->export_count &&
      (!(*image)->contains(library->exports, tableBytes, false) ||
       !(*image)->contains(library->export_names, tableBytes, false)))
    return Status::error(what + ": its export table lies outside it");
  for (unsigned i = 0; i < library->export_count; ++i) {
    const char *exportName = library->export_names[i];
    if (!(*image)->contains(reinterpret_cast<const void *>(library->exports[i]),
                            1, /*executable=*/true))
      return Status::error(what + ": export " + std::to_string(i) +
                           " does not point at the library's code");
    if (!(*image)->containsString(exportName))
      return Status::error(what + ": export " + std::to_string(i) +
                           " has no valid name");
    if (expectedExports[i] != exportName)
      return Status::error(what + ": export " + std::to_string(i) + " is '" +
                           exportName + "', the module expects '" +
                           expectedExports[i] + "'");
  }

  std::unique_ptr<CpuExecutable> executable(new CpuExecutable());
  executable->executableName = name;
  executable->image = std::move(*image);
  executable->library = library;
  return executable;
}

CpuExecutable::~CpuExecutable() = default;

} // namespace tessera::rt
