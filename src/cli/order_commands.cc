// `guanxi orders import`: loads an order CSV (service/order_import.h) and reports
// what was inserted, already present and rejected.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "http/order_json.h"
#include "service/clock.h"
#include "service/order_service.h"

namespace guanxi::cli {

int OrdersImport(const Args& a) {
  auto usage = [](const std::string& msg) {
    std::fprintf(stderr, "guanxi: %s (see `guanxi --help`)\n", msg.c_str());
    return 2;
  };
  if (Status s = CheckAllowed(a, {"db", "file", "format", "sync"}); !s.ok()) return usage(s.message());
  auto file = a.Get("file");
  if (!file || file->empty()) return usage("--file F.csv is required (- reads stdin)");
  std::string format = a.GetOr("format", "text");
  if (format != "text" && format != "json") return usage("--format must be text or json");

  std::FILE* in = *file == "-" ? stdin : std::fopen(file->c_str(), "rb");
  if (!in) {
    std::fprintf(stderr, "guanxi: cannot open %s\n", file->c_str());
    return 1;
  }
  std::string error;
  // Bulk inserts touch index pages all over the file: give the writer a large cache.
  constexpr int kImportWriterCacheMib = 256;
  auto store = OpenCommandStore(a, &error, kImportWriterCacheMib);
  if (!store) {
    if (in != stdin) std::fclose(in);
    if (error.rfind("--db", 0) == 0) return usage(error);
    std::fprintf(stderr, "guanxi: %s\n", error.c_str());
    return 1;
  }
  SystemClock clock;
  OrderService orders(*store, clock);
  bool read_error = false;
  ByteSource source = [&](char* buf, size_t cap) {
    size_t n = std::fread(buf, 1, cap, in);
    if (n == 0 && std::ferror(in)) read_error = true;
    return n;
  };
  int64_t size_bytes = 0;
  if (in != stdin && std::fseek(in, 0, SEEK_END) == 0) {
    size_bytes = std::ftell(in);
    std::rewind(in);
  }
  auto outcome = orders.ImportOrders(Principal::System(), source, size_bytes < 0 ? 0 : size_bytes);
  if (in != stdin) std::fclose(in);
  store->Close();
  if (read_error) {
    std::fprintf(stderr, "guanxi: reading %s failed\n", file->c_str());
    return 1;
  }
  if (!outcome.ok()) {
    std::fprintf(stderr, "guanxi: import failed: %s\n", outcome.status().ToString().c_str());
    return 1;
  }
  if (format == "json") {
    std::string out = http::ImportOutcomeToJson(*outcome) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    std::printf("inserted %lld, already present %lld, rejected %zu\n",
                static_cast<long long>(outcome->inserted), static_cast<long long>(outcome->already_present),
                outcome->rejected.size());
    for (const auto& r : outcome->rejected) {
      std::printf("line %lld: %s: %s\n", static_cast<long long>(r.line_no), r.field.c_str(), r.message.c_str());
    }
  }
  return outcome->rejected.empty() ? 0 : 1;
}

}  // namespace guanxi::cli
