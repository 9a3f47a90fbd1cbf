//===- ElfImage.cpp -------------------------------------------------------===//

#include "ElfImage.h"

#include <algorithm>
#include <cstring>
#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

namespace tessera::rt {

namespace {

#if defined(__x86_64__)
constexpr uint16_t kMachine = EM_X86_64;
constexpr uint32_t kRelocNone = R_X86_64_NONE;
constexpr uint32_t kRelocRelative = R_X86_64_RELATIVE;
constexpr uint32_t kRelocAbsolute = R_X86_64_64;
constexpr uint32_t kRelocGlobalData = R_X86_64_GLOB_DAT;
constexpr uint32_t kRelocJumpSlot = R_X86_64_JUMP_SLOT;
#elif defined(__aarch64__)
constexpr uint16_t kMachine = EM_AARCH64;
constexpr uint32_t kRelocNone = R_AARCH64_NONE;
constexpr uint32_t kRelocRelative = R_AARCH64_RELATIVE;
constexpr uint32_t kRelocAbsolute = R_AARCH64_ABS64;
constexpr uint32_t kRelocGlobalData = R_AARCH64_GLOB_DAT;
constexpr uint32_t kRelocJumpSlot = R_AARCH64_JUMP_SLOT;
#else
constexpr uint16_t kMachine = EM_NONE;
constexpr uint32_t kRelocNone = 0, kRelocRelative = ~0u, kRelocAbsolute = ~0u,
                   kRelocGlobalData = ~0u, kRelocJumpSlot = ~0u;
#endif

/// Executables are small; a bigger address span is a crafted header.
constexpr uint64_t kMaxSpan = uint64_t(1) << 30;

uint64_t pageSize() { return static_cast<uint64_t>(sysconf(_SC_PAGESIZE)); }

bool endOf(uint64_t begin, uint64_t length, uint64_t *end) {
  return !__builtin_add_overflow(begin, length, end);
}

/// The library's segments as read from its headers (virtual addresses).
struct LoadSegment {
  uint64_t vaddr, memsz, offset, filesz;
  uint32_t flags;
};

} // namespace

StatusOr<std::unique_ptr<ElfImage>>
ElfImage::load(const std::string &what, const uint8_t *data, size_t size) {
  auto fail = [&](const std::string &message) -> Status {
    return Status::error(what + ": " + message);
  };

  // --- Header ---------------------------------------------------------------
  if (size < sizeof(Elf64_Ehdr) || std::memcmp(data, ELFMAG, SELFMAG) != 0)
    return Status::error(what + " is not an ELF file");
  Elf64_Ehdr header;
  std::memcpy(&header, data, sizeof(header));
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB)
    return Status::error(what + " is not a 64-bit little-endian ELF file");
  if (header.e_type != ET_DYN)
    return Status::error(what + " is not an ELF shared object");
  if (header.e_machine != kMachine)
    return Status::error(what + " is built for ELF machine " +
                         std::to_string(header.e_machine) + ", not this one (" +
                         std::to_string(kMachine) + ")");
  uint64_t headersEnd;
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0 ||
      header.e_phnum > 64 ||
      !endOf(header.e_phoff, uint64_t(header.e_phnum) * sizeof(Elf64_Phdr),
             &headersEnd) ||
      headersEnd > size)
    return fail("the ELF program headers lie outside the file");

  // --- Segments -------------------------------------------------------------
  std::vector<LoadSegment> loads;
  const Elf64_Phdr *dynamicHeader = nullptr;
  std::vector<Elf64_Phdr> programHeaders(header.e_phnum);
  std::memcpy(programHeaders.data(), data + header.e_phoff,
              header.e_phnum * sizeof(Elf64_Phdr));
  std::vector<const Elf64_Phdr *> relro;
  for (const Elf64_Phdr &ph : programHeaders) {
    switch (ph.p_type) {
    case PT_LOAD: {
      uint64_t fileEnd, memEnd;
      if (ph.p_memsz == 0)
        break;
      if (ph.p_filesz > ph.p_memsz ||
          !endOf(ph.p_offset, ph.p_filesz, &fileEnd) || fileEnd > size ||
          !endOf(ph.p_vaddr, ph.p_memsz, &memEnd) || memEnd > kMaxSpan)
        return fail("an ELF segment lies outside the file or the address "
                    "range an executable may use");
      if ((ph.p_flags & PF_W) && (ph.p_flags & PF_X))
        return fail("an ELF segment is both writable and executable");
      loads.push_back(
          {ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz, ph.p_flags});
      break;
    }
    case PT_DYNAMIC:
      dynamicHeader = &ph;
      break;
    case PT_GNU_RELRO:
      relro.push_back(&ph);
      break;
    case PT_INTERP:
      return fail("the library names a program interpreter (PT_INTERP)");
    case PT_TLS:
      return fail("the library uses thread-local storage (PT_TLS), which "
                  "executables may not");
    default:
      break;
    }
  }
  if (loads.empty())
    return fail("the library has no loadable segment");
  if (!dynamicHeader)
    return fail("the library has no dynamic section");
  std::sort(loads.begin(), loads.end(),
            [](const LoadSegment &a, const LoadSegment &b) {
              return a.vaddr < b.vaddr;
            });
  const uint64_t page = pageSize();
  auto pageDown = [&](uint64_t v) { return v & ~(page - 1); };
  auto pageUp = [&](uint64_t v) { return (v + page - 1) & ~(page - 1); };
  // Each page gets the protection of one segment.
  for (size_t i = 1; i < loads.size(); ++i)
    if (pageUp(loads[i - 1].vaddr + loads[i - 1].memsz) >
        pageDown(loads[i].vaddr))
      return fail("two ELF segments share a page");
  const uint64_t spanBegin = pageDown(loads.front().vaddr);
  const uint64_t spanEnd = pageUp(loads.back().vaddr + loads.back().memsz);

  std::unique_ptr<ElfImage> image(new ElfImage());
  void *mapped = mmap(nullptr, spanEnd - spanBegin, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED)
    return fail("cannot map the library: " + std::string(strerror(errno)));
  image->base = static_cast<uint8_t *>(mapped);
  image->mappedSize = spanEnd - spanBegin;
  // Mapped address of virtual address v.
  const uintptr_t bias = reinterpret_cast<uintptr_t>(image->base) - spanBegin;
  for (const LoadSegment &load : loads) {
    std::memcpy(reinterpret_cast<void *>(bias + load.vaddr), data + load.offset,
                load.filesz);
    image->segments.push_back({bias + load.vaddr,
                               bias + load.vaddr + load.memsz,
                               (load.flags & PF_X) != 0});
  }
  // The segment holding [vaddr, vaddr + length), or null.
  auto segmentOf = [&](uint64_t vaddr, uint64_t length) -> const LoadSegment * {
    uint64_t end;
    if (!endOf(vaddr, length, &end))
      return nullptr;
    for (const LoadSegment &load : loads)
      if (vaddr >= load.vaddr && end <= load.vaddr + load.memsz)
        return &load;
    return nullptr;
  };
  auto at = [&](uint64_t vaddr) {
    return reinterpret_cast<uint8_t *>(bias + vaddr);
  };

  // --- Dynamic section ------------------------------------------------------
  if (dynamicHeader->p_filesz % sizeof(Elf64_Dyn) != 0 ||
      !segmentOf(dynamicHeader->p_vaddr, dynamicHeader->p_filesz))
    return fail("the dynamic section lies outside the library");
  uint64_t rela = 0, relaSize = 0, relaEntry = sizeof(Elf64_Rela);
  uint64_t jumpRel = 0, jumpRelSize = 0, jumpRelKind = DT_RELA;
  uint64_t symtab = 0, symbolEntry = sizeof(Elf64_Sym), strtab = 0,
           strtabSize = 0, hash = 0;
  size_t dynamicCount = dynamicHeader->p_filesz / sizeof(Elf64_Dyn);
  for (size_t i = 0; i < dynamicCount; ++i) {
    Elf64_Dyn entry;
    std::memcpy(&entry, at(dynamicHeader->p_vaddr) + i * sizeof(Elf64_Dyn),
                sizeof(entry));
    if (entry.d_tag == DT_NULL)
      break;
    uint64_t value = entry.d_un.d_val;
    switch (entry.d_tag) {
    case DT_NEEDED:
      return fail("the library depends on other libraries (DT_NEEDED); "
                  "executables must be self-contained");
    case DT_INIT:
    case DT_FINI:
    case DT_INIT_ARRAY:
    case DT_FINI_ARRAY:
    case DT_PREINIT_ARRAY:
      return fail("the library has constructors or destructors "
                  "(DT_INIT/DT_FINI), which tessera never runs; executables "
                  "may not carry them");
    case DT_TEXTREL:
      return fail("the library relocates its code (DT_TEXTREL)");
    case DT_FLAGS:
      if (value & DF_TEXTREL)
        return fail("the library relocates its code (DT_TEXTREL)");
      break;
    case DT_REL:
    case DT_RELR:
      return fail("the library uses a relocation format (DT_REL/DT_RELR) "
                  "the compiler never emits");
    case DT_RELA:
      rela = value;
      break;
    case DT_RELASZ:
      relaSize = value;
      break;
    case DT_RELAENT:
      relaEntry = value;
      break;
    case DT_JMPREL:
      jumpRel = value;
      break;
    case DT_PLTRELSZ:
      jumpRelSize = value;
      break;
    case DT_PLTREL:
      jumpRelKind = value;
      break;
    case DT_SYMTAB:
      symtab = value;
      break;
    case DT_SYMENT:
      symbolEntry = value;
      break;
    case DT_STRTAB:
      strtab = value;
      break;
    case DT_STRSZ:
      strtabSize = value;
      break;
    case DT_HASH:
      hash = value;
      break;
    default:
      break;
    }
  }

  // --- Symbols --------------------------------------------------------------
  if (!symtab || !strtab || !hash)
    return fail("the library has no symbol table with a DT_HASH index");
  if (symbolEntry != sizeof(Elf64_Sym) || !segmentOf(hash, 8) ||
      !segmentOf(strtab, strtabSize) || strtabSize == 0)
    return fail("the library's symbol table lies outside it");
  uint32_t symbolCount;
  std::memcpy(&symbolCount, at(hash) + 4, 4); // nchain
  if (!segmentOf(symtab, uint64_t(symbolCount) * sizeof(Elf64_Sym)))
    return fail("the library's symbol table lies outside it");
  std::vector<Elf64_Sym> symbols(symbolCount);
  std::memcpy(symbols.data(), at(symtab), symbols.size() * sizeof(Elf64_Sym));
  const char *strings = reinterpret_cast<const char *>(at(strtab));
  for (uint32_t i = 1; i < symbolCount; ++i) {
    const Elf64_Sym &sym = symbols[i];
    if (sym.st_name >= strtabSize ||
        !std::memchr(strings + sym.st_name, 0, strtabSize - sym.st_name))
      return fail("symbol " + std::to_string(i) + " has no valid name");
    unsigned type = ELF64_ST_TYPE(sym.st_info);
    unsigned binding = ELF64_ST_BIND(sym.st_info);
    if (sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_ABS ||
        (type != STT_FUNC && type != STT_OBJECT) ||
        (binding != STB_GLOBAL && binding != STB_WEAK))
      continue;
    if (!segmentOf(sym.st_value, std::max<uint64_t>(sym.st_size, 1)))
      return fail("symbol '" + std::string(strings + sym.st_name) +
                  "' lies outside the library");
    image->symbols.emplace_back(strings + sym.st_name, bias + sym.st_value);
  }

  // --- Relocations ----------------------------------------------------------
  auto relocate = [&](uint64_t table, uint64_t tableSize) -> Status {
    if (!table || !tableSize)
      return Status();
    if (relaEntry != sizeof(Elf64_Rela) || tableSize % sizeof(Elf64_Rela) ||
        !segmentOf(table, tableSize))
      return fail("the library's relocations lie outside it");
    for (uint64_t i = 0; i < tableSize / sizeof(Elf64_Rela); ++i) {
      Elf64_Rela r;
      std::memcpy(&r, at(table) + i * sizeof(Elf64_Rela), sizeof(r));
      uint32_t type = ELF64_R_TYPE(r.r_info);
      uint32_t symbolIndex = ELF64_R_SYM(r.r_info);
      if (type == kRelocNone)
        continue;
      const LoadSegment *target = segmentOf(r.r_offset, 8);
      if (!target || !(target->flags & PF_W))
        return fail("relocation " + std::to_string(i) +
                    " writes outside the library's writable data");
      uint64_t value;
      if (type == kRelocRelative) {
        value = bias + r.r_addend;
      } else if (type == kRelocAbsolute || type == kRelocGlobalData ||
                 type == kRelocJumpSlot) {
        if (symbolIndex == 0 || symbolIndex >= symbolCount)
          return fail("relocation " + std::to_string(i) +
                      " names no symbol of the library");
        const Elf64_Sym &sym = symbols[symbolIndex];
        unsigned symbolType = ELF64_ST_TYPE(sym.st_info);
        const char *name = strings + sym.st_name;
        if (sym.st_shndx == SHN_UNDEF)
          return fail("the library imports '" + std::string(name) +
                      "'; executables may not import symbols");
        if (symbolType == STT_GNU_IFUNC || symbolType == STT_TLS)
          return fail("the library's symbol '" + std::string(name) +
                      "' is an IFUNC or thread-local");
        value = (sym.st_shndx == SHN_ABS ? 0 : bias) + sym.st_value;
        if (type == kRelocAbsolute)
          value += r.r_addend;
      } else {
        return fail("the library has a relocation of type " +
                    std::to_string(type) + ", which the compiler never emits");
      }
      std::memcpy(at(r.r_offset), &value, sizeof(value));
    }
    return Status();
  };
  if (Status s = relocate(rela, relaSize); !s)
    return s;
  if (jumpRel && jumpRelKind != DT_RELA)
    return fail("the library's PLT relocations are not RELA");
  if (Status s = relocate(jumpRel, jumpRelSize); !s)
    return s;

  // --- Protection -----------------------------------------------------------
  for (const LoadSegment &load : loads) {
    int protection = ((load.flags & PF_R) ? PROT_READ : 0) |
                     ((load.flags & PF_W) ? PROT_WRITE : 0) |
                     ((load.flags & PF_X) ? PROT_EXEC : 0);
    uint64_t begin = pageDown(load.vaddr),
             end = pageUp(load.vaddr + load.memsz);
    if (mprotect(at(begin), end - begin, protection) != 0)
      return fail("cannot protect the library's pages: " +
                  std::string(strerror(errno)));
  }
  // Relocated read-only data becomes read-only (whole pages only).
  for (const Elf64_Phdr *ph : relro) {
    uint64_t end;
    if (!endOf(ph->p_vaddr, ph->p_memsz, &end) || !segmentOf(ph->p_vaddr, 0))
      continue;
    uint64_t begin = pageDown(ph->p_vaddr);
    end = pageDown(end);
    if (end > begin && begin >= spanBegin && end <= spanEnd)
      mprotect(at(begin), end - begin, PROT_READ);
  }
  return image;
}

ElfImage::~ElfImage() {
  if (base)
    munmap(base, mappedSize);
}

const void *ElfImage::symbol(const std::string &name) const {
  for (const auto &[symbolName, address] : symbols)
    if (symbolName == name)
      return reinterpret_cast<const void *>(address);
  return nullptr;
}

bool ElfImage::contains(const void *address, size_t size,
                        bool executable) const {
  uintptr_t begin = reinterpret_cast<uintptr_t>(address);
  uint64_t end;
  if (!endOf(begin, size, &end))
    return false;
  for (const Segment &segment : segments)
    if (begin >= segment.begin && end <= segment.end &&
        (!executable || segment.executable))
      return true;
  return false;
}

bool ElfImage::containsString(const char *text) const {
  uintptr_t begin = reinterpret_cast<uintptr_t>(text);
  for (const Segment &segment : segments)
    if (begin >= segment.begin && begin < segment.end)
      return std::memchr(text, 0, segment.end - begin) != nullptr;
  return false;
}

} // namespace tessera::rt
