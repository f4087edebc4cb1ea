// Authentication: password log-in with sessions (cookie + CSRF token), bearer API
// tokens for scripts, and log-in rate limits per account and per address.
// Secrets (session ids, tokens) are stored only as SHA-256 hashes. Thread-safe.
#pragma once

#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/status.h"
#include "domain/user.h"
#include "service/clock.h"
#include "service/permissions.h"
#include "service/rate_limiter.h"
#include "store/store.h"

namespace guanxi {

struct LoginResult {
  std::string session_token;  // the cookie value; shown once
  std::string csrf_token;
  User user;
  int64_t max_age_seconds = 0;
};

struct AuthenticatedSession {
  Principal principal;
  std::string csrf_token;
};

struct NewApiToken {
  ApiToken token;
  std::string secret;  // shown once
};

struct AuthOptions {
  int64_t session_ttl_seconds = 12 * 3600;
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  int64_t failure_window_seconds = 15 * 60;
};

class AuthService {
 public:
  AuthService(Store& store, const Clock& clock, AuthOptions options = {});

  // Unauthenticated for a wrong login or password (one message for both);
  // ResourceExhausted, with the seconds to wait in the message, when rate-limited.
  Result<LoginResult> Login(const std::string& login, const std::string& password,
                            const std::string& remote_address);
  // Seconds until the account or address may try again (0 = now).
  int64_t RetryAfter(const std::string& login, const std::string& remote_address);
  Result<AuthenticatedSession> AuthenticateSession(const std::string& session_token);
  Result<Principal> AuthenticateBearer(const std::string& token);
  Status Logout(const std::string& session_token);

  Result<NewApiToken> CreateApiToken(const Principal& p, int64_t for_user_id, std::string name);
  Result<std::vector<ApiToken>> ListApiTokens(const Principal& p);
  Status RevokeApiToken(const Principal& p, int64_t token_id);

  // The principal a user acts as.
  static Principal PrincipalOf(const User& u) { return Principal{u.id, u.login, u.role, u.team_id}; }

 private:
  Result<Principal> ActiveUser(int64_t user_id);
  Store& store_;
  const Clock& clock_;
  AuthOptions options_;
  RateLimiter per_account_;
  RateLimiter per_address_;
  std::string dummy_hash_;  // verified against when the login is unknown, to equalise timing

  // API tokens already checked, by token hash, for at most a minute: a bearer
  // request then costs no database read for its credentials. Any change to a
  // user or token on any replica (Store::OnChange) empties it, so a revoked
  // token or a disabled user stops working at once.
  struct CachedToken {
    Principal principal;
    UnixSeconds checked_at = 0;
  };
  std::shared_mutex token_cache_mu_;
  std::unordered_map<std::string, CachedToken> token_cache_;
};

}  // namespace guanxi
