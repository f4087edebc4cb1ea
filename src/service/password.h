// Password hashing with argon2id (RFC 9106 second recommended option, scaled to
// a small server: t=3, m=64 MiB, p=1). The encoded hash carries its parameters,
// so they can be raised later without invalidating stored hashes.
#pragma once

#include <string>
#include <string_view>

#include "domain/status.h"

namespace guanxi {

Result<std::string> HashPassword(std::string_view password);
// True when `password` matches `encoded`; false for a mismatch or a malformed hash.
bool VerifyPassword(std::string_view encoded, std::string_view password);

}  // namespace guanxi
