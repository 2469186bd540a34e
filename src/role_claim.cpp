#include "pgrest/role_claim.hpp"

#include <cctype>
#include <cstdlib>

namespace pgrest {
namespace {

struct Parser {
  std::string_view s;
  size_t pos = 0;

  bool eat(char c) {
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool eat(std::string_view word) {
    if (s.substr(pos, word.size()) == word) {
      pos += word.size();
      return true;
    }
    return false;
  }
  void spaces() {
    while (pos < s.size() && s[pos] == ' ') ++pos;
  }
  std::optional<std::string> quoted() {
    if (!eat('"')) return std::nullopt;
    size_t end = s.find('"', pos);
    if (end == std::string_view::npos) return std::nullopt;
    std::string out(s.substr(pos, end - pos));
    pos = end + 1;
    return out;
  }
  std::optional<long> integer(bool allow_negative) {
    size_t start = pos;
    if (allow_negative) eat('-');
    size_t digits = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos == digits || pos - digits > 9) {
      pos = start;
      return std::nullopt;
    }
    return std::strtol(std::string(s.substr(start, pos - start)).c_str(), nullptr, 10);
  }

  // `[...]` after a key: index, filter or slice.
  std::optional<ClaimStep> bracket() {
    ClaimStep step;
    if (eat("?(")) {
      spaces();
      if (!eat('@')) return std::nullopt;
      spaces();
      // Longest operators first: "==^" must not be read as "==".
      if (eat("==^")) step.op = ClaimStep::Op::suffix;
      else if (eat("^==")) step.op = ClaimStep::Op::prefix;
      else if (eat("*==")) step.op = ClaimStep::Op::contains;
      else if (eat("!=")) step.op = ClaimStep::Op::neq;
      else if (eat("==")) step.op = ClaimStep::Op::eq;
      else return std::nullopt;
      spaces();
      auto text = quoted();
      if (!text) return std::nullopt;
      spaces();
      if (!eat(')') || !eat(']')) return std::nullopt;
      step.kind = ClaimStep::Kind::filter;
      step.text = std::move(*text);
      return step;
    }
    auto first = integer(true);
    if (eat(':')) {
      step.kind = ClaimStep::Kind::slice;
      step.from = first;
      step.to = integer(true);
      if (!eat(']')) return std::nullopt;
      return step;
    }
    if (!first || *first < 0 || !eat(']')) return std::nullopt;
    step.kind = ClaimStep::Kind::index;
    step.index = *first;
    return step;
  }
};

bool bare_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '@';
}

bool matches(const ClaimStep& f, std::string_view v) {
  std::string_view t = f.text;
  switch (f.op) {
    case ClaimStep::Op::eq: return v == t;
    case ClaimStep::Op::neq: return v != t;
    case ClaimStep::Op::prefix: return v.substr(0, t.size()) == t;
    case ClaimStep::Op::suffix: return v.size() >= t.size() && v.substr(v.size() - t.size()) == t;
    case ClaimStep::Op::contains: return v.find(t) != std::string_view::npos;
  }
  return false;
}

std::string python_slice(std::string_view s, std::optional<long> from, std::optional<long> to) {
  long len = static_cast<long>(s.size());
  auto clamp = [len](long i) {
    if (i < 0) i += len;
    return i < 0 ? 0 : i > len ? len : i;
  };
  long a = from ? clamp(*from) : 0;
  long b = to ? clamp(*to) : len;
  return a < b ? std::string(s.substr(a, b - a)) : std::string();
}

}  // namespace

Result<ClaimPath> parse_claim_path(std::string_view path) {
  Parser p{path};
  ClaimPath out;
  auto fail = [&] {
    return errors::config("failed to parse role-claim-key value (" + std::string(path) + ")");
  };
  if (path.empty()) return fail();
  while (p.pos < path.size()) {
    if (!p.eat('.')) return fail();
    ClaimStep key;
    if (p.pos < path.size() && path[p.pos] == '"') {
      auto q = p.quoted();
      if (!q) return fail();
      key.text = std::move(*q);
    } else {
      size_t start = p.pos;
      while (p.pos < path.size() && bare_key_char(path[p.pos])) ++p.pos;
      if (p.pos == start) return fail();
      key.text = std::string(path.substr(start, p.pos - start));
    }
    out.push_back(std::move(key));
    while (p.eat('[')) {
      auto step = p.bracket();
      if (!step) return fail();
      out.push_back(std::move(*step));
    }
  }
  return out;
}

std::optional<std::string> select_role(const cJSON* claims, const ClaimPath& path) {
  const cJSON* cur = claims;
  std::optional<std::string> sliced;  // once a slice ran, the value is this string
  for (const ClaimStep& step : path) {
    if (sliced && step.kind != ClaimStep::Kind::slice) return std::nullopt;
    switch (step.kind) {
      case ClaimStep::Kind::key:
        cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, step.text.c_str()) : nullptr;
        break;
      case ClaimStep::Kind::index:
        cur = cJSON_IsArray(cur) && step.index < cJSON_GetArraySize(cur)
                  ? cJSON_GetArrayItem(cur, static_cast<int>(step.index))
                  : nullptr;
        break;
      case ClaimStep::Kind::filter: {
        const cJSON* found = nullptr;
        if (cJSON_IsArray(cur)) {
          const cJSON* item = nullptr;
          cJSON_ArrayForEach(item, cur) {
            if (cJSON_IsString(item) && matches(step, item->valuestring)) {
              found = item;
              break;
            }
          }
        }
        cur = found;
        break;
      }
      case ClaimStep::Kind::slice:
        if (sliced) {
          sliced = python_slice(*sliced, step.from, step.to);
        } else if (cJSON_IsString(cur)) {
          sliced = python_slice(cur->valuestring, step.from, step.to);
        } else {
          return std::nullopt;
        }
        break;
    }
    if (!sliced && cur == nullptr) return std::nullopt;
  }
  if (sliced) return sliced->empty() ? std::nullopt : sliced;
  if (cur == nullptr) return std::nullopt;
  if (cJSON_IsString(cur)) return std::string(cur->valuestring);
  char* printed = cJSON_PrintUnformatted(cur);
  std::string out = printed ? printed : "";
  cJSON_free(printed);
  return out;
}

}  // namespace pgrest
