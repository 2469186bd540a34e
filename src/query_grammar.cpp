// PostgREST v13's query-string grammar (src/PostgREST/ApiRequest/QueryParams.hs), re-implemented
// as a small backtracking recursive-descent parser over bytes. Schema-blind: it only shapes the
// query string into QueryParams; the planners resolve names later.
//
// Error reporting mimics Parsec: the failure that got furthest into the input wins, and all the
// expectations recorded at that position are listed ("unexpected X expecting A, B or C"). Columns
// are 1-based code points (tabs advance to the next multiple of 8, as in Parsec).
//
// Deliberate differences from PostgREST:
//  - select, order, columns, on_conflict, filter keys and `in`/`is` filter values must be fully
//    consumed (PostgREST silently ignores trailing input there); logic trees keep PostgREST's
//    leniency because its own tests rely on it (`and=(id.eq.1,id.neq.2))`);
//  - whitespace is tolerated before `,`/`)` after `*`, `count()`, casts and order terms, and
//    `rel( )` is an empty embed;
//  - names, JSON keys, casts and fts languages that are blank after stripping spaces are errors;
//  - `!left...`/`!inner...` longer names are hints, not a parse error;
//  - a JSON index may be followed by `)` or a space (`rel(arr->0)` is an index, not the key "0");
//  - `?a=` (empty value) is ignored for filters, order, logic and ranges instead of failing;
//  - in RPC mode any value that is not an operator expression is an argument (PostgREST errors
//    on values such as `not.sure` or `in.x` that start like an operator);
//  - the canonical string keeps repeated keys as separate `k=v` pairs (PostgREST joins their
//    values with commas) and leaves `,.()*:!$'@/` unescaped for readability.
#include "pgrest/query_grammar.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <utility>

namespace pgrest {
namespace {

constexpr size_t kNone = std::string_view::npos;
// Nesting is parsed recursively, so it is capped whatever GrammarOptions::max_depth says.
constexpr int kDepthCeiling = 256;

// ---------------------------------------------------------------------------------------------
// Character classes

bool is_ascii_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// Parsec's `letter <|> digit <|> oneOf "_ $"`; every non-ASCII byte counts as a letter so Unicode
// names pass through as bytes.
bool is_ident_char(unsigned char c) {
  return is_ascii_alpha(c) || is_digit(c) || c == '_' || c == ' ' || c == '$' || c >= 0x80;
}

// pJsonKeyIdentifier: anything but the reserved `(-:.,>)`.
bool is_json_key_char(unsigned char c) {
  return c != '(' && c != '-' && c != ':' && c != '.' && c != ',' && c != '>' && c != ')';
}

std::string_view strip_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Length of the UTF-8 sequence starting at s[i] if it is well formed, else 0.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t len = 0;
  uint32_t min = 0;
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0) {
    len = 2;
    min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    len = 3;
    min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  uint32_t cp = b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Error texts end up in JSON, so invalid UTF-8 from the URL is replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t len = utf8_sequence_length(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Failures and their rendering

// One expected alternative: a label that is a string literal of this file, shown between double
// quotes when `quoted` (a literal word).
struct Expected {
  std::string_view label;
  bool quoted = false;
  bool operator==(const Expected&) const = default;
};

// The parser records a failure at the furthest position on every path, also on the way to a
// successful parse, and copies it at each backtracking point: so it holds no heap memory. More
// distinct alternatives at one position than fit do not occur in this grammar (its labels are
// fewer); extra ones would only be left out of the message.
struct Failure {
  size_t pos = kNone;            // byte offset of the failure; kNone when nothing was recorded
  size_t unexpected_at = kNone;  // byte shown as "unexpected"; kNone means `pos`
  bool strong = false;           // came from an end check: Parsec shows it as 'c', not "c"
  int depth_limit = 0;           // set: the nesting limit was exceeded (replaces the text below)
  size_t count = 0;
  std::array<Expected, 24> expecting{};

  void add(Expected e) {
    const auto end = expecting.begin() + static_cast<std::ptrdiff_t>(count);
    if (count < expecting.size() && std::find(expecting.begin(), end, e) == end) expecting[count++] = e;
  }
};

std::string show_char(std::string_view in, size_t at, bool strong) {
  if (at >= in.size()) return "end of input";
  const char quote = strong ? '\'' : '"';
  std::string out(1, quote);
  const auto c = static_cast<unsigned char>(in[at]);
  const size_t len = utf8_sequence_length(in, at);
  if (c == static_cast<unsigned char>(quote) || c == '\\') {
    out += '\\';
    out += static_cast<char>(c);
  } else if (c < 0x20 || c == 0x7F || len == 0) {
    out += '\\' + std::to_string(c);
  } else {
    out.append(in.substr(at, len));
  }
  out += quote;
  return out;
}

std::string join_or(const Failure& f) {
  std::string out;
  for (size_t i = 0; i < f.count; ++i) {
    if (i > 0) out += (i + 1 == f.count) ? " or " : ", ";
    const Expected& e = f.expecting[i];
    if (e.quoted) out += '"';
    out += e.label;
    if (e.quoted) out += '"';
  }
  return out;
}

// Parsec's SourcePos: 1-based line and column, code points, tabs to the next multiple of 8.
std::pair<size_t, size_t> line_column(std::string_view in, size_t pos) {
  size_t line = 1;
  size_t col = 1;
  for (size_t i = 0; i < pos && i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == '\n') {
      ++line;
      col = 1;
    } else if (c == '\t') {
      col += 8 - ((col - 1) % 8);
    } else if ((c & 0xC0) != 0x80) {
      ++col;
    }
  }
  return {line, col};
}

Error parse_error(std::string_view what, std::string_view shown, std::string_view parsed,
                  const Failure& f) {
  const size_t pos = f.pos == kNone ? parsed.size() : f.pos;
  const auto [line, col] = line_column(parsed, pos);
  Error e;
  e.status = 400;
  e.code = "PGRST100";
  e.message =
      sanitize_utf8("\"failed to parse " + std::string(what) + " (" + std::string(shown) +
                    ")\" (line " + std::to_string(line) + ", column " + std::to_string(col) + ")");
  std::string details;
  if (f.depth_limit > 0) {
    details = "maximum nesting depth of " + std::to_string(f.depth_limit) + " exceeded";
  } else {
    details = "unexpected " +
              show_char(parsed, f.unexpected_at == kNone ? pos : f.unexpected_at, f.strong);
    if (f.count > 0) details += " expecting " + join_or(f);
  }
  e.details = sanitize_utf8(details);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Operator table

enum class OpFamily { in, is, plain, fts, simple, quant };

struct OpInfo {
  std::string_view name;
  Op op;
  OpFamily family;
};

constexpr OpInfo kOps[] = {
    {"eq", Op::eq, OpFamily::quant},
    {"gt", Op::gt, OpFamily::quant},
    {"gte", Op::gte, OpFamily::quant},
    {"lt", Op::lt, OpFamily::quant},
    {"lte", Op::lte, OpFamily::quant},
    {"like", Op::like, OpFamily::quant},
    {"ilike", Op::ilike, OpFamily::quant},
    {"match", Op::match, OpFamily::quant},
    {"imatch", Op::imatch, OpFamily::quant},
    {"neq", Op::neq, OpFamily::simple},
    {"cs", Op::cs, OpFamily::simple},
    {"cd", Op::cd, OpFamily::simple},
    {"ov", Op::ov, OpFamily::simple},
    {"sl", Op::sl, OpFamily::simple},
    {"sr", Op::sr, OpFamily::simple},
    {"nxr", Op::nxr, OpFamily::simple},
    {"nxl", Op::nxl, OpFamily::simple},
    {"adj", Op::adj, OpFamily::simple},
    {"in", Op::in, OpFamily::in},
    {"is", Op::is, OpFamily::is},
    {"isdistinct", Op::isdistinct, OpFamily::plain},
    {"fts", Op::fts, OpFamily::fts},
    {"plfts", Op::plfts, OpFamily::fts},
    {"phfts", Op::phfts, OpFamily::fts},
    {"wfts", Op::wfts, OpFamily::fts},
};

const OpInfo* find_op(std::string_view name) {
  for (const auto& info : kOps) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::string_view op_name(Op op) {
  for (const auto& info : kOps) {
    if (info.op == op) return info.name;
  }
  return "?";
}

constexpr std::string_view kIsValues[] = {"null", "not_null", "true", "false", "unknown"};
constexpr std::string_view kAggregates[] = {"sum", "avg", "count", "max", "min"};

// ---------------------------------------------------------------------------------------------
// The parser

class Parser {
 public:
  Parser(std::string_view in, int max_depth)
      : in_(in), max_depth_(std::clamp(max_depth, 1, kDepthCeiling)) {}

  const Failure& failure() const { return fail_; }
  bool eof() const { return pos_ >= in_.size(); }

  // ---- whole inputs

  std::optional<std::vector<SelectItem>> select_all() {
    auto items = forest(1);
    if (!items || !at_end_or_fail()) return std::nullopt;
    return items;
  }

  std::optional<std::vector<OrderTerm>> order_all() {
    std::vector<OrderTerm> terms;
    while (true) {
      auto term = order_term();
      if (!term) return std::nullopt;
      terms.push_back(std::move(*term));
      if (!eat(',')) break;
    }
    if (!at_end_or_fail()) return std::nullopt;
    return terms;
  }

  std::optional<OpExpr> op_expr_all() {
    auto e = op_expr(false);
    if (!e) return std::nullopt;
    skip_ws();
    if (!at_end_or_fail()) return std::nullopt;
    return e;
  }

  // The trailing input after the root's `)` is ignored, as PostgREST does.
  std::optional<LogicTree> logic_root() {
    bool consumed = false;
    return logic_tree(1, &consumed);
  }

  std::optional<std::vector<std::string>> columns_all() {
    std::vector<std::string> names;
    while (true) {
      skip_ws();
      auto name = field_name();
      if (!name) return std::nullopt;
      names.push_back(std::move(*name));
      skip_ws();
      if (!eat(',')) break;
    }
    if (!at_end_or_fail()) return std::nullopt;
    return names;
  }

  // pTreePath: `a.b.field->json`, fully consumed.
  std::optional<std::pair<EmbedPath, Field>> tree_path_all() {
    std::vector<std::string> segments;
    while (true) {
      auto name = field_name();
      if (!name) return std::nullopt;
      segments.push_back(std::move(*name));
      if (!eat('.')) {
        expect(pos_, "delimiter (.)");
        break;
      }
    }
    auto path = json_path();
    if (!path || !at_end_or_fail()) return std::nullopt;
    Field f{std::move(segments.back()), std::move(*path)};
    segments.pop_back();
    return std::make_pair(std::move(segments), std::move(f));
  }

  std::optional<Field> field_all() {
    auto f = field();
    if (!f || !at_end_or_fail()) return std::nullopt;
    return f;
  }

 private:
  // ---- cursor

  bool at(char c) const { return pos_ < in_.size() && in_[pos_] == c; }
  bool looking_at(std::string_view w) const {
    return pos_ <= in_.size() && in_.substr(pos_).starts_with(w);
  }
  bool eat(char c) {
    if (!at(c)) return false;
    ++pos_;
    return true;
  }
  bool eat(std::string_view w) {
    if (!looking_at(w)) return false;
    pos_ += w.size();
    return true;
  }
  void skip_ws() {
    while (at(' ') || at('\t')) ++pos_;
  }
  size_t letters_end(size_t from, bool lower_only) const {
    size_t end = from;
    while (end < in_.size()) {
      const auto c = static_cast<unsigned char>(in_[end]);
      if (!(lower_only ? (c >= 'a' && c <= 'z') : (is_ascii_alpha(c) || c == '_'))) break;
      ++end;
    }
    return end;
  }

  // ---- failure bookkeeping

  // `what` is a string literal (Failure keeps the view).
  void expect(size_t at, Expected what, size_t unexpected_at = kNone, bool strong = false) {
    if (fatal_) return;
    if (fail_.pos == kNone || at > fail_.pos) {
      fail_.pos = at;
      fail_.unexpected_at = kNone;
      fail_.strong = false;
      fail_.count = 0;
    } else if (at < fail_.pos) {
      return;
    }
    if (fail_.unexpected_at == kNone) fail_.unexpected_at = unexpected_at;
    fail_.strong = fail_.strong || strong;
    if (!what.label.empty()) fail_.add(what);
  }
  void expect(size_t at, std::string_view what, size_t unexpected_at = kNone, bool strong = false) {
    expect(at, Expected{what}, unexpected_at, strong);
  }

  // Alternatives of literal words failing at `at`; like Parsec's `string`, the unexpected
  // character is the first one that differs from the first word.
  void expect_words(size_t at, std::initializer_list<std::string_view> words) {
    const std::string_view first = *words.begin();
    size_t k = 0;
    while (k < first.size() && at + k < in_.size() && in_[at + k] == first[k]) ++k;
    for (std::string_view w : words) expect(at, Expected{w, true}, at + k);
  }

  bool at_end_or_fail() {
    if (eof()) return true;
    expect(pos_, "end of input", kNone, true);
    return false;
  }

  // Too deep: this failure wins over everything else and stops the parse.
  void fail_depth(size_t at) {
    fail_ = Failure{};
    fail_.pos = at;
    fail_.depth_limit = max_depth_;
    fatal_ = true;
  }

  void merge(const Failure& other) {
    if (other.pos == kNone) return;
    if (fail_.pos == kNone || other.pos > fail_.pos) {
      fail_ = other;
      return;
    }
    if (other.pos < fail_.pos) return;
    for (size_t i = 0; i < other.count; ++i) expect(other.pos, other.expecting[i]);
  }

  // ---- names

  // A run of `accept` characters stripped of surrounding spaces; blank runs are rejected (PostgREST
  // would pass an empty name or type on to SQL).
  template <typename Accept>
  std::optional<std::string> stripped_run(std::string_view label, Accept accept) {
    const size_t start = pos_;
    while (pos_ < in_.size() && accept(static_cast<unsigned char>(in_[pos_]))) ++pos_;
    const std::string_view run = strip_spaces(in_.substr(start, pos_ - start));
    if (run.empty()) {
      expect(start, label);
      return std::nullopt;
    }
    return std::string(run);
  }

  // pIdentifier: letters, digits, `_`, space, `$`.
  std::optional<std::string> identifier(std::string_view label) {
    return stripped_run(label, is_ident_char);
  }

  // pJsonKeyIdentifier: anything but `(-:.,>)`.
  std::optional<std::string> json_key_piece(std::string_view label) {
    return stripped_run(label, is_json_key_char);
  }

  // `"..."` with `\x` → x.
  std::optional<std::string> quoted() {
    if (!eat('"')) {
      expect(pos_, "\"\\\"\"");
      return std::nullopt;
    }
    std::string out;
    while (pos_ < in_.size()) {
      char c = in_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (eof()) break;
        c = in_[pos_++];
      }
      out.push_back(c);
    }
    expect(pos_, "\"\\\"\"");
    return std::nullopt;
  }

  // Pieces joined by `-` (a dash not followed by `>`, which starts a JSON arrow).
  template <typename Piece>
  std::optional<std::string> dashed(Piece piece) {
    auto first = piece(true);
    if (!first) return std::nullopt;
    std::string out = std::move(*first);
    while (at('-') && !(pos_ + 1 < in_.size() && in_[pos_ + 1] == '>')) {
      ++pos_;
      auto next = piece(false);
      if (!next) return std::nullopt;
      out += '-';
      out += *next;
    }
    return out;
  }

  std::optional<std::string> field_name() {
    if (at('"')) return quoted();
    return dashed([this](bool first) {
      return identifier(first ? "field name (* or [a..z0..9_$])" : "letter or digit");
    });
  }

  std::optional<std::string> json_key() {
    if (at('"')) return quoted();
    return dashed([this](bool) {
      return json_key_piece("any non reserved character different from: .,>()");
    });
  }

  // `->0`, `->>-1`: digits with an optional minus, followed by something that ends an operand.
  std::optional<std::string> json_index() {
    const size_t start = pos_;
    eat('-');
    const size_t digits = pos_;
    while (pos_ < in_.size() && is_digit(static_cast<unsigned char>(in_[pos_]))) ++pos_;
    if (pos_ == digits) {
      expect(pos_, "digit");
      return std::nullopt;
    }
    const bool ends = eof() || looking_at("->") || looking_at("::") || at('.') || at(',') ||
                      at(')') || at(' ') || at('\t');
    if (!ends) {
      for (std::string_view e : {"digit", "\"->\"", "\"::\"", "\".\"", "\",\"", "end of input"}) {
        expect(pos_, e, kNone, true);
      }
      return std::nullopt;
    }
    return std::string(in_.substr(start, pos_ - start));
  }

  std::optional<std::vector<JsonStep>> json_path() {
    std::vector<JsonStep> steps;
    while (true) {
      JsonStep step;
      if (eat("->>")) {
        step.as_text = true;
      } else if (!eat("->")) {
        expect(pos_, "\"->>\"");
        expect(pos_, "\"->\"");
        return steps;
      }
      const size_t operand = pos_;
      if (auto idx = json_index()) {
        step.is_index = true;
        step.key = std::move(*idx);
      } else {
        pos_ = operand;
        auto key = json_key();
        if (!key) return std::nullopt;
        step.key = std::move(*key);
      }
      steps.push_back(std::move(step));
    }
  }

  // pField: a name and its JSON path, surrounded by optional whitespace.
  std::optional<Field> field() {
    skip_ws();
    auto name = field_name();
    if (!name) return std::nullopt;
    auto path = json_path();
    if (!path) return std::nullopt;
    skip_ws();
    return Field{std::move(*name), std::move(*path)};
  }

  // ---- operator expressions

  bool delimiter() {
    if (eat('.')) return true;
    expect(pos_, "delimiter (.)");
    return false;
  }

  std::optional<OpExpr> op_expr(bool in_tree) {
    OpExpr e;
    if (eat("not.")) {
      e.negated = true;
    } else {
      expect_words(pos_, {"not"});
    }
    const size_t op_at = pos_;
    const size_t op_end = letters_end(op_at, true);
    const OpInfo* info = find_op(in_.substr(op_at, op_end - op_at));
    if (info == nullptr) {
      expect(op_at, "operator (eq, gt, ...)");
      return std::nullopt;
    }
    pos_ = op_end;
    e.op = info->op;
    if (!op_modifier(*info, e) || !delimiter()) return std::nullopt;
    switch (info->family) {
      case OpFamily::in: {
        auto items = list_value();
        if (!items) return std::nullopt;
        e.list = std::move(*items);
        return e;
      }
      case OpFamily::is: {
        auto v = is_value();
        if (!v) return std::nullopt;
        e.value = std::move(*v);
        return e;
      }
      default:
        e.value = in_tree ? tree_value() : rest();
        return e;
    }
  }

  // `(any)`/`(all)` for quantifiable operators, `(lang)` for the fts family.
  bool op_modifier(const OpInfo& info, OpExpr& e) {
    if (info.family == OpFamily::quant) {
      if (!at('(')) {
        expect(pos_, "\"(\"");
        return true;
      }
      ++pos_;
      if (eat("any)")) {
        e.quantifier = Quantifier::any;
      } else if (eat("all)")) {
        e.quantifier = Quantifier::all;
      } else {
        expect_words(pos_, {"any", "all"});
        return false;
      }
      return true;
    }
    if (info.family == OpFamily::fts) {
      if (!at('(')) {
        expect(pos_, "\"(\"");
        return true;
      }
      ++pos_;
      auto lang = identifier("language (letters, digits, _)");
      if (!lang) return false;
      if (!eat(')')) {
        expect(pos_, "\")\"");
        return false;
      }
      e.language = std::move(*lang);
    }
    return true;
  }

  std::string rest() {
    std::string out(in_.substr(std::min(pos_, in_.size())));
    pos_ = in_.size();
    return out;
  }

  std::optional<std::string> is_value() {
    const size_t start = pos_;
    const size_t end = letters_end(start, false);
    const std::string word = to_lower_ascii(in_.substr(start, end - start));
    for (std::string_view v : kIsValues) {
      if (word == v) {
        pos_ = end;
        return word;
      }
    }
    expect(start, "isVal: (null, not_null, true, false, unknown)");
    return std::nullopt;
  }

  bool at_item_end() const { return eof() || at(',') || at(')'); }

  // A quoted item must be followed by `,` or `)`; otherwise it is read as a plain string.
  std::optional<std::string> quoted_item() {
    const size_t start = pos_;
    const Failure saved = fail_;
    auto q = quoted();
    if (q && at_item_end()) return q;
    pos_ = start;
    fail_ = saved;
    return std::nullopt;
  }

  std::string_view raw_item() {
    const size_t start = pos_;
    while (!at_item_end()) ++pos_;
    return in_.substr(start, pos_ - start);
  }

  // pListVal: `(a,"b,c",d)`; a lone unquoted empty item is the empty list.
  std::optional<std::vector<std::string>> list_value() {
    skip_ws();
    if (!eat('(')) {
      expect(pos_, "\"(\"");
      return std::nullopt;
    }
    skip_ws();
    std::vector<std::string> items;
    bool lone_empty = false;
    while (true) {
      if (auto q = quoted_item()) {
        items.push_back(std::move(*q));
      } else {
        const std::string_view raw = raw_item();
        lone_empty = items.empty() && raw.empty();
        items.emplace_back(raw);
      }
      if (!eat(',')) break;
    }
    skip_ws();
    if (!eat(')')) {
      expect(pos_, "\",\"");
      expect(pos_, "\")\"");
      return std::nullopt;
    }
    skip_ws();
    if (items.size() == 1 && lone_empty) items.clear();
    return items;
  }

  // pLogicSingleVal: a quoted value, a `{...}` array literal, or everything up to `,`/`)`.
  std::string tree_value() {
    if (auto q = quoted_item()) return std::move(*q);
    const size_t start = pos_;
    if (at('{')) {
      size_t end = pos_ + 1;
      while (end < in_.size() && in_[end] != '{' && in_[end] != '}') ++end;
      if (end < in_.size() && in_[end] == '}') {
        pos_ = end + 1;
        return std::string(in_.substr(start, pos_ - start));
      }
    }
    return std::string(raw_item());
  }

  // ---- logic trees

  std::optional<LogicTree> logic_tree(int depth, bool* consumed) {
    const size_t start = pos_;
    LogicTree t;
    if (eat("not.")) {
      t.negated = true;
    } else {
      expect(pos_, "negation operator (not)");
    }
    if (eat("and")) {
      t.is_or = false;
    } else if (eat("or")) {
      t.is_or = true;
    } else {
      expect(pos_, "logic operator (and, or)");
      *consumed = pos_ > start;
      return std::nullopt;
    }
    *consumed = true;
    skip_ws();
    if (!eat('(')) {
      expect(pos_, "\"(\"");
      return std::nullopt;
    }
    if (depth > max_depth_) {
      fail_depth(pos_ - 1);
      return std::nullopt;
    }
    skip_ws();
    while (true) {
      auto c = condition(depth);
      if (!c) return std::nullopt;
      t.children.push_back(std::move(*c));
      skip_ws();
      if (!eat(',')) break;
      skip_ws();
    }
    if (!eat(')')) {
      expect(pos_, "\",\"");
      expect(pos_, "\")\"");
      return std::nullopt;
    }
    skip_ws();
    return t;
  }

  std::optional<Filter> tree_filter() {
    auto f = field();
    if (!f || !delimiter()) return std::nullopt;
    auto e = op_expr(true);
    if (!e) return std::nullopt;
    return Filter{std::move(*f), std::move(*e)};
  }

  // A filter, else a nested tree. When the tree form got past `not.`/`and`/`or`, the filter
  // attempt's failure is dropped (Parsec reports the consuming alternative only).
  std::optional<Condition> condition(int depth) {
    const size_t start = pos_;
    const Failure before = fail_;
    if (auto f = tree_filter()) return Condition{std::move(*f)};
    if (fatal_) return std::nullopt;
    const Failure filter_failure = fail_;
    fail_ = before;
    pos_ = start;
    bool consumed = false;
    auto t = logic_tree(depth + 1, &consumed);
    if (t) return Condition{std::move(*t)};
    if (!consumed) {
      const Failure tree_failure = fail_;
      fail_ = filter_failure;
      merge(tree_failure);
    }
    return std::nullopt;
  }

  // ---- select

  std::optional<std::vector<SelectItem>> forest(int depth) {
    std::vector<SelectItem> items;
    skip_ws();
    if (eof() || at(')')) return items;
    while (true) {
      auto item = select_item(depth);
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
      skip_ws();
      if (!eat(',')) {
        expect(pos_, "\",\"");
        break;
      }
    }
    return items;
  }

  std::optional<SelectItem> select_item(int depth) {
    skip_ws();
    const size_t start = pos_;
    if (auto embed = embed_header()) {
      if (!embed_children(*embed, depth)) return std::nullopt;
      return SelectItem{std::move(*embed)};
    }
    if (fatal_) return std::nullopt;
    pos_ = start;
    auto f = field_select();
    if (!f) return std::nullopt;
    return SelectItem{std::move(*f)};
  }

  // `alias:` (a single colon; `::` is a cast). Restores the position when absent.
  std::optional<std::string> alias() {
    const size_t start = pos_;
    const Failure saved = fail_;
    auto name = field_name();
    if (name && at(':') && !looking_at("::")) {
      ++pos_;
      return name;
    }
    pos_ = start;
    fail_ = saved;
    return std::nullopt;
  }

  // `[...][alias:]rel[!hint][!inner|!left]` followed by `(`; the `(` is not consumed.
  std::optional<SelectEmbed> embed_header() {
    SelectEmbed embed;
    embed.spread = eat("...");
    if (!embed.spread) embed.alias = alias();
    auto name = field_name();
    // PostgREST never reads `count(` as an embed: it is the aggregate.
    if (!name || (!embed.spread && *name == "count")) return std::nullopt;
    embed.relation = std::move(*name);
    for (int i = 0; i < 2 && at('!'); ++i) {
      ++pos_;
      const bool was_quoted = at('"');
      auto param = field_name();
      if (!param) return std::nullopt;
      if (!was_quoted && (*param == "inner" || *param == "left")) {
        if (embed.join == SelectEmbed::Join::none) {
          embed.join = *param == "inner" ? SelectEmbed::Join::inner : SelectEmbed::Join::left;
        }
      } else if (!embed.hint) {
        embed.hint = std::move(*param);
      }
    }
    if (!at('(')) {
      expect(pos_, "\"!\"");
      expect(pos_, "\"(\"");
      return std::nullopt;
    }
    return embed;
  }

  bool embed_children(SelectEmbed& embed, int depth) {
    const size_t open = pos_;
    ++pos_;  // the `(` checked by embed_header
    if (depth + 1 > max_depth_) {
      fail_depth(open);
      return false;
    }
    auto children = forest(depth + 1);
    if (!children) return false;
    skip_ws();
    if (!eat(')')) {
      expect(pos_, "\")\"");
      return false;
    }
    embed.children = std::move(*children);
    return true;
  }

  bool select_end() {
    skip_ws();
    if (at_item_end()) return true;
    expect(pos_, "\",\"", kNone, true);
    expect(pos_, "\")\"", kNone, true);
    expect(pos_, "end of input", kNone, true);
    return false;
  }

  std::optional<std::string> cast() {
    if (!eat("::")) {
      expect(pos_, "\"::\"");
      return std::nullopt;
    }
    return identifier("type name (letters, digits, _, $)");
  }

  std::optional<std::string> aggregate() {
    const size_t dot = pos_;
    if (!eat('.')) {
      expect(pos_, "\".\"");
      return std::nullopt;
    }
    const size_t word_end = letters_end(pos_, true);
    const std::string_view word = in_.substr(pos_, word_end - pos_);
    for (std::string_view agg : kAggregates) {
      if (word != agg) continue;
      if (in_.substr(word_end).starts_with("()")) {
        pos_ = word_end + 2;
        return std::string(agg);
      }
      expect(word_end, "\"()\"");
    }
    expect_words(pos_, {"sum", "avg", "count", "max", "min"});
    pos_ = dot;
    return std::nullopt;
  }

  std::optional<SelectField> field_select() {
    const size_t start = pos_;
    if (eat('*')) {
      if (select_end()) return SelectField{Field{"*", {}}, {}, {}, {}, {}};
      pos_ = start;
    }
    SelectField s;
    s.alias = alias();
    if (eat("count()")) {
      s.field.name = "*";
      s.aggregate = "count";
    } else {
      auto f = field();
      if (!f) return std::nullopt;
      s.field = std::move(*f);
      if (looking_at("::")) {
        s.cast = cast();
        if (!s.cast) return std::nullopt;
        skip_ws();
      } else {
        expect(pos_, "\"::\"");
      }
      s.aggregate = aggregate();
    }
    if (looking_at("::")) {
      s.aggregate_cast = cast();
      if (!s.aggregate_cast) return std::nullopt;
    }
    if (!select_end()) return std::nullopt;
    return s;
  }

  // ---- order

  std::optional<OrderTerm> order_term() {
    skip_ws();
    const size_t start = pos_;
    if (auto rel = field_name(); rel && eat('(')) {
      auto f = field();
      if (f && eat(')')) {
        OrderTerm t;
        t.relation = std::move(*rel);
        t.field = std::move(*f);
        if (order_modifiers(t)) return t;
      } else if (f) {
        expect(pos_, "\")\"");
      }
    }
    if (fatal_) return std::nullopt;
    pos_ = start;
    auto f = field();
    if (!f) return std::nullopt;
    OrderTerm t;
    t.field = std::move(*f);
    if (!order_modifiers(t)) return std::nullopt;
    return t;
  }

  // `[.asc|.desc][.nullsfirst|.nullslast]`, then `,` or the end.
  bool order_modifiers(OrderTerm& t) {
    if (eat(".asc")) {
      t.dir = OrderTerm::Dir::asc;
    } else if (eat(".desc")) {
      t.dir = OrderTerm::Dir::desc;
    } else if (at('.')) {
      expect_words(pos_ + 1, {"asc", "desc"});
    } else {
      expect(pos_, "delimiter (.)");
    }
    if (eat(".nullsfirst")) {
      t.nulls = OrderTerm::Nulls::first;
    } else if (eat(".nullslast")) {
      t.nulls = OrderTerm::Nulls::last;
    } else if (at('.')) {
      expect_words(pos_ + 1, {"nullsfirst", "nullslast"});
    } else {
      expect(pos_, "delimiter (.)");
    }
    skip_ws();
    if (eof() || at(',')) return true;
    expect(pos_, "\",\"", kNone, true);
    expect(pos_, "end of input", kNone, true);
    return false;
  }

  std::string_view in_;
  size_t pos_ = 0;
  Failure fail_;
  bool fatal_ = false;
  int max_depth_;
};

// ---------------------------------------------------------------------------------------------
// Entry points shared by the public functions and parse_query

Result<std::vector<SelectItem>> select_with(std::string_view select, int max_depth) {
  Parser p(select, max_depth);
  auto items = p.select_all();
  if (!items) return parse_error("select parameter", select, select, p.failure());
  if (items->empty()) items->push_back(SelectItem{SelectField{Field{"*", {}}, {}, {}, {}, {}}});
  return std::move(*items);
}

// `rel.not.or` → path {"rel"}, tree text "not.or"; PostgREST drops every `not` from the path.
struct LogicKey {
  EmbedPath path;
  std::string op;
};

std::optional<LogicKey> logic_key(std::string_view key) {
  Parser p(key, kDepthCeiling);
  auto parsed = p.tree_path_all();
  if (!parsed || !parsed->second.json_path.empty()) return std::nullopt;
  const std::string& last = parsed->second.name;
  if (last != "and" && last != "or") return std::nullopt;
  LogicKey out;
  bool negated = false;
  for (auto& segment : parsed->first) {
    if (segment == "not") {
      negated = true;
    } else {
      out.path.push_back(std::move(segment));
    }
  }
  out.op = (negated ? "not." : "") + last;
  return out;
}

Error logic_path_error(std::string_view key) {
  Parser p(key, kDepthCeiling);
  (void)p.tree_path_all();
  Failure f = p.failure();
  if (f.pos == kNone) f.pos = 0;
  return parse_error("logic path", key, key, f);
}

Result<LogicTree> logic_with(std::string_view op, std::string_view value, int max_depth) {
  const std::string text = std::string(op) + std::string(value);
  Parser p(text, max_depth);
  auto tree = p.logic_root();
  if (!tree) return parse_error("logic tree", value, text, p.failure());
  return std::move(*tree);
}

Result<std::pair<EmbedPath, Field>> tree_path(std::string_view key) {
  Parser p(key, kDepthCeiling);
  auto parsed = p.tree_path_all();
  if (!parsed) return parse_error("tree path", key, key, p.failure());
  return std::move(*parsed);
}

Result<std::vector<std::string>> columns_with(std::string_view what, std::string_view value) {
  Parser p(value, kDepthCeiling);
  auto names = p.columns_all();
  if (!names) return parse_error(what, value, value, p.failure());
  return std::move(*names);
}

// Haskell's `readMaybe :: Integer`: optional surrounding whitespace and a leading minus.
// Out-of-range values saturate (PostgREST's Integer is unbounded).
std::optional<int64_t> parse_integer(std::string_view v) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  const bool negative = !v.empty() && v.front() == '-';
  if (negative) v.remove_prefix(1);
  if (v.empty()) return std::nullopt;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t n = 0;
  for (char c : v) {
    if (!is_digit(static_cast<unsigned char>(c))) return std::nullopt;
    const int d = c - '0';
    n = n > (kMax - d) / 10 ? kMax : n * 10 + d;
  }
  return negative ? -n : n;
}

Error negative_limit() {
  Error e;
  e.status = 416;
  e.code = "PGRST103";
  e.message = "Requested range not satisfiable";
  e.details = "Limit should be greater than or equal to zero.";
  return e;
}

// ---------------------------------------------------------------------------------------------
// Query-string splitting and the canonical form

struct RawParam {
  std::string key;
  std::string value;
  bool has_value = false;  // `?a` has none, `?a=` has an empty one
};

// http-types' parseQuery: a leading `?` is dropped, `&` and `;` both separate parameters.
std::vector<RawParam> split_raw(std::string_view q) {
  std::vector<RawParam> out;
  if (!q.empty() && q.front() == '?') q.remove_prefix(1);
  while (!q.empty()) {
    const size_t sep = q.find_first_of("&;");
    const std::string_view part = q.substr(0, sep);
    q = sep == kNone ? std::string_view{} : q.substr(sep + 1);
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    RawParam p;
    p.key = url_decode(part.substr(0, eq));
    if (eq != kNone) {
      p.has_value = true;
      p.value = url_decode(part.substr(eq + 1));
    }
    out.push_back(std::move(p));
  }
  return out;
}

bool is_canonical_safe(unsigned char c) {
  if (is_ascii_alpha(c) || is_digit(c)) return true;
  constexpr std::string_view kSafe = "-._~,()*:!$'@/";
  return kSafe.find(static_cast<char>(c)) != kNone;
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_canonical_safe(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string canonical_of(std::vector<RawParam> params) {
  std::stable_sort(params.begin(), params.end(),
                   [](const RawParam& a, const RawParam& b) { return a.key < b.key; });
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += '&';
    out += url_encode(p.key);
    out += '=';
    out += url_encode(p.value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// parse_query

enum class Kind { select, columns, on_conflict, order, limit, offset, logic, filter };

std::string_view last_segment(std::string_view key) {
  const size_t dot = key.rfind('.');
  return dot == kNone ? key : key.substr(dot + 1);
}

Kind classify(std::string_view key) {
  if (key == "select") return Kind::select;
  if (key == "columns") return Kind::columns;
  if (key == "on_conflict") return Kind::on_conflict;
  const std::string_view last = last_segment(key);
  if (last == "order") return Kind::order;
  if (last == "limit") return Kind::limit;
  if (last == "offset") return Kind::offset;
  if (last == "and" || last == "or") return Kind::logic;
  return Kind::filter;
}

const RawParam* first_of(const std::vector<RawParam>& params, Kind kind) {
  for (const auto& p : params) {
    if (classify(p.key) == kind) return &p;
  }
  return nullptr;
}

// Filters (and RPC arguments): the value is parsed first so RPC mode can fall back to an argument.
Status add_filter(const RawParam& p, const GrammarOptions& options, QueryParams& q) {
  Parser value_parser(p.value, options.max_depth);
  auto expr = value_parser.op_expr_all();
  if (!expr && options.rpc_args) {
    q.rpc_args.emplace_back(p.key, p.value);
    return Ok{};
  }
  auto path = tree_path(p.key);
  if (!path) return path.take_error();
  if (!expr) return parse_error("filter", p.value, p.value, value_parser.failure());
  q.filters.push_back({std::move(path->first), Filter{std::move(path->second), std::move(*expr)}});
  return Ok{};
}

template <typename T>
void set_at_path(std::vector<AtPath<T>>& list, EmbedPath path, T value) {
  for (auto& entry : list) {
    if (entry.path == path) {
      entry.value = std::move(value);
      return;
    }
  }
  list.push_back({std::move(path), std::move(value)});
}

// limit/offset: later parameters for the same path win, unreadable values are ignored.
Status add_range(const RawParam& p, bool is_limit, QueryParams& q) {
  auto path = tree_path(p.key);
  if (!path) return path.take_error();
  const auto n = parse_integer(p.value);
  if (!n) return Ok{};
  if (is_limit) {
    set_at_path(q.limits, std::move(path->first), *n);
  } else if (*n >= 0) {
    set_at_path(q.offsets, std::move(path->first), *n);
  }
  return Ok{};
}

Status parse_orders(const std::vector<RawParam>& params, QueryParams& q) {
  for (const auto& p : params) {
    if (classify(p.key) != Kind::order || p.value.empty()) continue;
    auto path = tree_path(p.key);
    if (!path) return path.take_error();
    auto terms = parse_order(p.value);
    if (!terms) return terms.take_error();
    q.order.push_back({std::move(path->first), std::move(*terms)});
  }
  return Ok{};
}

Status parse_logics(const std::vector<RawParam>& params, const GrammarOptions& options,
                    QueryParams& q) {
  for (const auto& p : params) {
    if (classify(p.key) != Kind::logic || p.value.empty()) continue;
    auto key = logic_key(p.key);
    if (!key) return logic_path_error(p.key);
    auto tree = logic_with(key->op, p.value, options.max_depth);
    if (!tree) return tree.take_error();
    q.logic.push_back({std::move(key->path), std::move(*tree)});
  }
  return Ok{};
}

Status parse_column_list(const std::vector<RawParam>& params, Kind kind, std::string_view what,
                         std::optional<std::vector<std::string>>& out) {
  const RawParam* p = first_of(params, kind);
  if (p == nullptr || !p->has_value) return Ok{};
  auto names = columns_with(what, p->value);
  if (!names) return names.take_error();
  out = std::move(*names);
  return Ok{};
}

Status parse_filters(const std::vector<RawParam>& params, const GrammarOptions& options,
                     QueryParams& q) {
  for (const auto& p : params) {
    if (classify(p.key) != Kind::filter || !p.has_value) continue;
    if (p.value.empty()) {
      // PostgREST hands `?arg=` to a function as an empty string; elsewhere it is ignored.
      if (options.rpc_args) q.rpc_args.emplace_back(p.key, p.value);
      continue;
    }
    if (auto st = add_filter(p, options, q); !st) return st;
  }
  return Ok{};
}

Status parse_ranges(const std::vector<RawParam>& params, QueryParams& q) {
  for (const auto& p : params) {
    const Kind kind = classify(p.key);
    if ((kind != Kind::limit && kind != Kind::offset) || p.value.empty()) continue;
    if (auto st = add_range(p, kind == Kind::limit, q); !st) return st;
  }
  for (const auto& l : q.limits) {
    if (l.value < 0) return negative_limit();
  }
  return Ok{};
}

// ---------------------------------------------------------------------------------------------
// Text forms

bool is_plain_name(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.front() == '-' || s.back() == '-') {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '-' && s[i + 1] != '>' && s[i + 1] != '-') continue;
    if (!is_ident_char(c)) return false;
  }
  return true;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string name_text(std::string_view s) { return is_plain_name(s) ? std::string(s) : quote(s); }

std::string list_item_text(std::string_view s) {
  if (s.empty() || s.find_first_of(",().\"\\") != kNone) return quote(s);
  return std::string(s);
}

std::string condition_text(const Condition& c) {
  if (const auto* f = std::get_if<Filter>(&c)) return to_string(*f);
  return to_string(std::get<LogicTree>(c));
}

std::string select_field_text(const SelectField& f) {
  std::string out;
  if (f.alias) out += name_text(*f.alias) + ":";
  if (f.field.name == "*" && f.field.json_path.empty() && f.aggregate == "count" && !f.cast) {
    out += "count()";
  } else {
    out += f.field.name == "*" && f.field.json_path.empty() ? "*" : to_string(f.field);
    if (f.cast) out += "::" + *f.cast;
    if (f.aggregate) out += "." + *f.aggregate + "()";
  }
  if (f.aggregate_cast) out += "::" + *f.aggregate_cast;
  return out;
}

std::string select_item_text(const SelectItem& item);

std::string select_embed_text(const SelectEmbed& e) {
  std::string out = e.spread ? "..." : "";
  if (e.alias) out += name_text(*e.alias) + ":";
  out += name_text(e.relation);
  if (e.hint) out += "!" + name_text(*e.hint);
  if (e.join == SelectEmbed::Join::inner) out += "!inner";
  if (e.join == SelectEmbed::Join::left) out += "!left";
  out += "(";
  for (size_t i = 0; i < e.children.size(); ++i) {
    if (i > 0) out += ",";
    out += select_item_text(e.children[i]);
  }
  out += ")";
  return out;
}

std::string select_item_text(const SelectItem& item) {
  if (const auto* f = std::get_if<SelectField>(&item.item)) return select_field_text(*f);
  return select_embed_text(std::get<SelectEmbed>(item.item));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public API

std::string url_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> split_query(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& p : split_raw(raw_query)) out.emplace_back(std::move(p.key), std::move(p.value));
  return out;
}

Result<std::vector<SelectItem>> parse_select(std::string_view select) {
  return select_with(select, GrammarOptions{}.max_depth);
}

Result<OpExpr> parse_op_expr(std::string_view value) {
  Parser p(value, GrammarOptions{}.max_depth);
  auto e = p.op_expr_all();
  if (!e) return parse_error("filter", value, value, p.failure());
  return std::move(*e);
}

Result<LogicTree> parse_logic_tree(std::string_view key, std::string_view value) {
  auto k = logic_key(key);
  if (!k) return logic_path_error(key);
  return logic_with(k->op, value, GrammarOptions{}.max_depth);
}

Result<std::vector<OrderTerm>> parse_order(std::string_view order) {
  Parser p(order, GrammarOptions{}.max_depth);
  auto terms = p.order_all();
  if (!terms) return parse_error("order", order, order, p.failure());
  return std::move(*terms);
}

Result<Field> parse_field(std::string_view field) {
  Parser p(field, GrammarOptions{}.max_depth);
  auto f = p.field_all();
  if (!f) return parse_error("field", field, field, p.failure());
  return std::move(*f);
}

Result<QueryParams> parse_query(std::string_view raw_query, const GrammarOptions& options) {
  const std::vector<RawParam> params = split_raw(raw_query);
  QueryParams q;
  q.canonical = canonical_of(params);
  // PostgREST's order of evaluation decides which error wins.
  if (auto st = parse_orders(params, q); !st) return st.take_error();
  if (auto st = parse_logics(params, options, q); !st) return st.take_error();
  if (auto st = parse_column_list(params, Kind::columns, "columns parameter", q.columns); !st) {
    return st.take_error();
  }
  const RawParam* select = first_of(params, Kind::select);
  auto items =
      select_with(select != nullptr ? std::string_view(select->value) : "", options.max_depth);
  if (!items) return items.take_error();
  q.select = std::move(*items);
  if (auto st = parse_filters(params, options, q); !st) return st.take_error();
  if (auto st =
          parse_column_list(params, Kind::on_conflict, "on_conflict parameter", q.on_conflict);
      !st) {
    return st.take_error();
  }
  if (auto st = parse_ranges(params, q); !st) return st.take_error();
  return q;
}

// Text forms, used by the unit tests' case tables:
//   Field      name[->key|->>key|->0|->-1]...; names/keys outside [letters digits _ $ space -] are
//              written "quoted" with \" and \\ escaped.
//   OpExpr     [not.]op[(any)|(all)|(lang)].value — the value verbatim; `in` lists as
//              [not.]in.(a,b) with items quoted when empty or holding , ( ) . " or \.
//   Filter     field.opexpr, e.g. data->a->>b.eq.5
//   LogicTree  [not.]and|or(cond,cond), conditions as Filter or nested LogicTree.
//   select     items joined by ',': [alias:]field[::cast][.agg()][::aggcast], [alias:]count()[::c],
//              [...][alias:]rel[!hint][!inner|!left](items)
//   order      terms joined by ',': [rel(]field[)][.asc|.desc][.nullsfirst|.nullslast]
std::string to_string(const Field& f) {
  std::string out = name_text(f.name);
  for (const auto& step : f.json_path) {
    out += step.as_text ? "->>" : "->";
    out += step.is_index ? step.key : name_text(step.key);
  }
  return out;
}

std::string to_string(const OpExpr& e) {
  std::string out = e.negated ? "not." : "";
  out += op_name(e.op);
  if (e.quantifier == Quantifier::any) out += "(any)";
  if (e.quantifier == Quantifier::all) out += "(all)";
  if (e.language) out += "(" + *e.language + ")";
  out += ".";
  if (e.op != Op::in) return out + e.value;
  out += "(";
  for (size_t i = 0; i < e.list.size(); ++i) {
    if (i > 0) out += ",";
    out += list_item_text(e.list[i]);
  }
  return out + ")";
}

std::string to_string(const Filter& f) { return to_string(f.field) + "." + to_string(f.expr); }

std::string to_string(const LogicTree& t) {
  std::string out = t.negated ? "not." : "";
  out += t.is_or ? "or(" : "and(";
  for (size_t i = 0; i < t.children.size(); ++i) {
    if (i > 0) out += ",";
    out += condition_text(t.children[i]);
  }
  return out + ")";
}

std::string to_string(const std::vector<SelectItem>& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0) out += ",";
    out += select_item_text(s[i]);
  }
  return out;
}

std::string to_string(const std::vector<OrderTerm>& o) {
  std::string out;
  for (size_t i = 0; i < o.size(); ++i) {
    if (i > 0) out += ",";
    const OrderTerm& t = o[i];
    if (t.relation) {
      out += name_text(*t.relation) + "(" + to_string(t.field) + ")";
    } else {
      out += to_string(t.field);
    }
    if (t.dir == OrderTerm::Dir::asc) out += ".asc";
    if (t.dir == OrderTerm::Dir::desc) out += ".desc";
    if (t.nulls == OrderTerm::Nulls::first) out += ".nullsfirst";
    if (t.nulls == OrderTerm::Nulls::last) out += ".nullslast";
  }
  return out;
}

}  // namespace pgrest
