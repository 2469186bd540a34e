// Errors are values: every stage returns Result<T>, which holds either the value or an Error that
// carries the HTTP status and PostgREST's JSON fields. Only handler.cpp renders an Error.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "pgrest/http.hpp"

namespace pgrest {

struct Error {
  int status = 500;
  std::string code;                    // "PGRST100", or a SQLSTATE such as "42501"
  std::string message;
  std::optional<std::string> details;  // JSON string value (or raw JSON when details_is_json)
  std::optional<std::string> hint;
  std::vector<Header> headers;         // e.g. WWW-Authenticate, Retry-After
  bool details_is_json = false;        // details holds a JSON document (PGRST201's array)
  std::optional<std::string> reason;   // RAISE SQLSTATE 'PGRST' status_text: the status line's phrase
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error take_error() { return std::move(std::get<1>(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

// PGRST error factories, grouped as PostgREST groups them (0xx connection, 1xx request,
// 2xx schema cache, 3xx JWT). Messages follow PostgREST v13 word for word.
namespace errors {
Error connection(std::string detail);                           // PGRST000 503
Error internal_db(std::string detail);                          // PGRST001 503
Error schema_cache(std::string detail);                         // PGRST002 503
Error parse(std::string what, std::string_view input, std::string detail);  // PGRST100 400
Error rpc_method(std::string_view method);                      // PGRST101 405
Error invalid_body(std::string message);                        // PGRST102 400
Error invalid_range(std::string details);                       // PGRST103 416
Error invalid_put_filters();                                    // PGRST105 405
Error unacceptable_schema(std::string_view schema, const std::vector<std::string>& allowed);  // PGRST106
Error unacceptable_media(const std::vector<std::string>& types);  // PGRST107 406
Error not_embedded(std::string_view name);                      // PGRST108 400
Error put_limit();                                              // PGRST114 400
Error put_mismatch();                                           // PGRST115 400
Error singular(long long rows);                                 // PGRST116 406
Error unsupported_method(std::string_view method);              // PGRST117 405
Error invalid_preferences(const std::vector<std::string>& prefs);  // PGRST122 400
Error aggregates_disabled();                                    // PGRST123 400
Error max_affected(long long rows);                             // PGRST124 400
Error invalid_path();                                           // PGRST125 404
Error not_implemented(std::string details);                     // PGRST127 400
Error max_affected_rpc();                                       // PGRST128 400
Error raise_parse(std::string details, bool message_part);     // PGRST121 500
// PGRST202 404: `searched` is the part of the details after the function name, `args_in_message`
// whether the message names the arguments (not for text/xml/bytea bodies).
Error function_not_found(std::string_view schema, std::string_view name,
                         const std::vector<std::string>& keys, std::string searched,
                         bool args_in_message, std::optional<std::string> hint);
Error ambiguous_function(const std::vector<std::string>& signatures);  // PGRST203 300
Error table_not_found(std::string_view schema, std::string_view table,
                      std::optional<std::string> suggestion);   // PGRST205 404
Error column_not_found(std::string_view table, std::string_view column);  // PGRST204 400
Error jwt_secret_missing();                                      // PGRST300 500
Error jwt_decode(std::string message, std::optional<std::string> details = std::nullopt);  // PGRST301
Error jwt_required();                                           // PGRST302 401
Error jwt_claims(std::string message);                          // PGRST303 401
Error config(std::string message);                              // PGRSTX00-style start-up error, 500
Error body_too_large(unsigned long long size, long long limit);  // PGRSTX02 413
Error unsafe_authenticator(std::string reason);                 // PGRSTX01 503: superuser/BYPASSRLS
}  // namespace errors

}  // namespace pgrest
