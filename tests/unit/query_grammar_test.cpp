// Unit tests for the query-string grammar. Most cases live in tests/unit/data/*.tsv (one case per
// line, `#` comments, tab-separated columns); every line is its own Boost test case.
//
// Expected-result notation shared by the tables:
//   ERR:<code>        the parse fails with that code (PGRST100, PGRST103, ...)
//   ERR:<code>@<n>    ... and the message reports column n
//   NONE              (filters/logic) the parameter produces nothing (e.g. an empty value)
//   otherwise         the to_string() text form; a non-empty embed path is prefixed as "[a,b] ".
#include "pgrest/query_grammar.hpp"
#include "pgrest/range.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <fstream>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#ifndef PGREST_TEST_DATA
#define PGREST_TEST_DATA "tests/unit/data"
#endif

namespace pgrest {
namespace {

struct Case {
  std::string file;
  int line = 0;
  std::vector<std::string> cols;

  const std::string& col(size_t i) const {
    static const std::string kEmpty;
    return i < cols.size() ? cols[i] : kEmpty;
  }
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  os << c.file << ":" << c.line;
  for (const auto& col : c.cols) os << " [" << col << "]";
  return os;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

// A missing or empty file yields one failing case so the table cannot silently vanish.
std::vector<Case> load(const std::string& name) {
  std::vector<Case> cases;
  std::ifstream in(std::string(PGREST_TEST_DATA) + "/" + name);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    cases.push_back(Case{name, n, split_tabs(line)});
  }
  if (cases.empty()) cases.push_back(Case{name, 0, {"<missing or empty table>"}});
  return cases;
}

std::string encode_all(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += sep;
    out += v[i];
  }
  return out;
}

std::string prefix(const EmbedPath& path) {
  return path.empty() ? "" : "[" + join(path, ",") + "] ";
}

std::string summarize(const QueryParams& q) {
  std::vector<std::string> parts{"sel:" + to_string(q.select)};
  for (const auto& f : q.filters) parts.push_back("f:" + prefix(f.path) + to_string(f.value));
  for (const auto& l : q.logic) parts.push_back("l:" + prefix(l.path) + to_string(l.value));
  for (const auto& o : q.order) parts.push_back("o:" + prefix(o.path) + to_string(o.value));
  for (const auto& l : q.limits) parts.push_back("lim:" + prefix(l.path) + std::to_string(l.value));
  for (const auto& o : q.offsets) {
    parts.push_back("off:" + prefix(o.path) + std::to_string(o.value));
  }
  if (q.columns) parts.push_back("cols:" + join(*q.columns, ","));
  if (q.on_conflict) parts.push_back("oc:" + join(*q.on_conflict, ","));
  for (const auto& [k, v] : q.rpc_args) parts.push_back("arg:" + k + "=" + v);
  return join(parts, " | ");
}

std::string describe(const Error& e) {
  return e.code + " " + e.message + " / " + e.details.value_or("");
}

// Checks a Result against an expected string: "ERR:<code>[@col]" or the rendered value.
template <typename T, typename Render>
void check(const Result<T>& r, const std::string& expected, Render render) {
  if (expected.rfind("ERR:", 0) == 0) {
    const std::string spec = expected.substr(4);
    const size_t at = spec.find('@');
    const std::string code = spec.substr(0, at);
    BOOST_REQUIRE_MESSAGE(!r.ok(), "expected " << expected << ", got "
                                               << (r.ok() ? render(r.value()) : std::string()));
    BOOST_TEST(r.error().code == code);
    BOOST_TEST(r.error().status == (code == "PGRST103" ? 416 : 400));
    if (at != std::string::npos) {
      const std::string column = "column " + spec.substr(at + 1) + ")";
      BOOST_TEST(r.error().message.find(column) != std::string::npos,
                 r.error().message << " should report " << column);
    }
    return;
  }
  BOOST_REQUIRE_MESSAGE(r.ok(), "expected " << expected << ", got error "
                                            << (r.ok() ? std::string() : describe(r.error())));
  BOOST_TEST(render(r.value()) == expected);
}

Result<QueryParams> query_of(const std::string& key, const std::string& value) {
  return parse_query(encode_all(key) + "=" + encode_all(value));
}

std::string only_filter(const QueryParams& q) {
  if (q.filters.empty()) return "NONE";
  return prefix(q.filters[0].path) + to_string(q.filters[0].value);
}

std::string only_logic(const QueryParams& q) {
  if (q.logic.empty()) return "NONE";
  return prefix(q.logic[0].path) + to_string(q.logic[0].value);
}

std::string select_text(const std::vector<SelectItem>& s) { return to_string(s); }
std::string order_text(const std::vector<OrderTerm>& o) { return to_string(o); }

namespace bdata = boost::unit_test::data;

}  // namespace

BOOST_AUTO_TEST_SUITE(query_grammar)

// filters.tsv: key, value, expected filter.
BOOST_DATA_TEST_CASE(filters, bdata::make(load("filters.tsv")), c) {
  check(query_of(c.col(0), c.col(1)), c.col(2), only_filter);
}

// logic.tsv: key, value, expected tree.
BOOST_DATA_TEST_CASE(logic, bdata::make(load("logic.tsv")), c) {
  check(query_of(c.col(0), c.col(1)), c.col(2), only_logic);
}

// select.tsv: select value, expected items.
BOOST_DATA_TEST_CASE(select, bdata::make(load("select.tsv")), c) {
  check(parse_select(c.col(0)), c.col(1), select_text);
}

// order.tsv: order value, expected terms.
BOOST_DATA_TEST_CASE(order, bdata::make(load("order.tsv")), c) {
  check(parse_order(c.col(0)), c.col(1), order_text);
}

// query.tsv: mode (get|rpc), raw query string, expected summary.
BOOST_DATA_TEST_CASE(query, bdata::make(load("query.tsv")), c) {
  GrammarOptions options;
  options.rpc_args = c.col(0) == "rpc";
  check(parse_query(c.col(1), options), c.col(2), summarize);
}

// canonical.tsv: raw query string, expected canonical form.
BOOST_DATA_TEST_CASE(canonical, bdata::make(load("canonical.tsv")), c) {
  GrammarOptions options;
  options.rpc_args = true;  // canonical never depends on the values being valid filters
  const auto r = parse_query(c.col(0), options);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->canonical == c.col(1));
}

// errors.tsv: raw query string, status, code, exact message, exact details (optional).
BOOST_DATA_TEST_CASE(errors, bdata::make(load("errors.tsv")), c) {
  const auto r = parse_query(c.col(0));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().status == std::stoi(c.col(1)));
  BOOST_TEST(r.error().code == c.col(2));
  BOOST_TEST(r.error().message == c.col(3));
  if (!c.col(4).empty()) BOOST_TEST(r.error().details.value_or("") == c.col(4));
}

// decode.tsv: raw component, decoded text (shown with `␠` for spaces at the ends).
BOOST_DATA_TEST_CASE(decode, bdata::make(load("decode.tsv")), c) {
  std::string expected = c.col(1);
  for (size_t at = expected.find("␠"); at != std::string::npos; at = expected.find("␠")) {
    expected.replace(at, std::string_view("␠").size(), " ");
  }
  BOOST_TEST(url_decode(c.col(0)) == expected);
}

BOOST_AUTO_TEST_CASE(split_keeps_order_and_separators) {
  const auto params = split_query("?b=2&a;c=x%3Dy&&d=");
  BOOST_REQUIRE_EQUAL(params.size(), 4u);
  BOOST_TEST(params[0].first == "b");
  BOOST_TEST(params[0].second == "2");
  BOOST_TEST(params[1].first == "a");
  BOOST_TEST(params[1].second == "");
  BOOST_TEST(params[2].second == "x=y");
  BOOST_TEST(params[3].first == "d");
}

BOOST_AUTO_TEST_CASE(op_expr_fields) {
  auto e = parse_op_expr("not.like(all).{O*,*n}");
  BOOST_REQUIRE(e.ok());
  BOOST_TEST(e->negated);
  BOOST_TEST((e->op == Op::like));
  BOOST_TEST((e->quantifier == Quantifier::all));
  BOOST_TEST(e->value == "{O*,*n}");
  BOOST_TEST(!e->language.has_value());

  auto fts = parse_op_expr("wfts(french).amusant");
  BOOST_REQUIRE(fts.ok());
  BOOST_TEST((fts->op == Op::wfts));
  BOOST_TEST(fts->language.value_or("") == "french");

  auto is = parse_op_expr("is.NOT_NULL");
  BOOST_REQUIRE(is.ok());
  BOOST_TEST(is->value == "not_null");

  auto in = parse_op_expr("in.(1,\"a,b\",\"q\\\"x\")");
  BOOST_REQUIRE(in.ok());
  BOOST_TEST((in->list == std::vector<std::string>{"1", "a,b", "q\"x"}));
}

BOOST_AUTO_TEST_CASE(empty_in_list_versus_empty_string) {
  auto empty = parse_op_expr("in.()");
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(empty->list.empty());
  auto quoted = parse_op_expr("in.(\"\")");
  BOOST_REQUIRE(quoted.ok());
  BOOST_TEST((quoted->list == std::vector<std::string>{""}));
}

BOOST_AUTO_TEST_CASE(json_path_steps) {
  auto f = parse_field("data->a->>b->0->>-1");
  BOOST_REQUIRE(f.ok());
  BOOST_TEST(f->name == "data");
  BOOST_REQUIRE_EQUAL(f->json_path.size(), 4u);
  BOOST_TEST(!f->json_path[0].as_text);
  BOOST_TEST(f->json_path[1].as_text);
  BOOST_TEST(f->json_path[1].key == "b");
  BOOST_TEST(f->json_path[2].is_index);
  BOOST_TEST(f->json_path[2].key == "0");
  BOOST_TEST(f->json_path[3].is_index);
  BOOST_TEST(f->json_path[3].key == "-1");
}

BOOST_AUTO_TEST_CASE(select_item_fields) {
  auto s = parse_select("a:c::numeric.sum()::int,x:rel!fk!inner(*),...sp(y)");
  BOOST_REQUIRE(s.ok());
  BOOST_REQUIRE_EQUAL(s->size(), 3u);
  const auto& f = std::get<SelectField>((*s)[0].item);
  BOOST_TEST(f.alias.value_or("") == "a");
  BOOST_TEST(f.field.name == "c");
  BOOST_TEST(f.cast.value_or("") == "numeric");
  BOOST_TEST(f.aggregate.value_or("") == "sum");
  BOOST_TEST(f.aggregate_cast.value_or("") == "int");
  const auto& e = std::get<SelectEmbed>((*s)[1].item);
  BOOST_TEST(e.relation == "rel");
  BOOST_TEST(e.alias.value_or("") == "x");
  BOOST_TEST(e.hint.value_or("") == "fk");
  BOOST_TEST((e.join == SelectEmbed::Join::inner));
  BOOST_TEST(!e.spread);
  const auto& sp = std::get<SelectEmbed>((*s)[2].item);
  BOOST_TEST(sp.spread);
  BOOST_REQUIRE_EQUAL(sp.children.size(), 1u);
}

BOOST_AUTO_TEST_CASE(order_term_fields) {
  auto o = parse_order("rel(col->>k).desc.nullslast,b");
  BOOST_REQUIRE(o.ok());
  BOOST_REQUIRE_EQUAL(o->size(), 2u);
  BOOST_TEST((*o)[0].relation.value_or("") == "rel");
  BOOST_TEST((*o)[0].field.name == "col");
  BOOST_TEST(((*o)[0].dir == OrderTerm::Dir::desc));
  BOOST_TEST(((*o)[0].nulls == OrderTerm::Nulls::last));
  BOOST_TEST(!(*o)[1].relation.has_value());
  BOOST_TEST(((*o)[1].dir == OrderTerm::Dir::none));
}

BOOST_AUTO_TEST_CASE(logic_tree_structure) {
  auto t = parse_logic_tree("not.or", "(a.eq.1,and(b.gt.2,c.is.null))");
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t->negated);
  BOOST_TEST(t->is_or);
  BOOST_REQUIRE_EQUAL(t->children.size(), 2u);
  BOOST_TEST(std::holds_alternative<Filter>(t->children[0]));
  const auto& inner = std::get<LogicTree>(t->children[1]);
  BOOST_TEST(!inner.is_or);
  BOOST_TEST(!inner.negated);
  BOOST_TEST(inner.children.size() == 2u);
}

BOOST_AUTO_TEST_CASE(logic_tree_rejects_other_keys) {
  auto t = parse_logic_tree("xor", "(a.eq.1)");
  BOOST_REQUIRE(!t.ok());
  BOOST_TEST(t.error().code == "PGRST100");
}

BOOST_AUTO_TEST_CASE(error_shape_for_filters) {
  auto r = parse_query("id=5");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().status == 400);
  BOOST_TEST(r.error().message == "\"failed to parse filter (5)\" (line 1, column 1)");
  BOOST_TEST(r.error().details.value_or("") ==
             "unexpected \"5\" expecting \"not\" or operator (eq, gt, ...)");
  BOOST_TEST(!r.error().hint.has_value());
}

BOOST_AUTO_TEST_CASE(negative_limit_error) {
  auto r = parse_query("select=id&limit=-1");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().status == 416);
  BOOST_TEST(r.error().code == "PGRST103");
  BOOST_TEST(r.error().message == "Requested range not satisfiable");
  BOOST_TEST(r.error().details.value_or("") == "Limit should be greater than or equal to zero.");
}

BOOST_AUTO_TEST_CASE(huge_limit_saturates) {
  auto r = parse_query("limit=99999999999999999999999&offset=18446744073709551616");
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->limits.size(), 1u);
  BOOST_TEST(r->limits[0].value == INT64_MAX);
  BOOST_TEST(r->offsets[0].value == INT64_MAX);
}

// Found with fuzz_headers / fuzz_plan (tests/fuzz/regressions/): both overflowed int64_t.
BOOST_AUTO_TEST_CASE(huge_ranges_saturate) {
  auto whole = parse_range_header("0-9223372036854775807");
  BOOST_REQUIRE(whole && whole->ok());
  BOOST_TEST(whole->value().offset == 0);
  BOOST_TEST(whole->value().limit.value_or(0) == INT64_MAX);
  auto last = parse_range_header("9223372036854775807-9223372036854775807");
  BOOST_REQUIRE(last && last->ok());
  RowRange r = intersect(RowRange{10, INT64_MAX}, last->value());
  BOOST_TEST(r.offset == INT64_MAX);
  BOOST_TEST(r.limit.value_or(-1) == 0);
  r = intersect(RowRange{INT64_MAX, 10}, RowRange{5, 5});
  BOOST_TEST(r.offset == INT64_MAX);
  BOOST_TEST(r.limit.value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(depth_limit_select) {
  std::string ok = "a";
  std::string deep = "a";
  for (int i = 0; i < 31; ++i) ok = "r(" + ok + ")";
  for (int i = 0; i < 32; ++i) deep = "r(" + deep + ")";
  BOOST_TEST(parse_select(ok).ok());
  auto r = parse_select(deep);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "PGRST100");
  BOOST_TEST(r.error().details.value_or("").find("depth") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(depth_limit_logic_with_options) {
  GrammarOptions options;
  options.max_depth = 3;
  BOOST_TEST(parse_query("or=(and(or(a.eq.1)))", options).ok());
  auto r = parse_query("or=(and(or(and(a.eq.1))))", options);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "PGRST100");
  BOOST_TEST(r.error().message.find("failed to parse logic tree") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(very_deep_nesting_does_not_overflow) {
  GrammarOptions options;
  options.max_depth = 1000000;  // clamped internally
  std::string select(200000, '(');
  std::string logic = "or=";
  for (int i = 0; i < 100000; ++i) logic += "(or";
  BOOST_TEST(!parse_query("select=r" + select, options).ok());
  BOOST_TEST(!parse_query(logic, options).ok());
  std::string nested = "a";
  for (int i = 0; i < 5000; ++i) nested = "r(" + nested + ")";
  BOOST_TEST(!parse_select(nested).ok());
}

BOOST_AUTO_TEST_CASE(huge_inputs) {
  const std::string big(1 << 20, 'x');
  auto r = parse_query("select=" + big + "&" + big + "=eq." + big + "&order=" + big);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->filters.size() == 1u);
  std::string list = "id=in.(";
  for (int i = 0; i < 100000; ++i) list += std::to_string(i) + ",";
  list += "0)";
  auto l = parse_query(list);
  BOOST_REQUIRE(l.ok());
  BOOST_TEST(l->filters[0].value.expr.list.size() == 100001u);
}

BOOST_AUTO_TEST_CASE(nul_bytes_and_invalid_utf8) {
  const std::string nul("a\0b", 3);
  auto quoted = parse_select("\"" + nul + "\"");
  BOOST_REQUIRE(quoted.ok());
  BOOST_TEST(std::get<SelectField>((*quoted)[0].item).field.name == nul);
  BOOST_TEST(!parse_select(nul).ok());
  auto bad = parse_query("id=%FF%FE");
  BOOST_REQUIRE(!bad.ok());
  // Error texts stay valid UTF-8: the bad bytes become U+FFFD.
  BOOST_TEST(bad.error().message.find("\xEF\xBF\xBD") != std::string::npos);
  BOOST_TEST(bad.error().message.find('\xFF') == std::string::npos);
  auto value = parse_query("id=eq.%FF%00x");
  BOOST_REQUIRE(value.ok());
  BOOST_TEST(value->filters[0].value.expr.value == std::string("\xFF\0x", 3));
}

BOOST_AUTO_TEST_CASE(unicode_names_pass_through) {
  auto r = parse_query("select=%D8%AA%D8%B3%D8%AA,%E2%82%AC:x&%C3%A9t%C3%A9=eq.%E2%9C%93");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(to_string(r->select) == "تست,€:x");
  BOOST_TEST(to_string(r->filters[0].value) == "été.eq.✓");
}

BOOST_AUTO_TEST_CASE(unicode_column_counts_code_points) {
  auto r = parse_order("été.x");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message == "\"failed to parse order (été.x)\" (line 1, column 5)");
}

BOOST_AUTO_TEST_CASE(rpc_arguments_keep_order) {
  GrammarOptions options;
  options.rpc_args = true;
  auto r = parse_query("id=5&id=gt.2&v=hi&v=there&e=&n&select=id", options);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->rpc_args.size(), 4u);
  BOOST_TEST(r->rpc_args[0].first == "id");
  BOOST_TEST(r->rpc_args[0].second == "5");
  BOOST_TEST(r->rpc_args[1].second == "hi");
  BOOST_TEST(r->rpc_args[2].second == "there");
  BOOST_TEST(r->rpc_args[3].first == "e");
  BOOST_TEST(r->rpc_args[3].second == "");
  BOOST_REQUIRE_EQUAL(r->filters.size(), 1u);
  BOOST_TEST(to_string(r->filters[0].value) == "id.gt.2");
}

BOOST_AUTO_TEST_CASE(random_inputs_never_crash) {
  std::mt19937 rng(12345);
  static const char kAlphabet[] = "abc.,()!:*\"\\-> {}[]%&=;+_$0123456789\t\n\0\xC3\xA9\xFF";
  const std::string alphabet(kAlphabet, sizeof(kAlphabet) - 1);
  const std::string keys[] = {"select",  "order",       "or", "not.and", "a.limit", "offset",
                              "columns", "on_conflict", "id", "rel.x",   "a->b"};
  for (int i = 0; i < 20000; ++i) {
    std::string value;
    const int len = static_cast<int>(rng() % 40);
    for (int k = 0; k < len; ++k) value += alphabet[rng() % alphabet.size()];
    const std::string& key = keys[rng() % std::size(keys)];
    GrammarOptions options;
    options.rpc_args = (i % 3) == 0;
    auto r = parse_query(encode_all(key) + "=" + encode_all(value), options);
    if (r.ok()) {
      (void)summarize(*r);
    } else {
      BOOST_TEST_REQUIRE(!r.error().code.empty());
    }
    (void)parse_select(value);
    (void)parse_order(value);
    (void)parse_op_expr(value);
    (void)parse_logic_tree("or", value);
    (void)parse_field(value);
    (void)parse_query(value);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace pgrest
