// Serves the built web UI (web/dist) from memory: files are read once at
// start-up. Unknown paths that are not files get index.html, so the SPA's
// client-side routes survive a reload.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "http/server.h"

namespace guanxi::http {

class StaticFiles {
 public:
  // Loads every file under `root`; an empty or missing root serves a short
  // page saying the UI is not built.
  explicit StaticFiles(const std::string& root);
  HttpResponse Serve(const HttpRequest& r) const;
  size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
  };
  std::map<std::string, File> files_;  // "/index.html", "/assets/x.js"
};

}  // namespace guanxi::http
