// Relationships between relations, computed from the snapshot's foreign keys (views included via
// the FKs the snapshot inferred through them) and computed-relationship functions. Resolves an
// embed `name[!hint]` from an origin table: no match → 400 PGRST200, several → 300 PGRST201 with
// PostgREST's details array and hint.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pgrest/error.hpp"
#include "pgrest/snapshot.hpp"

namespace pgrest {

enum class Cardinality { many_to_one, one_to_many, one_to_one, many_to_many, computed };

using ColumnPairs = std::vector<std::pair<std::string, std::string>>;

struct Relationship {
  Cardinality cardinality = Cardinality::many_to_one;
  std::string constraint;     // FK name (the origin side's for many-to-many)
  Table target;
  ColumnPairs on;             // (origin column, target column); many-to-many: unused
  // many-to-many through a junction: (origin column, junction column), (junction, target)
  std::optional<Table> junction;
  ColumnPairs origin_junction, junction_target;
  std::string target_constraint;
  // computed relationship: schema.function(origin row) returning the target's rows
  std::string function_schema, function_name;
  bool to_one = false;
};

Result<Relationship> find_relationship(const Snapshot& snapshot, const Table& origin,
                                       const std::string& name, const std::optional<std::string>& hint);

}  // namespace pgrest
