#include "pgrest/relationships.hpp"

#include <algorithm>

#include "json.hpp"

namespace pgrest {
namespace {

ColumnPairs zip(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  ColumnPairs out;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) out.emplace_back(a[i], b[i]);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool subset(const std::vector<std::string>& part, const std::vector<std::string>& whole) {
  return !part.empty() &&
         std::all_of(part.begin(), part.end(), [&](const auto& c) { return contains(whole, c); });
}

bool outgoing(const ForeignKey& fk, const Table& t) { return fk.schema == t.schema && fk.table == t.name; }
bool incoming(const ForeignKey& fk, const Table& t) {
  return fk.ref_schema == t.schema && fk.ref_table == t.name;
}

std::string columns_text(const std::string& table, const std::vector<std::string>& cols) {
  std::string out = table + "(";
  for (size_t i = 0; i < cols.size(); ++i) out += (i ? ", " : "") + cols[i];
  return out + ")";
}

const char* cardinality_text(Cardinality c) {
  switch (c) {
    case Cardinality::many_to_one: return "many-to-one";
    case Cardinality::one_to_many: return "one-to-many";
    case Cardinality::one_to_one: return "one-to-one";
    case Cardinality::many_to_many: return "many-to-many";
    default: return "computed";
  }
}

// A candidate before its target is loaded.
struct Candidate {
  Cardinality cardinality;
  ForeignKey fk;                    // origin side (the junction's FK to origin for m2m)
  std::optional<ForeignKey> fk2;    // m2m: the junction's FK to the target
  std::string target_schema, target_name;
  std::string hint_key;             // what `!hint` PostgREST suggests for it
};

}  // namespace

Result<Relationship> find_relationship(const Snapshot& snapshot, const Table& origin,
                                       const std::string& name,
                                       const std::optional<std::string>& hint) {
  // Computed relationships (functions over the origin's row type) override FKs of the same name.
  if (auto group = snapshot.functions(origin.schema, name)) {
    json::Ptr doc = json::parse(*group);
    const cJSON* fn = nullptr;
    cJSON_ArrayForEach(fn, doc.get()) {
      const cJSON* args = cJSON_GetObjectItemCaseSensitive(fn, "args");
      const cJSON* rel = cJSON_GetObjectItemCaseSensitive(fn, "returns_relation");
      if (cJSON_GetArraySize(args) != 1 || !cJSON_IsObject(rel) ||
          json::get_string(cJSON_GetArrayItem(args, 0), "type").value_or("") != origin.row_type) {
        continue;
      }
      auto target = snapshot.table(json::get_string(rel, "schema").value_or(""),
                                   json::get_string(rel, "name").value_or(""));
      if (!target) return target.take_error();
      if (!target->has_value()) continue;
      Relationship r;
      r.cardinality = Cardinality::computed;
      r.target = std::move(**target);
      r.function_schema = origin.schema;
      r.function_name = name;
      r.to_one = !json::get_bool(fn, "setof") || json::get_number(fn, "rows").value_or(0) == 1;
      return r;
    }
  }

  std::vector<Candidate> found;
  std::vector<std::string> near;  // target names, for the "Perhaps you meant" hint
  for (const auto& fk : origin.fks) {
    bool self = outgoing(fk, origin) && incoming(fk, origin);
    if (outgoing(fk, origin)) {
      near.push_back(fk.ref_table);
      // By table name (not for a self reference, whose table name means the one-to-many side),
      // by constraint name, or by the single FK column.
      bool by_name = (fk.ref_table == name && !self) ||
                     (!fk.ref_is_view && (fk.name == name ||
                                          (fk.columns.size() == 1 && fk.columns[0] == name)));
      bool hint_ok = !hint || *hint == fk.name || contains(fk.columns, *hint) ||
                     contains(fk.ref_columns, *hint);
      if (by_name && hint_ok) {
        found.push_back({fk.one_to_one ? Cardinality::one_to_one : Cardinality::many_to_one, fk,
                         std::nullopt, fk.ref_schema, fk.ref_table, fk.name});
      }
    }
    if (incoming(fk, origin)) {
      near.push_back(fk.table);
      bool hint_ok = !hint || *hint == fk.name || contains(fk.columns, *hint) ||
                     contains(fk.ref_columns, *hint);
      if (fk.table == name && hint_ok) {
        found.push_back({fk.one_to_one ? Cardinality::one_to_one : Cardinality::one_to_many, fk,
                         std::nullopt, fk.schema, fk.table, fk.name});
      }
      // Many-to-many: the referencing table is a junction whose PK holds both FKs' columns.
      if (self) continue;
      auto found_junction = snapshot.table_ref(fk.schema, fk.table);
      if (!found_junction) return found_junction.take_error();
      const Table* junction = *found_junction;
      if (junction == nullptr || !subset(fk.columns, junction->pk)) continue;
      for (const auto& fk2 : junction->fks) {
        if (!outgoing(fk2, *junction) || fk2.name == fk.name || !subset(fk2.columns, junction->pk)) {
          continue;
        }
        near.push_back(fk2.ref_table);
        bool m2m_hint = !hint || *hint == fk.table || *hint == fk.name || *hint == fk2.name;
        if (fk2.ref_table == name && m2m_hint) {
          found.push_back({Cardinality::many_to_many, fk, fk2, fk2.ref_schema, fk2.ref_table, fk.table});
        }
      }
    }
  }

  if (found.empty()) {
    Error e;
    e.status = 400;
    e.code = "PGRST200";
    e.message = "Could not find a relationship between '" + origin.name + "' and '" + name +
                "' in the schema cache";
    e.details = "Searched for a foreign key relationship between '" + origin.name + "' and '" +
                name + (hint ? "' using the hint '" + *hint : std::string()) + "' in the schema '" +
                origin.schema + "', but no matches were found.";
    if (auto n = closest_name(name, near)) {
      e.hint = "Perhaps you meant '" + *n + "' instead of '" + name + "'.";
    }
    return e;
  }
  if (found.size() > 1) {
    Error e;
    e.status = 300;
    e.code = "PGRST201";
    e.message = "Could not embed because more than one relationship was found for '" +
                origin.name + "' and '" + name + "'";
    std::string details = "[", hints;
    for (size_t i = 0; i < found.size(); ++i) {
      const Candidate& c = found[i];
      std::string rel;
      if (c.cardinality == Cardinality::many_to_many) {
        rel = c.fk.table + " using " + c.fk.name + "(" + columns_text("", c.fk.columns).substr(1) +
              " and " + c.fk2->name + "(" + columns_text("", c.fk2->columns).substr(1);
      } else {
        bool out = c.cardinality == Cardinality::many_to_one ||
                   (c.cardinality == Cardinality::one_to_one && outgoing(c.fk, origin) &&
                    c.fk.table == origin.name);
        rel = c.fk.name + " using " +
              (out ? columns_text(origin.name, c.fk.columns) + " and " +
                         columns_text(c.target_name, c.fk.ref_columns)
                   : columns_text(c.target_name, c.fk.columns) + " and " +
                         columns_text(origin.name, c.fk.ref_columns));
      }
      details += std::string(i ? "," : "") + "{\"cardinality\":" +
                 json::quoted(cardinality_text(c.cardinality)) + ",\"embedding\":" +
                 json::quoted(origin.name + " with " + c.target_name) + ",\"relationship\":" +
                 json::quoted(rel) + "}";
      hints += std::string(i ? ", " : "") + "'" + name + "!" + c.hint_key + "'";
    }
    e.details = details + "]";
    e.details_is_json = true;
    e.hint = "Try changing '" + name + "' to one of the following: " + hints +
             ". Find the desired relationship in the 'details' key.";
    return e;
  }

  const Candidate& c = found.front();
  auto target = snapshot.table(c.target_schema, c.target_name);
  if (!target) return target.take_error();
  if (!target->has_value()) {
    return errors::table_not_found(c.target_schema, c.target_name, std::nullopt);
  }
  Relationship r;
  r.cardinality = c.cardinality;
  r.constraint = c.fk.name;
  r.target = std::move(**target);
  switch (c.cardinality) {
    case Cardinality::many_to_one:
      r.on = zip(c.fk.columns, c.fk.ref_columns);
      r.to_one = true;
      break;
    case Cardinality::one_to_one:
      r.on = outgoing(c.fk, origin) ? zip(c.fk.columns, c.fk.ref_columns)
                                    : zip(c.fk.ref_columns, c.fk.columns);
      r.to_one = true;
      break;
    case Cardinality::one_to_many:
      r.on = zip(c.fk.ref_columns, c.fk.columns);
      break;
    case Cardinality::many_to_many: {
      auto j = snapshot.table(c.fk.schema, c.fk.table);
      if (!j) return j.take_error();
      r.junction = std::move(**j);
      r.origin_junction = zip(c.fk.ref_columns, c.fk.columns);
      r.junction_target = zip(c.fk2->columns, c.fk2->ref_columns);
      r.target_constraint = c.fk2->name;
      break;
    }
    default:
      break;
  }
  return r;
}

}  // namespace pgrest
