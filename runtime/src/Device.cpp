//===- Device.cpp ---------------------------------------------------------===//

#include "tessera/runtime/Device.h"

#include <algorithm>

namespace tessera::rt {

bool Device::supportsFormat(std::string_view format) const {
  std::vector<std::string> loaded = formats();
  return std::find(loaded.begin(), loaded.end(), format) != loaded.end();
}

} // namespace tessera::rt
