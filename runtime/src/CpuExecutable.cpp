//===- CpuExecutable.cpp --------------------------------------------------===//

#include "CpuExecutable.h"

#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

namespace tessera::rt {

namespace {

#if defined(__x86_64__)
constexpr const char *kHostFormat = "embedded-elf-x86_64";
constexpr uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr const char *kHostFormat = "embedded-elf-arm_64";
constexpr uint16_t kHostMachine = EM_AARCH64;
#else
constexpr const char *kHostFormat = "";
constexpr uint16_t kHostMachine = EM_NONE;
#endif

Status checkElfHeader(const std::string &what, const uint8_t *data,
                      size_t size) {
  if (size < sizeof(Elf64_Ehdr) || std::memcmp(data, ELFMAG, SELFMAG) != 0)
    return Status::error(what + " is not an ELF file");
  Elf64_Ehdr header;
  std::memcpy(&header, data, sizeof(header));
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB)
    return Status::error(what + " is not a 64-bit little-endian ELF file");
  if (header.e_type != ET_DYN)
    return Status::error(what + " is not an ELF shared object");
  if (header.e_machine != kHostMachine)
    return Status::error(what + " is built for ELF machine " +
                         std::to_string(header.e_machine) + ", not this one (" +
                         std::to_string(kHostMachine) + ")");
  return Status();
}

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
  if (Status s = checkElfHeader(what, data, size); !s)
    return s;

  // dlopen needs a path: give it an anonymous in-memory file.
  int fd = memfd_create(name.c_str(), MFD_CLOEXEC);
  if (fd < 0)
    return Status::error(what +
                         ": memfd_create failed: " + std::strerror(errno));
  for (size_t written = 0; written < size;) {
    ssize_t n = write(fd, data + written, size - written);
    if (n <= 0) {
      close(fd);
      return Status::error(what + ": writing the library failed");
    }
    written += n;
  }
  // The loader recognizes already-loaded libraries by path, so the file
  // stays open (its /proc/self/fd path unique) as long as it is loaded.
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    close(fd);
    return Status::error(what + ": cannot load the library: " + dlerror());
  }

  std::unique_ptr<CpuExecutable> executable(new CpuExecutable());
  executable->executableName = name;
  executable->handle = handle;
  executable->fd = fd;
  auto query = reinterpret_cast<tessera_executable_library_query_fn_t>(
      dlsym(handle, TESSERA_EXECUTABLE_LIBRARY_QUERY_NAME));
  if (!query)
    return Status::error(what + " has no " +
                         TESSERA_EXECUTABLE_LIBRARY_QUERY_NAME + " function");
  tessera_executable_environment_v0_t environment = {nullptr};
  executable->library =
      query(TESSERA_EXECUTABLE_LIBRARY_VERSION_0, &environment);
  const tessera_executable_library_v0_t *library = executable->library;
  if (!library || library->version != TESSERA_EXECUTABLE_LIBRARY_VERSION_0)
    return Status::error(what +
                         " does not support executable library version 0");
  if (library->export_count != expectedExports.size())
    return Status::error(what + " has " +
                         std::to_string(library->export_count) +
                         " exports, the module expects " +
                         std::to_string(expectedExports.size()));
  for (unsigned i = 0; i < library->export_count; ++i) {
    const char *exportName =
        library->export_names ? library->export_names[i] : nullptr;
    if (!library->exports || !library->exports[i])
      return Status::error(what + ": export " + std::to_string(i) +
                           " has no function");
    if (!exportName || expectedExports[i] != exportName)
      return Status::error(what + ": export " + std::to_string(i) + " is '" +
                           (exportName ? exportName : "<null>") +
                           "', the module expects '" + expectedExports[i] +
                           "'");
  }
  return executable;
}

CpuExecutable::~CpuExecutable() {
  if (handle)
    dlclose(handle);
  if (fd >= 0)
    close(fd);
}

} // namespace tessera::rt
