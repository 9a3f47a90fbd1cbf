//===- ModuleSignature.cpp ------------------------------------------------===//

#include "tessera/runtime/ModuleSignature.h"

#include "tessera/runtime/FileRead.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sodium.h>
#include <sstream>
#include <unistd.h>

namespace tessera::rt {

namespace {

constexpr char kTrailerMagic[8] = {'T', 'S', 'R', 'M', 'S', 'I', 'G', '1'};
constexpr const char *kPublicTag = "tessera-ed25519-public";
constexpr const char *kSecretTag = "tessera-ed25519-secret";

Status initSodium() {
  if (sodium_init() < 0)
    return Status::error("cannot initialize libsodium");
  return Status();
}

std::string toHex(const uint8_t *bytes, size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

bool fromHex(const std::string &hex, uint8_t *bytes, size_t size) {
  size_t decoded = 0;
  return sodium_hex2bin(bytes, size, hex.data(), hex.size(), nullptr, &decoded,
                        nullptr) == 0 &&
         decoded == size;
}

/// The hex value of the first `tag HEX` line of `text`.
std::vector<std::string> taggedValues(const std::string &text,
                                      const std::string &tag) {
  std::vector<std::string> values;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string first, value;
    if (words >> first && first == tag && words >> value)
      values.push_back(value);
  }
  return values;
}

Status writeNewFile(const std::string &path, const std::string &text,
                    mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return Status::error(path + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) ==
            static_cast<ssize_t>(text.size());
  ok = (::close(fd) == 0) && ok;
  if (!ok)
    return Status::error(path + ": cannot write the key");
  return Status();
}

} // namespace

size_t unsignedModuleSize(const uint8_t *data, size_t size) {
  if (size >= kSignatureTrailerSize &&
      std::memcmp(data + size - kSignatureTrailerSize, kTrailerMagic, 8) == 0)
    return size - kSignatureTrailerSize;
  return size;
}

std::string moduleSigner(const uint8_t *data, size_t size) {
  size_t signedSize = unsignedModuleSize(data, size);
  if (signedSize == size || initSodium().ok() == false)
    return "";
  return toHex(data + signedSize + 8, 32);
}

Status generateSigningKey(const std::string &prefix) {
  if (Status s = initSodium(); !s)
    return s;
  uint8_t publicKey[crypto_sign_PUBLICKEYBYTES];
  uint8_t secretKey[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(publicKey, secretKey);
  std::string publicLine = std::string(kPublicTag) + " " +
                           toHex(publicKey, sizeof(publicKey)) + "\n";
  Status s = writeNewFile(prefix + ".key",
                          std::string(kSecretTag) + " " +
                              toHex(secretKey, sizeof(secretKey)) + "\n",
                          0600);
  sodium_memzero(secretKey, sizeof(secretKey));
  if (!s)
    return s;
  return writeNewFile(prefix + ".pub", publicLine, 0644);
}

StatusOr<std::string> signModule(const std::string &module,
                                 const std::string &secretKeyPath) {
  if (Status s = initSodium(); !s)
    return s;
  auto text = readRegularFile(secretKeyPath, 1 << 16);
  if (!text)
    return text.status();
  std::vector<std::string> values = taggedValues(*text, kSecretTag);
  uint8_t secretKey[crypto_sign_SECRETKEYBYTES];
  if (values.size() != 1 || !fromHex(values[0], secretKey, sizeof(secretKey)))
    return Status::error(secretKeyPath + ": not a tessera signing key (one '" +
                         kSecretTag +
                         " HEX' line; `tessera keygen` writes one)");
  std::string signedModule = module;
  signedModule.append(kTrailerMagic, sizeof(kTrailerMagic));
  // The public key is the second half of libsodium's secret key.
  signedModule.append(reinterpret_cast<const char *>(secretKey) + 32, 32);
  uint8_t signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr,
                       reinterpret_cast<const uint8_t *>(module.data()),
                       module.size(), secretKey);
  sodium_memzero(secretKey, sizeof(secretKey));
  signedModule.append(reinterpret_cast<const char *>(signature),
                      sizeof(signature));
  return signedModule;
}

StatusOr<std::vector<PublicKey>> readTrustedKeys(const std::string &path) {
  auto text = readRegularFile(path, 1 << 20);
  if (!text)
    return text.status();
  std::vector<PublicKey> keys;
  for (const std::string &value : taggedValues(*text, kPublicTag)) {
    PublicKey key;
    if (!fromHex(value, key.data(), key.size()))
      return Status::error(path + ": '" + value +
                           "' is not a 32-byte hex public key");
    keys.push_back(key);
  }
  if (keys.empty())
    return Status::error(path + ": no '" + std::string(kPublicTag) +
                         " HEX' line (`tessera keygen` writes NAME.pub)");
  return keys;
}

Status verifyModuleSignature(const uint8_t *data, size_t size,
                             const std::vector<PublicKey> &trusted) {
  if (Status s = initSodium(); !s)
    return s;
  size_t signedSize = unsignedModuleSize(data, size);
  if (signedSize == size)
    return Status::error("the module is not signed, and --trusted-keys "
                         "accepts only signed modules");
  const uint8_t *signer = data + signedSize + 8;
  const uint8_t *signature = signer + 32;
  bool known = false;
  for (const PublicKey &key : trusted)
    known = known || std::memcmp(key.data(), signer, 32) == 0;
  if (!known)
    return Status::error("the module is signed by key " + toHex(signer, 32) +
                         ", which is not among the trusted keys");
  if (crypto_sign_verify_detached(signature, data, signedSize, signer) != 0)
    return Status::error("the module's signature does not match its bytes "
                         "(altered after signing)");
  return Status();
}

} // namespace tessera::rt
