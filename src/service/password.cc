#include "service/password.h"

#include <argon2.h>

#include <string>
#include <vector>

#include "service/secure_random.h"

namespace guanxi {
namespace {
constexpr uint32_t kTimeCost = 3;
constexpr uint32_t kMemoryKiB = 64 * 1024;
constexpr uint32_t kParallelism = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  std::string salt = RandomToken(kSaltBytes);
  size_t encoded_len = argon2_encodedlen(kTimeCost, kMemoryKiB, kParallelism,
                                         static_cast<uint32_t>(salt.size()), kHashBytes, Argon2_id);
  std::vector<char> encoded(encoded_len);
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kParallelism, password.data(),
                                 password.size(), salt.data(), salt.size(), kHashBytes,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return Status::Internal(std::string("argon2: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  std::string enc(encoded);
  return argon2id_verify(enc.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace guanxi
