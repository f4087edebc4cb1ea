// Secrets for sessions, CSRF and API tokens, and the hashes we store instead of them.
#pragma once

#include <string>
#include <string_view>

namespace guanxi {

// `bytes` random bytes from the kernel (getrandom), as URL-safe base64 without padding.
std::string RandomToken(size_t bytes = 32);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Compares two strings in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace guanxi
