//===- VerifiedModule.cpp - Module bytes read without loading -------------===//

#include "VerifiedModule.h"

#include <cstring>

namespace tessera::rt::tooling {

StatusOr<VerifiedModule> readVerifiedModule(const void *data, size_t size) {
  auto signatures = Module::readSignatures(data, size);
  if (!signatures)
    return signatures.status();
  auto bytes = Buffer::allocate(size);
  if (!bytes)
    return bytes.status();
  std::memcpy((*bytes)->data(), data, size);
  VerifiedModule verified;
  verified.bytes = std::move(*bytes);
  verified.module = schema::GetModule(verified.bytes->data());
  verified.signatures = std::move(*signatures);
  return verified;
}

} // namespace tessera::rt::tooling
