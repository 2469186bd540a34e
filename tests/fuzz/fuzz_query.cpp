// libFuzzer target: the query-string grammar. The input is a raw query string, parsed whole (as a
// read and as an RPC call, then through the API-request parser) and parameter by parameter through
// the building blocks (select, filter values, logic trees, order, fields).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_config.hpp"
#include "pgrest/api_request.hpp"
#include "pgrest/query_grammar.hpp"

using namespace pgrest;

namespace {

void print(const QueryParams& q) {
  (void)to_string(q.select);
  for (const auto& f : q.filters) (void)to_string(f.value);
  for (const auto& t : q.logic) (void)to_string(t.value);
  for (const auto& o : q.order) (void)to_string(o.value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  for (bool rpc : {false, true}) {
    GrammarOptions options;
    options.rpc_args = rpc;
    if (auto q = parse_query(raw, options)) print(*q);
  }
  for (const auto& [key, value] : split_query(raw)) {
    if (auto s = parse_select(value)) (void)to_string(*s);
    if (auto e = parse_op_expr(value)) (void)to_string(*e);
    if (auto o = parse_order(value)) (void)to_string(*o);
    if (auto f = parse_field(key)) (void)to_string(*f);
    if (auto t = parse_logic_tree(key, value)) (void)to_string(*t);
  }
  const Config& config = two_schema_config();
  for (const char* path : {"/items", "/rpc/f"}) {
    Request req;
    req.method = "GET";
    req.path = path;
    req.query = std::string(raw);
    (void)parse_api_request(req, config);
  }
  return 0;
}
