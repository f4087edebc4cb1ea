#include "service/auth_service.h"

#include "domain/search_text.h"
#include "service/password.h"
#include "service/secure_random.h"

namespace guanxi {

AuthService::AuthService(Store& store, const Clock& clock, AuthOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      per_account_(store, clock, options.max_failures_per_account, options.failure_window_seconds),
      per_address_(store, clock, options.max_failures_per_address, options.failure_window_seconds) {
  store_.OnChange([this](const std::string& entity, int64_t) {
    if (entity != "user" && entity != "token" && entity != "*") return;
    std::unique_lock lock(token_cache_mu_);
    token_cache_.clear();
  });
}

int64_t AuthService::RetryAfter(const std::string& login_in, const std::string& remote_address) {
  std::string login = login_in;
  (void)NormalizeLogin(login);  // counters are kept under the normalised login
  return std::max(per_account_.RetryAfter("login:" + login),
                  per_address_.RetryAfter("addr:" + remote_address));
}

Result<LoginResult> AuthService::Login(const std::string& login_in, const std::string& password,
                                       const std::string& remote_address) {
  std::string login = login_in;
  bool well_formed = NormalizeLogin(login).ok();
  int64_t wait = RetryAfter(login, remote_address);
  if (wait > 0) {
    return Status::ResourceExhausted("too many failed log-ins; try again in " +
                                     std::to_string(wait) + " seconds");
  }
  auto user = well_formed ? store_.GetUserByLogin(login) : Result<User>(Status::NotFound(""));
  bool ok = false;
  if (user.ok()) {
    ok = VerifyPassword(user->password_hash, password) && !user->disabled;
  } else {
    if (dummy_hash_.empty()) {
      auto h = HashPassword("not-a-real-password");
      if (h.ok()) dummy_hash_ = *h;
    }
    (void)VerifyPassword(dummy_hash_, password);
  }
  if (!ok) {
    per_account_.RecordFailure("login:" + login);
    per_address_.RecordFailure("addr:" + remote_address);
    AuditEntry a;
    a.at = clock_.Now();
    a.user_login = login.substr(0, 64);
    a.entity = "session";
    a.entity_id = user.ok() ? user->id : 0;
    a.action = "login_failed";
    a.after = "{\"address\":\"" + remote_address + "\"}";
    (void)store_.AppendAudit(std::move(a));
    return Status::Unauthenticated("wrong login or password");
  }
  per_account_.Reset("login:" + login);
  LoginResult r;
  r.session_token = RandomToken(32);
  r.csrf_token = RandomToken(32);
  r.user = *user;
  r.max_age_seconds = options_.session_ttl_seconds;
  UnixSeconds now = clock_.Now();
  GX_RETURN_IF_ERROR(store_.CreateSession(Session{Sha256Hex(r.session_token), user->id, r.csrf_token,
                                                  now, now + options_.session_ttl_seconds}));
  AuditEntry a;
  a.at = now;
  a.user_id = user->id;
  a.user_login = user->login;
  a.entity = "session";
  a.entity_id = user->id;
  a.action = "login";
  (void)store_.AppendAudit(std::move(a));
  return r;
}

Result<Principal> AuthService::ActiveUser(int64_t user_id) {
  auto user = store_.GetUser(user_id);
  if (!user.ok() || user->disabled) return Status::Unauthenticated("the account is not active");
  return PrincipalOf(*user);
}

Result<AuthenticatedSession> AuthService::AuthenticateSession(const std::string& session_token) {
  if (session_token.empty() || session_token.size() > 256) {
    return Status::Unauthenticated("not logged in");
  }
  auto s = store_.GetSession(Sha256Hex(session_token), clock_.Now());
  if (!s.ok()) return Status::Unauthenticated("the session has ended; log in again");
  GX_ASSIGN_OR_RETURN(Principal p, ActiveUser(s->user_id));
  return AuthenticatedSession{std::move(p), s->csrf_token};
}

Result<Principal> AuthService::AuthenticateBearer(const std::string& token) {
  if (token.empty() || token.size() > 256) return Status::Unauthenticated("invalid API token");
  constexpr int64_t kRecheckSeconds = 60;  // also how often last_used_at is kept up
  std::string hash = Sha256Hex(token);
  UnixSeconds now = clock_.Now();
  {
    std::shared_lock lock(token_cache_mu_);
    auto it = token_cache_.find(hash);
    if (it != token_cache_.end() && now - it->second.checked_at < kRecheckSeconds) {
      return it->second.principal;
    }
  }
  auto user = store_.UseApiToken(hash, now);
  if (!user.ok() || user->disabled) return Status::Unauthenticated("invalid API token");
  Principal p = PrincipalOf(*user);
  std::unique_lock lock(token_cache_mu_);
  if (token_cache_.size() >= 10000) token_cache_.clear();
  token_cache_[hash] = CachedToken{p, now};
  return p;
}

Status AuthService::Logout(const std::string& session_token) {
  return store_.DeleteSession(Sha256Hex(session_token));
}

Result<NewApiToken> AuthService::CreateApiToken(const Principal& p, int64_t for_user_id,
                                                std::string name) {
  if (for_user_id != p.user_id && !IsAdmin(p)) {
    return Status::PermissionDenied("only an admin may create tokens for another user");
  }
  if (!IsValidUtf8(name)) return Status::InvalidField("name", "is not valid UTF-8");
  if (name.empty()) name = "api";
  if (CodePointCount(name) > kMaxShortTextChars) {
    return Status::InvalidField("name", "is longer than 100 characters");
  }
  GX_ASSIGN_OR_RETURN(User owner, store_.GetUser(for_user_id));
  if (owner.disabled) return Status::FailedPrecondition("the user is disabled");
  NewApiToken out;
  out.secret = "gx_" + RandomToken(32);
  ApiToken t;
  t.user_id = for_user_id;
  t.name = std::move(name);
  t.token_hash = Sha256Hex(out.secret);
  t.created_at = clock_.Now();
  AuditEntry a;
  a.at = t.created_at;
  if (p.user_id) a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = "token";
  a.action = "create";
  GX_ASSIGN_OR_RETURN(out.token, store_.CreateApiToken(std::move(t), std::move(a)));
  return out;
}

Result<std::vector<ApiToken>> AuthService::ListApiTokens(const Principal& p) {
  return store_.ListApiTokens(p.user_id);
}

Status AuthService::RevokeApiToken(const Principal& p, int64_t token_id) {
  AuditEntry a;
  a.at = clock_.Now();
  a.user_id = p.user_id;
  a.user_login = p.login;
  a.entity = "token";
  a.action = "revoke";
  return store_.DeleteApiToken(p.user_id, token_id, std::move(a));
}

}  // namespace guanxi
