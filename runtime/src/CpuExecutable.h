//===- CpuExecutable.h - An executable library loaded from memory -*- C++
//-*-===//
#ifndef TESSERA_RUNTIME_CPUEXECUTABLE_H
#define TESSERA_RUNTIME_CPUEXECUTABLE_H

#include "tessera/executable_library.h"
#include "tessera/runtime/Device.h"
#include "tessera/runtime/Status.h"

#include <memory>
#include <string>
#include <vector>

namespace tessera::rt {

class ElfImage;

/// A CPU executable (an ELF shared object following executable_library.h)
/// mapped from the module's bytes by the runtime's own loader (ElfImage):
/// none of its code runs until a dispatch calls an export.
class CpuExecutable final : public Executable {
public:
  /// Checks and maps the library, reads its export table and checks it lists
  /// `expectedExports` in order.
  static StatusOr<std::unique_ptr<CpuExecutable>>
  load(const std::string &name, const std::string &format, const uint8_t *data,
       size_t size, const std::vector<std::string> &expectedExports);
  ~CpuExecutable();

  const std::string &name() const { return executableName; }
  tessera_dispatch_fn_v0_t exportFunction(unsigned ordinal) const {
    return library->exports[ordinal];
  }
  unsigned exportCount() const { return library->export_count; }

  /// Whether this runtime can load executables of `format`.
  static bool supportsFormat(const std::string &format);
  /// The one format it loads ("embedded-elf-x86_64").
  static const char *hostFormat();

private:
  CpuExecutable() = default;
  std::string executableName;
  std::unique_ptr<ElfImage> image;
  const tessera_executable_library_v0_t *library = nullptr;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_CPUEXECUTABLE_H
