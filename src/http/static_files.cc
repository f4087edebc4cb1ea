#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace guanxi::http {
namespace {

std::string ContentTypeFor(const std::string& ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

void AddSecurityHeaders(HttpResponse& r) {
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                         "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                         "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
}

}  // namespace

StaticFiles::StaticFiles(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) return;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string rel(1, '/');
    rel += fs::relative(it->path(), root).generic_string();
    files_[rel] = File{ContentTypeFor(it->path().extension().string()), buf.str()};
  }
}

HttpResponse StaticFiles::Serve(const HttpRequest& r) const {
  auto it = files_.find(r.path);
  bool is_asset = it != files_.end() && r.path != "/index.html";
  if (!is_asset) it = files_.find("/index.html");
  HttpResponse resp;
  if (it == files_.end()) {
    resp = HttpResponse::Text(200,
                              "Guanxi API is running. The web UI is not built: run `npm ci && npm "
                              "run build` in web/ (the README's run command does this).\n");
    AddSecurityHeaders(resp);
    return resp;
  }
  // A missing file under /assets/ is a real 404, not the SPA.
  if (!is_asset && r.path.rfind("/assets/", 0) == 0) {
    resp = HttpResponse::Text(404, "not found\n");
    AddSecurityHeaders(resp);
    return resp;
  }
  resp.status = 200;
  resp.content_type = it->second.content_type;
  resp.body = it->second.body;
  resp.headers.emplace_back("Cache-Control", r.path.rfind("/assets/", 0) == 0
                                                 ? "public, max-age=31536000, immutable"
                                                 : "no-cache");
  AddSecurityHeaders(resp);
  return resp;
}

}  // namespace guanxi::http
