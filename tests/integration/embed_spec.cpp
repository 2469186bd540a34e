// Resource embedding: every form, its exact JSON, and the PGRST2xx errors.
#include "spec_util.hpp"

using namespace pgtest;

namespace {
void expect_json(const std::string& target, const std::string& expected, int status = 200) {
  auto r = get("fastcgi", target);
  BOOST_TEST_CONTEXT(target) {
    BOOST_TEST(r.status == status, r.body);
    BOOST_TEST(json_norm(r.body) == json_norm(expected));
  }
}
}  // namespace

BOOST_AUTO_TEST_SUITE(embedding)

BOOST_AUTO_TEST_CASE(many_to_one_and_one_to_many) {
  expect_json("/films?select=title,actors(id),film_details(budget)&id=eq.4",
              R"J([{"title":"Untitled","actors":[],"film_details":null}])J");
  expect_json("/directors?select=name,films!director_id(title)&id=eq.1",
              R"J([{"name":"Kubrick","films":[{"title":"2001"}]}])J");
}

BOOST_AUTO_TEST_CASE(disambiguation_with_hints) {
  auto r = get("fastcgi", "/films?select=title,directors(name)");
  CHECK_ERROR(r, 300, "PGRST201");
  std::string b = json_norm(r.body);
  BOOST_TEST(b.find(R"J({"cardinality":"many-to-one","embedding":"films with directors","relationship":"films_director_id_fkey using films(director_id) and directors(id)"})J") != std::string::npos, b);
  BOOST_TEST(b.find(R"J("hint":"Try changing 'directors' to one of the following: 'directors!films_co_director_fkey', 'directors!films_director_id_fkey'. Find the desired relationship in the 'details' key.")J") != std::string::npos, b);
  expect_json("/films?select=title,directors!director_id(name)&order=id",
              R"J([{"title":"2001","directors":{"name":"Kubrick"}},{"title":"Ran","directors":{"name":"Kurosawa"}},{"title":"Dreams","directors":{"name":"Kurosawa"}},{"title":"Untitled","directors":null}])J");
  expect_json("/films?select=title,co:directors!films_co_director_fkey(name)&id=lt.3&order=id",
              R"J([{"title":"2001","co":null},{"title":"Ran","co":{"name":"Kubrick"}}])J");
  // By FK column name, the many-to-one side.
  expect_json("/films?select=title,director_id(name)&id=eq.1", R"J([{"title":"2001","director_id":{"name":"Kubrick"}}])J");
}

BOOST_AUTO_TEST_CASE(one_to_many_nested_and_empty) {
  expect_json("/directors?select=name,films!director_id(title,roles(character))&order=id&films.order=id",
              R"J([{"name":"Kubrick","films":[{"title":"2001","roles":[{"character":"Bowman"}]}]},)J"
              R"J({"name":"Kurosawa","films":[{"title":"Ran","roles":[{"character":"Hidetora"},{"character":"Taro"}]},{"title":"Dreams","roles":[{"character":"I"}]}]},)J"
              R"J({"name":"Nobody","films":[]}])J");
}

BOOST_AUTO_TEST_CASE(many_to_many_through_a_junction) {
  expect_json("/films?select=title,actors(first_name)&id=eq.2&actors.order=id",
              R"J([{"title":"Ran","actors":[{"first_name":"Tatsuya"},{"first_name":"Akira"}]}])J");
  expect_json("/actors?select=last_name,films(title)&id=eq.3&films.order=id",
              R"J([{"last_name":"Terao","films":[{"title":"Ran"},{"title":"Dreams"}]}])J");
  expect_json("/films?select=title,actors!roles(last_name)&id=eq.1", R"J([{"title":"2001","actors":[{"last_name":"Dullea"}]}])J");
}

BOOST_AUTO_TEST_CASE(one_to_one_is_an_object) {
  expect_json("/films?select=title,film_details(budget)&id=lt.4&order=id",
              R"J([{"title":"2001","film_details":{"budget":10500000}},{"title":"Ran","film_details":{"budget":11000000}},{"title":"Dreams","film_details":null}])J");
  expect_json("/film_details?select=budget,films(title)&film_id=eq.1", R"J([{"budget":10500000,"films":{"title":"2001"}}])J");
}

BOOST_AUTO_TEST_CASE(self_reference) {
  expect_json("/employees?select=name,manager_id(name)&id=eq.4", R"J([{"name":"Di","manager_id":{"name":"Bob"}}])J");
  expect_json("/employees?select=name,reports:employees(name)&id=eq.1&reports.order=id",
              R"J([{"name":"Ada","reports":[{"name":"Bob"},{"name":"Cy"}]}])J");
}

BOOST_AUTO_TEST_CASE(composite_keys) {
  expect_json("/shops?select=id,regions(name)&order=id",
              R"J([{"id":1,"regions":{"name":"Tokyo"}},{"id":2,"regions":{"name":"Tokyo"}},{"id":3,"regions":{"name":"Osaka"}}])J");
  expect_json("/regions?select=name,shops(id)&order=code&shops.order=id",
              R"J([{"name":"Tokyo","shops":[{"id":1},{"id":2}]},{"name":"Osaka","shops":[{"id":3}]}])J");
}

BOOST_AUTO_TEST_CASE(views_inherit_relationships) {
  expect_json("/films_view?select=title,directors(name)&id=eq.2", R"J([{"title":"Ran","directors":{"name":"Kurosawa"}}])J");
  expect_json("/directors_view?select=name,films_view(title)&id=eq.1", R"J([{"name":"Kubrick","films_view":[{"title":"2001"}]}])J");
}

BOOST_AUTO_TEST_CASE(view_to_view_and_hidden_targets) {
  expect_json("/films_view?select=title,directors_view(name)&id=eq.1",
              R"J([{"title":"2001","directors_view":{"name":"Kubrick"}}])J");
  CHECK_ERROR(get("fastcgi", "/with_private?select=id,vault(id)"), 400, "PGRST200");
  CHECK_ERROR(get("fastcgi", "/with_private?select=id,vault_id(id)"), 400, "PGRST200");
}

BOOST_AUTO_TEST_CASE(computed_relationship) {
  expect_json("/directors?select=name,recent_films(title)&id=eq.2&recent_films.order=id",
              R"J([{"name":"Kurosawa","recent_films":[{"title":"Ran"},{"title":"Dreams"}]}])J");
}

BOOST_AUTO_TEST_CASE(inner_joins_and_null_filters) {
  expect_json("/films?select=title,directors!director_id!inner(name)&directors.name=eq.Kubrick",
              R"J([{"title":"2001","directors":{"name":"Kubrick"}}])J");
  // Without !inner an embedded filter never drops parent rows.
  auto all = get("fastcgi", "/films?select=id,directors!director_id(name)&directors.name=eq.Kubrick&order=id");
  BOOST_TEST(json_norm(all.body).find(R"J({"id":4,"directors":null})J") != std::string::npos, all.body);
  expect_json("/directors?select=name,films!director_id()&films=is.null", R"J([{"name":"Nobody"}])J");
  expect_json("/directors?select=name,films!director_id()&films=not.is.null&order=id",
              R"J([{"name":"Kubrick"},{"name":"Kurosawa"}])J");
  expect_json("/films?select=id,film_details(),roles()&or=(film_details.not.is.null,roles.is.null)&order=id",
              R"J([{"id":1},{"id":2},{"id":4}])J");
  auto counted = get("fastcgi", "/films?select=id,directors!director_id!inner(name)&directors.name=eq.Kurosawa",
                     {{"Prefer", "count=exact"}});
  BOOST_TEST(counted.header("content-range").value_or("") == "0-1/2");
}

BOOST_AUTO_TEST_CASE(spreads) {
  expect_json("/films?select=title,...directors!director_id(director:name)&id=lt.3&order=id",
              R"J([{"title":"2001","director":"Kubrick"},{"title":"Ran","director":"Kurosawa"}])J");
  expect_json("/directors?select=name,...films!director_id(title,year)&id=gt.1&order=id&films.order=id",
              R"J([{"name":"Kurosawa","title":["Ran","Dreams"],"year":[1985,1990]},{"name":"Nobody","title":[],"year":[]}])J");
  // An aggregate inside a to-many spread has no array form: PGRST127, as in v13.
  auto agg = cgi("GET", "/directors?select=name,...films!director_id(year.max())", {"PGRST_DB_AGGREGATES_ENABLED=true"});
  CHECK_ERROR(agg, 400, "PGRST127");
  auto plain = cgi("GET", "/directors?select=name,films!director_id(year.max())&id=eq.2", {"PGRST_DB_AGGREGATES_ENABLED=true"});
  BOOST_TEST(json_norm(plain.body) == R"([{"name":"Kurosawa","films":[{"max":1990}]}])", plain.body);
}

BOOST_AUTO_TEST_CASE(embedded_params_order_limit_offset) {
  expect_json("/directors?select=name,films!director_id(title)&id=eq.2&films.order=year.desc&films.limit=1",
              R"J([{"name":"Kurosawa","films":[{"title":"Dreams"}]}])J");
  expect_json("/directors?select=name,f:films!director_id(title)&id=eq.2&f.order=id&f.offset=1",
              R"J([{"name":"Kurosawa","f":[{"title":"Dreams"}]}])J");
  expect_json("/directors?select=name,films!director_id(title,actors(first_name))&id=eq.2&films.order=id&films.actors.order=id&films.actors.limit=1",
              R"J([{"name":"Kurosawa","films":[{"title":"Ran","actors":[{"first_name":"Tatsuya"}]},{"title":"Dreams","actors":[{"first_name":"Akira"}]}]}])J");
  expect_json("/directors?select=name,films!director_id(title)&id=eq.2&films.or=(year.eq.1985,year.eq.1900)",
              R"J([{"name":"Kurosawa","films":[{"title":"Ran"}]}])J");
}

BOOST_AUTO_TEST_CASE(ordering_by_a_to_one_embed) {
  expect_json("/films?select=title,directors!director_id(name)&id=lt.4&order=directors(name).desc,id",
              R"J([{"title":"Ran","directors":{"name":"Kurosawa"}},{"title":"Dreams","directors":{"name":"Kurosawa"}},{"title":"2001","directors":{"name":"Kubrick"}}])J");
  auto r = get("fastcgi", "/directors?select=name,films!director_id(title)&order=films(title)");
  CHECK_ERROR(r, 400, "PGRST118");
}

BOOST_AUTO_TEST_CASE(errors) {
  auto none = get("fastcgi", "/films?select=title,nope(name)");
  CHECK_ERROR(none, 400, "PGRST200");
  BOOST_TEST(none.body.find("Could not find a relationship between 'films' and 'nope' in the schema cache") != std::string::npos);
  auto typo = get("fastcgi", "/films?select=title,actorz(first_name)");
  BOOST_TEST(json_norm(typo.body).find(R"J("hint":"Perhaps you meant 'actors' instead of 'actorz'.")J") != std::string::npos, typo.body);
  auto path = get("fastcgi", "/films?select=title&actors.first_name=eq.x");
  CHECK_ERROR(path, 400, "PGRST108");
  BOOST_TEST(path.body.find("'actors' is not an embedded resource in this request") != std::string::npos);
  CHECK_ERROR(get("fastcgi", "/films?select=title,actors(first_name)&actors.nope=eq.1"), 400, "42703");
}

BOOST_AUTO_TEST_CASE(max_rows_caps_every_level) {
  auto r = cgi("GET", "/directors?select=name,films!director_id(title)&order=id&films.order=id", {"PGRST_DB_MAX_ROWS=1"});
  BOOST_TEST(json_norm(r.body) == R"J([{"name":"Kubrick","films":[{"title":"2001"}]}])J", r.body);
}

BOOST_AUTO_TEST_SUITE_END()
