// libFuzzer target: the header parsers. Each input line is one header value, all of them given
// to Prefer (several headers merge), and each to Range, Accept, Content-Type and negotiation.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "pgrest/media_type.hpp"
#include "pgrest/preferences.hpp"
#include "pgrest/range.hpp"

using namespace pgrest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= in.size();) {
    size_t end = in.find('\n', start);
    if (end == std::string_view::npos) end = in.size();
    lines.push_back(in.substr(start, end - start));
    start = end + 1;
  }
  Preferences prefs = parse_preferences(lines);
  Applied all{true, true, true, true, true, true, true, true};
  (void)preference_applied(prefs, all);

  static const std::vector<Offer> offers = {
      {Output::json, "application/json"},
      {Output::object, "application/vnd.pgrst.object+json"},
      {Output::csv, "text/csv"},
      {Output::text_raw, "text/plain"},
      {Output::plan_text, "application/vnd.pgrst.plan"},
      {Output::handler, "application/geo+json"},
  };
  for (std::string_view line : lines) {
    if (auto r = parse_range_header(line); r && r->ok()) {
      RowRange range = **r;
      (void)intersect(range, RowRange{5, 10});
      (void)intersect(range, range);
      // A page of rows at such an offset cannot exist, so only the empty page is asked about.
      (void)content_range(range.offset, 0, 100);
      (void)range_status(range.offset, 0, 100);
    }
    MediaType m = parse_media_type(line);
    (void)m.essence();
    std::vector<MediaType> accepted = parse_accept(line);
    (void)negotiate(accepted, offers);
  }
  return 0;
}
