// The configuration the request-parsing fuzz targets share: defaults with two exposed schemas, so
// Accept-Profile / Content-Profile negotiation has something to choose between.
#pragma once

#include "pgrest/config.hpp"

namespace pgrest {

inline const Config& two_schema_config() {
  static const Config c = [] {
    Config c;
    c.db_schemas = {"test", "other"};
    return c;
  }();
  return c;
}

}  // namespace pgrest
