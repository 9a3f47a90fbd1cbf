//===- ModuleSignature.h - Signed modules (Ed25519) -------------*- C++ -*-===//
//
// A module is code: loading one you do not trust is running its code. For
// deployments that must only run modules they built, `tessera compile
// --sign-key` appends an Ed25519 signature (libsodium) over the module's
// bytes, and `tessera run --trusted-keys` refuses a module that is unsigned,
// altered, or signed by a key not listed.
//
// The signature is a trailer after the FlatBuffer: "TSRMSIG1", the signer's
// 32-byte public key, the 64-byte detached signature of every byte before
// the trailer. A reader that does not check it ignores it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_MODULESIGNATURE_H
#define TESSERA_RUNTIME_MODULESIGNATURE_H

#include "tessera/runtime/Status.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::rt {

using PublicKey = std::array<uint8_t, 32>;

/// Bytes of the signature trailer.
constexpr size_t kSignatureTrailerSize = 8 + 32 + 64;

/// The size of the module without its signature trailer (all of it when it
/// has none).
size_t unsignedModuleSize(const uint8_t *data, size_t size);

/// The hex public key of the module's signature trailer, "" when it has
/// none (not verified: verifyModuleSignature does that).
std::string moduleSigner(const uint8_t *data, size_t size);

/// Writes a new key pair: `prefix`.key (secret, mode 0600) and `prefix`.pub.
Status generateSigningKey(const std::string &prefix);

/// `module` (without a trailer) with the signature trailer of the secret key
/// in `secretKeyPath` appended.
StatusOr<std::string> signModule(const std::string &module,
                                 const std::string &secretKeyPath);

/// The public keys listed in a file (one `tessera-ed25519-public HEX` line
/// each; `#` comments).
StatusOr<std::vector<PublicKey>> readTrustedKeys(const std::string &path);

/// Ok when `data` carries a valid signature by one of `trusted`; else says
/// why it is refused (unsigned, altered, unknown signer).
Status verifyModuleSignature(const uint8_t *data, size_t size,
                             const std::vector<PublicKey> &trusted);

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_MODULESIGNATURE_H
