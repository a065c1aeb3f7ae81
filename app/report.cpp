// SPDX-License-Identifier: MIT
#include "app/report.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/process.h"
#include "search/search.h"
#include "search/store.h"

#ifndef HAWX_SCRIPTS_DIR
#error "HAWX_SCRIPTS_DIR must be defined by the build"
#endif

namespace hawx::app {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using search::Metrics;
using search::Objective;
using search::SearchPoint;
using search::StoredEvaluation;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr Objective kAllMetrics[] = {Objective::kAccuracy, Objective::kEnergy, Objective::kArea,
                                     Objective::kCycles};
// What the matplotlib check in the script exits with.
constexpr int kNoMatplotlib = 4;

std::string format(const char* fmt, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, fmt, v);
  return buffer;
}

// A value as the exports write it: unknown (NaN) is an empty field.
std::string number(double v) { return std::isnan(v) ? "" : format("%.12g", v); }

// A value for people, with its unit; energy is stored in fJ and shown in pJ.
std::string shown(Objective o, double v) {
  if (std::isnan(v)) return "—";
  switch (o) {
    case Objective::kAccuracy:
      return format("%.2f %%", 100 * v);
    case Objective::kEnergy:
      return format(std::abs(v) >= 100000 ? "%.1f pJ" : "%.4g pJ", v / 1000);
    case Objective::kArea:
      return format(std::abs(v) >= 1000 ? "%.0f um^2" : "%.4g um^2", v);
    case Objective::kCycles:
      return format("%.0f cycles", v);
  }
  return "?";
}

// A difference of two values: accuracy in percentage points.
std::string shown_difference(Objective o, double v) {
  return o == Objective::kAccuracy && !std::isnan(v) ? format("%.2f pp", 100 * v) : shown(o, v);
}

std::string axis_label(Objective o) {
  switch (o) {
    case Objective::kAccuracy:
      return "accuracy (%)";
    case Objective::kEnergy:
      return "energy per inference (pJ)";
    case Objective::kArea:
      return "area (um^2)";
    case Objective::kCycles:
      return "cycles per inference";
  }
  return "?";
}

// The value in a plot's units (accuracy in %, energy in pJ).
double plotted(Objective o, double v) {
  if (o == Objective::kAccuracy) return 100 * v;
  if (o == Objective::kEnergy) return v / 1000;
  return v;
}

double metric(const Metrics& m, Objective o) { return search::value_of(m, o); }

void set_metric(Metrics& m, Objective o, double v) {
  switch (o) {
    case Objective::kAccuracy:
      m.accuracy = v;
      break;
    case Objective::kEnergy:
      m.energy = v;
      break;
    case Objective::kArea:
      m.area = v;
      break;
    case Objective::kCycles:
      m.cycles = v;
      break;
  }
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

std::vector<std::string> names_of(const std::vector<Objective>& objectives) {
  std::vector<std::string> out;
  for (Objective o : objectives) out.push_back(search::objective_name(o));
  return out;
}

// "accuracy 90.00 %, energy 937245.8 pJ"
std::string reference_text(const std::vector<Objective>& objectives, const Metrics& reference) {
  std::vector<std::string> parts;
  for (Objective o : objectives) {
    parts.push_back(std::string(search::objective_name(o)) + " " + shown(o, metric(reference, o)));
  }
  return join(parts, ", ");
}

// "accuracy=0.9;energy=937245800"
std::string reference_field(const std::vector<Objective>& objectives, const Metrics& reference) {
  std::vector<std::string> parts;
  for (Objective o : objectives) {
    parts.push_back(std::string(search::objective_name(o)) + "=" + number(metric(reference, o)));
  }
  return join(parts, ";");
}

bool reference_complete(const std::vector<Objective>& objectives, const Metrics& reference) {
  for (Objective o : objectives) {
    if (!std::isfinite(metric(reference, o))) return false;
  }
  return !objectives.empty();
}

// A CSV file: RFC 4180 quoting where a field needs it.
class Csv {
 public:
  Csv(const fs::path& file, const std::vector<std::string>& header) : out_(file) {
    if (!out_) throw Error("cannot write " + file.string());
    row(header);
  }
  void row(const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out_ << ',';
      const std::string& f = fields[i];
      if (f.find_first_of(",\"\n\r") == std::string::npos) {
        out_ << f;
      } else {
        out_ << '"';
        for (char c : f) out_ << (c == '"' ? "\"\"" : std::string(1, c));
        out_ << '"';
      }
    }
    out_ << '\n';
  }

 private:
  std::ofstream out_;
};

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw Error("cannot write " + file.string());
}

// ---------------------------------------------------------------------------------------------
// What the report knows, read from the store.

struct Evaluation {
  StoredEvaluation stored;
  std::vector<std::string> searches;  // the searches that proposed it
  bool on_front = false;              // on the best-known front (primary objectives)
};

// Searches compare with each other when they share objectives and reference point.
struct Group {
  std::vector<Objective> objectives;
  Metrics reference;
  std::vector<std::size_t> searches;  // indices into Report::searches
  std::vector<std::size_t> front;     // indices into Report::evaluations (every evaluation)
  double hypervolume = kNaN;          // of every evaluation in the store
};

struct Search {
  search::StoredSearch stored;
  std::vector<Objective> objectives;
  Metrics reference;
  long long budget = -1;
  long long seed = -1;
  std::size_t group = 0;
  std::vector<search::StoredSearchPoint> proposals;
  std::vector<std::size_t> points;  // evaluation index of each proposal
  std::vector<std::size_t> front;   // evaluation indices
  double hypervolume = kNaN;
  std::vector<double> trace;  // hypervolume after each proposal
  std::size_t reused = 0;
  std::size_t failed = 0;
  std::string stored_front;  // "matches", "differs", "none"
};

struct Report {
  fs::path store_file;
  search::StoredRun run;
  std::string study;
  std::map<std::string, std::string> multipliers;
  std::vector<Evaluation> evaluations;
  std::map<std::string, std::size_t> by_hash;
  std::vector<Search> searches;
  std::vector<Group> groups;
  std::size_t primary = 0;              // the group the summary leads with
  std::vector<std::string> strategies;  // in order of first appearance
};

SearchPoint as_point(const Evaluation& e) {
  SearchPoint p;
  p.hash = e.stored.hash;
  p.outcome = e.stored.outcome;
  p.seconds = e.stored.seconds;
  return p;
}

// The front (evaluation indices) of a set of evaluations, and its hypervolume.
std::vector<std::size_t> front_among(const Report& r, const std::vector<std::size_t>& which,
                                     const std::vector<Objective>& objectives) {
  std::vector<SearchPoint> points;
  for (std::size_t i : which) points.push_back(as_point(r.evaluations[i]));
  std::vector<std::size_t> out;
  for (std::size_t k : search::front_of(points, objectives)) out.push_back(which[k]);
  return out;
}

double hypervolume_among(const Report& r, const std::vector<std::size_t>& which,
                         const std::vector<Objective>& objectives, const Metrics& reference) {
  if (!reference_complete(objectives, reference)) return kNaN;
  std::vector<SearchPoint> points;
  for (std::size_t i : which) points.push_back(as_point(r.evaluations[i]));
  return search::hypervolume_of(points, objectives, reference);
}

// The hypervolume of the points seen after each proposal (as run_search computes its trace).
std::vector<double> trace_of(const Report& r, const std::vector<std::size_t>& points,
                             const std::vector<Objective>& objectives, const Metrics& reference) {
  std::vector<double> trace;
  if (!reference_complete(objectives, reference)) return trace;
  const auto ref = search::minimised_reference(reference, objectives);
  std::vector<std::vector<double>> seen;
  double current = 0.0;
  for (std::size_t i : points) {
    auto v = r.evaluations[i].stored.outcome.objectives(objectives);
    const bool joins =
        v && std::none_of(seen.begin(), seen.end(), [&](const std::vector<double>& f) {
          return f == *v || search::dominates(f, *v);
        });
    if (joins) {
      seen.push_back(std::move(*v));
      std::vector<std::vector<double>> front;
      for (std::size_t k : search::pareto_front(seen)) front.push_back(std::move(seen[k]));
      seen = std::move(front);
      current = search::hypervolume(seen, ref);
    }
    trace.push_back(current);
  }
  return trace;
}

std::string study_name(const std::string& config) {
  try {
    const YAML::Node root = YAML::Load(config);
    if (root.IsMap() && root["name"] && root["name"].IsScalar()) {
      return root["name"].as<std::string>();
    }
  } catch (const YAML::Exception&) {
  }
  return "";
}

void read_options(Search& s, const fs::path& file) {
  const auto bad = [&](const std::string& why) {
    throw InputError("results database " + file.string() + ": search '" + s.stored.name +
                     "' has options that cannot be read (" + why + "): " + s.stored.options);
  };
  json o;
  try {
    o = json::parse(s.stored.options);
  } catch (const json::exception& e) {
    bad(e.what());
  }
  if (!o.is_object()) bad("not a JSON object");
  try {
    if (o.contains("budget")) s.budget = o["budget"].get<long long>();
    if (o.contains("seed")) s.seed = o["seed"].get<long long>();
    if (o.contains("objectives")) {
      for (const auto& n : o["objectives"]) {
        s.objectives.push_back(search::objective_from_name(n.get<std::string>()));
      }
    }
    if (o.contains("reference")) {
      const auto values = o["reference"];
      if (!values.is_array() || values.size() != s.objectives.size()) {
        bad("the reference point does not give one value per objective");
      }
      for (std::size_t k = 0; k < s.objectives.size(); ++k) {
        set_metric(s.reference, s.objectives[k],
                   values[k].is_number() ? values[k].get<double>() : kNaN);
      }
    }
  } catch (const json::exception& e) {
    bad(e.what());
  } catch (const ConfigError& e) {
    bad(e.what());
  }
  if (s.objectives.empty()) bad("no objectives");
}

Report read_report(const fs::path& store_file) {
  search::ResultsStore store(store_file, search::ResultsStore::ForReading{});
  Report r;
  r.store_file = store_file;
  r.run = store.run();
  r.study = study_name(r.run.config);
  r.multipliers = store.multipliers();
  for (auto& e : store.evaluations()) {
    r.by_hash[e.hash] = r.evaluations.size();
    r.evaluations.push_back({std::move(e), {}, false});
  }

  for (auto& stored : store.searches()) {
    Search s;
    s.stored = std::move(stored);
    read_options(s, store_file);
    s.proposals = store.search_points(s.stored.id);
    for (const auto& p : s.proposals) {
      const std::size_t i = r.by_hash.at(p.hash);
      s.points.push_back(i);
      if (p.reused) ++s.reused;
      if (!r.evaluations[i].stored.outcome.ok) ++s.failed;
      auto& names = r.evaluations[i].searches;
      if (names.empty() || names.back() != s.stored.name) names.push_back(s.stored.name);
    }
    s.front = front_among(r, s.points, s.objectives);
    s.hypervolume = hypervolume_among(r, s.points, s.objectives, s.reference);
    s.trace = trace_of(r, s.points, s.objectives, s.reference);
    const auto f = store.front(s.stored.id, "search");
    if (!f) {
      s.stored_front = "none";
    } else {
      std::multiset<std::string> a(f->members.begin(), f->members.end()), b;
      for (std::size_t i : s.front) b.insert(r.evaluations[i].stored.hash);
      s.stored_front = a == b ? "matches" : "differs";
    }
    if (std::find(r.strategies.begin(), r.strategies.end(), s.stored.strategy) ==
        r.strategies.end()) {
      r.strategies.push_back(s.stored.strategy);
    }
    // Its comparison group: the same objectives and reference point.
    std::size_t g = 0;
    for (; g < r.groups.size(); ++g) {
      const Group& x = r.groups[g];
      if (x.objectives == s.objectives && reference_field(x.objectives, x.reference) ==
                                              reference_field(s.objectives, s.reference)) {
        break;
      }
    }
    if (g == r.groups.size()) r.groups.push_back({s.objectives, s.reference, {}, {}, kNaN});
    s.group = g;
    r.groups[g].searches.push_back(r.searches.size());
    r.searches.push_back(std::move(s));
  }

  // Without searches: the objectives every evaluation could be compared on, no reference.
  if (r.groups.empty()) {
    Group g;
    g.objectives = {Objective::kAccuracy};
    for (Objective o : {Objective::kEnergy, Objective::kArea}) {
      const bool known = std::any_of(r.evaluations.begin(), r.evaluations.end(), [&](auto& e) {
        return e.stored.outcome.ok && !std::isnan(metric(e.stored.outcome.best_known(), o));
      });
      if (known) g.objectives.push_back(o);
    }
    r.groups.push_back(g);
  }
  std::vector<std::size_t> all(r.evaluations.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (std::size_t g = 0; g < r.groups.size(); ++g) {
    Group& x = r.groups[g];
    x.front = front_among(r, all, x.objectives);
    x.hypervolume = hypervolume_among(r, all, x.objectives, x.reference);
    if (x.searches.size() > r.groups[r.primary].searches.size()) r.primary = g;
  }
  for (std::size_t i : r.groups[r.primary].front) r.evaluations[i].on_front = true;
  return r;
}

// How a point's figures were obtained.
std::string basis(const search::Outcome& o, const std::vector<Objective>& objectives) {
  bool measured = false, predicted = false;
  for (Objective x : objectives) {
    if (!std::isnan(metric(o.measured, x))) {
      measured = true;
    } else if (!std::isnan(metric(o.predicted, x))) {
      predicted = true;
    }
  }
  return measured && predicted ? "mixed" : predicted ? "predicted" : "measured";
}

std::vector<std::size_t> of_strategy(const Report& r, const std::string& strategy) {
  std::set<std::size_t> which;
  for (const auto& s : r.searches) {
    if (s.stored.strategy == strategy) which.insert(s.points.begin(), s.points.end());
  }
  return {which.begin(), which.end()};
}

double share(double hypervolume, double best) {
  return best > 0 && std::isfinite(hypervolume) ? hypervolume / best : kNaN;
}

// ---------------------------------------------------------------------------------------------
// The exports.

const std::vector<std::string> kMetricColumns = {
    "accuracy",           "energy",           "area",           "cycles",
    "predicted_accuracy", "predicted_energy", "predicted_area", "predicted_cycles"};

std::vector<std::string> metric_fields(const search::Outcome& o) {
  std::vector<std::string> out;
  for (Objective x : kAllMetrics) out.push_back(number(metric(o.measured, x)));
  for (Objective x : kAllMetrics) out.push_back(number(metric(o.predicted, x)));
  return out;
}

json metrics_json(const Metrics& m) {
  json j;
  for (Objective x : kAllMetrics) j[search::objective_name(x)] = metric(m, x);
  return j;
}

json evaluation_json(const Evaluation& e) {
  json j;
  j["hash"] = e.stored.hash;
  j["assignment"] = e.stored.assignment;
  j["key"] = e.stored.key;
  j["ok"] = e.stored.outcome.ok;
  j["failure"] = e.stored.outcome.failure;
  j["measured"] = metrics_json(e.stored.outcome.measured);
  j["predicted"] = metrics_json(e.stored.outcome.predicted);
  j["seconds"] = e.stored.seconds;
  j["finished_at"] = e.stored.finished_at;
  j["session"] = e.stored.session;
  j["searches"] = e.searches;
  j["front"] = e.on_front;
  return j;
}

void write_evaluations(const Report& r, const fs::path& folder) {
  std::vector<std::string> header = {"hash", "assignment", "key", "ok", "failure"};
  header.insert(header.end(), kMetricColumns.begin(), kMetricColumns.end());
  for (const char* c : {"seconds", "finished_at", "session", "searches", "front"}) {
    header.push_back(c);
  }
  Csv csv(folder / "evaluations.csv", header);
  for (const auto& e : r.evaluations) {
    std::vector<std::string> row = {e.stored.hash, e.stored.assignment, e.stored.key,
                                    e.stored.outcome.ok ? "1" : "0", e.stored.outcome.failure};
    for (auto& f : metric_fields(e.stored.outcome)) row.push_back(std::move(f));
    row.push_back(number(e.stored.seconds));
    row.push_back(e.stored.finished_at);
    row.push_back(std::to_string(e.stored.session));
    row.push_back(join(e.searches, ";"));
    row.push_back(e.on_front ? "1" : "0");
    csv.row(row);
  }
}

// A multiplier's metrics JSON flattened to "a.b" keys.
void flatten(const nlohmann::json& j, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
    }
  } else if (j.is_string()) {
    out[prefix] = j.get<std::string>();
  } else if (j.is_number()) {
    out[prefix] = number(j.get<double>());
  } else {
    out[prefix] = j.dump();
  }
}

json write_multipliers(const Report& r, const fs::path& folder) {
  std::map<std::string, std::map<std::string, std::string>> flat;
  std::vector<std::string> columns;
  json all = json::object();
  for (const auto& [name, text] : r.multipliers) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
      j = text;  // kept as the text it is
    }
    all[name] = j;
    flatten(j, "", flat[name]);
    for (const auto& [k, v] : flat[name]) {
      if (std::find(columns.begin(), columns.end(), k) == columns.end()) columns.push_back(k);
    }
  }
  // "multiplier": the name the store knows it by (its metrics may carry a "name" of their own).
  std::vector<std::string> header = {"multiplier"};
  header.insert(header.end(), columns.begin(), columns.end());
  Csv csv(folder / "multipliers.csv", header);
  for (const auto& [name, values] : flat) {
    std::vector<std::string> row = {name};
    for (const auto& c : columns) {
      auto it = values.find(c);
      row.push_back(it == values.end() ? "" : it->second);
    }
    csv.row(row);
  }
  return all;
}

json write_searches(const Report& r, const fs::path& folder) {
  Csv csv(folder / "searches.csv",
          {"search", "strategy", "space", "budget", "seed", "objectives", "reference", "finished",
           "points", "evaluated", "reused", "failed", "front_size", "hypervolume",
           "best_known_hypervolume", "share", "stored_front"});
  Csv hv(folder / "hypervolume.csv",
         {"strategy", "search", "evaluations", "hypervolume", "share", "objectives", "reference"});
  json out = json::array();
  for (const auto& s : r.searches) {
    const Group& g = r.groups[s.group];
    const std::string objectives = join(names_of(s.objectives), ";");
    const std::string reference = reference_field(s.objectives, s.reference);
    csv.row({s.stored.name, s.stored.strategy, s.stored.space,
             s.budget >= 0 ? std::to_string(s.budget) : "",
             s.seed >= 0 ? std::to_string(s.seed) : "", objectives, reference,
             s.stored.finished.empty() ? "no" : "yes", std::to_string(s.points.size()),
             std::to_string(s.points.size() - s.reused), std::to_string(s.reused),
             std::to_string(s.failed), std::to_string(s.front.size()), number(s.hypervolume),
             number(g.hypervolume), number(share(s.hypervolume, g.hypervolume)), s.stored_front});
    std::vector<double> shares;
    for (std::size_t k = 0; k < s.trace.size(); ++k) {
      shares.push_back(share(s.trace[k], g.hypervolume));
      hv.row({s.stored.strategy, s.stored.name, std::to_string(k + 1), number(s.trace[k]),
              number(shares.back()), objectives, reference});
    }
    json j;
    j["name"] = s.stored.name;
    j["strategy"] = s.stored.strategy;
    j["space"] = s.stored.space;
    j["options"] = json::parse(s.stored.options);
    j["objectives"] = names_of(s.objectives);
    j["reference"] = metrics_json(s.reference);
    j["started"] = s.stored.started;
    j["finished"] = s.stored.finished;
    j["points"] = s.points.size();
    j["evaluated"] = s.points.size() - s.reused;
    j["reused"] = s.reused;
    j["failed"] = s.failed;
    std::vector<std::string> members;
    for (std::size_t i : s.front) members.push_back(r.evaluations[i].stored.hash);
    j["front"] = members;
    j["hypervolume"] = s.hypervolume;
    j["best_known_hypervolume"] = g.hypervolume;
    j["share"] = share(s.hypervolume, g.hypervolume);
    j["stored_front"] = s.stored_front;
    j["hypervolume_trace"] = s.trace;
    out.push_back(std::move(j));
  }
  return out;
}

// One front for fronts.csv / report.json.
struct FrontRow {
  std::string scope;  // "search", "strategy", "all"
  std::string name;
  std::string strategy;
  std::vector<Objective> objectives;
  std::vector<std::size_t> members;
};

std::vector<FrontRow> fronts_of(const Report& r) {
  std::vector<FrontRow> out;
  for (const auto& s : r.searches) {
    out.push_back({"search", s.stored.name, s.stored.strategy, s.objectives, s.front});
  }
  const auto& primary = r.groups[r.primary].objectives;
  std::vector<std::vector<Objective>> sets = {primary};
  for (Objective o : {Objective::kEnergy, Objective::kArea}) {
    const std::vector<Objective> two = {Objective::kAccuracy, o};
    if (two != primary) sets.push_back(two);
  }
  std::vector<std::size_t> all(r.evaluations.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (const auto& set : sets) {
    for (const auto& strategy : r.strategies) {
      out.push_back(
          {"strategy", strategy, strategy, set, front_among(r, of_strategy(r, strategy), set)});
    }
    out.push_back({"all", "all", "", set, front_among(r, all, set)});
  }
  return out;
}

json write_fronts(const Report& r, const std::vector<FrontRow>& fronts, const fs::path& folder) {
  std::vector<std::string> header = {"scope",      "name", "strategy",
                                     "objectives", "hash", "assignment"};
  header.insert(header.end(), kMetricColumns.begin(), kMetricColumns.end());
  header.push_back("basis");
  Csv csv(folder / "fronts.csv", header);
  json out = json::array();
  for (const auto& f : fronts) {
    const std::string objectives = join(names_of(f.objectives), ";");
    json j;
    j["scope"] = f.scope;
    j["name"] = f.name;
    j["strategy"] = f.strategy;
    j["objectives"] = names_of(f.objectives);
    json members = json::array();
    for (std::size_t i : f.members) {
      const auto& e = r.evaluations[i].stored;
      std::vector<std::string> row = {f.scope,    f.name, f.strategy,
                                      objectives, e.hash, e.assignment};
      for (auto& x : metric_fields(e.outcome)) row.push_back(std::move(x));
      row.push_back(basis(e.outcome, f.objectives));
      csv.row(row);
      members.push_back(e.hash);
    }
    j["members"] = members;
    out.push_back(std::move(j));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The plots' data and plan: the script draws exactly what this says.

json xy(const Report& r, const std::vector<std::size_t>& which, Objective x) {
  json points = json::array();
  for (std::size_t i : which) {
    const Metrics m = r.evaluations[i].stored.outcome.best_known();
    if (!r.evaluations[i].stored.outcome.ok || std::isnan(m.accuracy) || std::isnan(metric(m, x))) {
      continue;
    }
    points.push_back({plotted(x, metric(m, x)), plotted(Objective::kAccuracy, m.accuracy)});
  }
  return points;
}

// Predicted and measured pairs of one metric, with their error figures.
struct Agreement {
  Objective metric;
  std::vector<std::pair<double, double>> pairs;  // measured, predicted (natural units)
  double mean_abs = 0.0, max_abs = 0.0, mean_signed = 0.0;
};

std::vector<Agreement> agreements(const Report& r) {
  std::vector<Agreement> out;
  for (Objective x : kAllMetrics) {
    Agreement a{x, {}, 0, 0, 0};
    for (const auto& e : r.evaluations) {
      const double m = metric(e.stored.outcome.measured, x);
      const double p = metric(e.stored.outcome.predicted, x);
      if (e.stored.outcome.ok && !std::isnan(m) && !std::isnan(p)) a.pairs.push_back({m, p});
    }
    if (a.pairs.empty()) continue;
    for (auto [m, p] : a.pairs) {
      a.mean_abs += std::abs(p - m);
      a.mean_signed += p - m;
      a.max_abs = std::max(a.max_abs, std::abs(p - m));
    }
    a.mean_abs /= static_cast<double>(a.pairs.size());
    a.mean_signed /= static_cast<double>(a.pairs.size());
    out.push_back(std::move(a));
  }
  return out;
}

struct PlotPlan {
  json plots = json::array();
  std::vector<std::pair<std::string, std::string>> skipped;  // file, reason
};

PlotPlan plan_plots(const Report& r, const std::vector<Agreement>& agree) {
  PlotPlan plan;
  std::vector<std::size_t> all(r.evaluations.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  if (r.evaluations.empty()) {
    plan.skipped.push_back({"*.png", "the store holds no evaluations"});
    return plan;
  }
  for (Objective x : {Objective::kEnergy, Objective::kArea}) {
    const std::string name = search::objective_name(x);
    const std::string file = "front_accuracy_" + name + ".png";
    const std::vector<Objective> two = {Objective::kAccuracy, x};
    if (xy(r, all, x).empty()) {
      plan.skipped.push_back({file, "no evaluation has both accuracy and " + name});
      continue;
    }
    json p;
    p["file"] = file;
    p["kind"] = "front";
    p["title"] = "accuracy vs " + name + ": every point evaluated (faint) and its front";
    p["x_label"] = axis_label(x);
    p["y_label"] = axis_label(Objective::kAccuracy);
    json panels = json::array();
    std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
    for (const auto& s : r.strategies) groups.push_back({s, of_strategy(r, s)});
    if (groups.empty()) groups.push_back({"every evaluation", all});
    for (const auto& [label, which] : groups) {
      json panel;
      panel["label"] = label;
      panel["points"] = xy(r, which, x);
      panel["front"] = xy(r, front_among(r, which, two), x);
      panels.push_back(std::move(panel));
    }
    p["panels"] = panels;
    p["best_known"] = xy(r, front_among(r, all, two), x);
    plan.plots.push_back(std::move(p));
  }
  if (agree.empty()) {
    plan.skipped.push_back({"predicted_vs_measured.png", "no predictions recorded"});
  } else {
    json p;
    p["file"] = "predicted_vs_measured.png";
    p["kind"] = "agreement";
    p["title"] = "predicted vs measured";
    json panels = json::array();
    for (const auto& a : agree) {
      json panel;
      panel["label"] = axis_label(a.metric);
      json points = json::array();
      for (auto [m, pr] : a.pairs) points.push_back({plotted(a.metric, m), plotted(a.metric, pr)});
      panel["points"] = points;
      panel["caption"] = std::to_string(a.pairs.size()) + " points, mean |predicted - measured| " +
                         shown_difference(a.metric, a.mean_abs);
      panels.push_back(std::move(panel));
    }
    p["panels"] = panels;
    plan.plots.push_back(std::move(p));
  }
  bool any_trace = false;
  for (const auto& s : r.searches) any_trace = any_trace || !s.trace.empty();
  if (!any_trace) {
    plan.skipped.push_back(
        {"hypervolume.png", r.searches.empty() ? "no searches recorded"
                                               : "no search states a complete reference point"});
  } else {
    json p;
    p["file"] = "hypervolume.png";
    p["kind"] = "hypervolume";
    p["title"] = "hypervolume against evaluations";
    p["x_label"] = "points evaluated (proposals, reused ones included)";
    p["y_label"] = "hypervolume, % of the best-known front's";
    json panels = json::array();
    for (const auto& g : r.groups) {
      json panel;
      panel["label"] = "(" + join(names_of(g.objectives), ", ") +
                       "), reference: " + reference_text(g.objectives, g.reference);
      json lines = json::array();
      for (std::size_t k : g.searches) {
        const auto& s = r.searches[k];
        if (s.trace.empty()) continue;
        json line;
        line["search"] = s.stored.name;
        line["strategy"] = s.stored.strategy;
        json ys = json::array();
        for (double v : s.trace) ys.push_back(100 * share(v, g.hypervolume));
        line["share"] = ys;
        lines.push_back(std::move(line));
      }
      if (lines.empty()) continue;
      panel["lines"] = lines;
      panels.push_back(std::move(panel));
    }
    p["panels"] = panels;
    p["strategies"] = r.strategies;
    plan.plots.push_back(std::move(p));
  }
  return plan;
}

// Runs the plotting script; "" when every planned PNG exists and is a PNG, else why not.
std::string draw(const fs::path& folder, const fs::path& plan_file, const PlotPlan& plan,
                 const ReportOptions& options, std::vector<std::string>& drawn) {
  const fs::path script =
      options.script.empty() ? fs::path(HAWX_SCRIPTS_DIR) / "plot_report.py" : options.script;
  const std::string install =
      "install Debian's python3-matplotlib (apt-get install python3-matplotlib)";
  std::error_code ec;
  if (!fs::exists(options.python, ec)) {
    return "the plots were not drawn: " + options.python.string() + " does not exist; " + install;
  }
  if (!fs::exists(script, ec)) {
    return "the plots were not drawn: the plotting script " + script.string() + " is missing";
  }
  const fs::path log = folder / "plot_report.log";
  const ProcessResult p = run_process(
      {options.python.string(), script.string(), plan_file.string(), folder.string()}, log);
  if (p.exit_code == kNoMatplotlib) {
    return "the plots were not drawn: " + options.python.string() + " cannot import matplotlib; " +
           install;
  }
  if (p.exit_code != 0) {
    std::string tail = p.output.size() > 1500 ? p.output.substr(p.output.size() - 1500) : p.output;
    return "the plots were not drawn: " + script.string() + " failed (exit " +
           std::to_string(p.exit_code) + "; its output is in " + log.string() + "):\n" + tail;
  }
  std::string missing;
  for (const auto& plot : plan.plots) {
    const std::string file = plot["file"].get<std::string>();
    std::ifstream in(folder / file, std::ios::binary);
    char magic[8] = {};
    in.read(magic, 8);
    if (in.gcount() == 8 && std::string(magic, 8) == "\x89PNG\r\n\x1a\n") {
      drawn.push_back(file);
    } else {
      missing += (missing.empty() ? "" : ", ") + file;
    }
  }
  if (!missing.empty()) {
    return "the plotting script " + script.string() + " ended without writing " + missing +
           " (its output is in " + log.string() + ")";
  }
  fs::remove(log, ec);
  return "";
}

// ---------------------------------------------------------------------------------------------
// summary.md

std::string markdown_cell(std::string text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : c == '\n' ? " " : std::string(1, c);
  return out;
}

std::string summary(const Report& r, const std::vector<Agreement>& agree, const PlotPlan& plan,
                    const std::vector<std::string>& drawn, const std::string& plot_error,
                    const std::vector<std::string>& files, const ReportOptions& options) {
  std::string s;
  auto line = [&](const std::string& text) { s += text + "\n"; };
  line("# hawx-cosim report" + (r.study.empty() ? "" : ": " + r.study));
  line("");
  line("Results store `" + r.store_file.string() + "` (created " + r.run.created +
       ", config hash " + r.run.config_hash + ", " + std::to_string(r.run.sessions) + " session" +
       (r.run.sessions == 1 ? "" : "s") + ").");
  std::set<std::string> spaces;
  for (const auto& x : r.searches) spaces.insert(x.stored.space);
  for (const auto& sp : spaces) line("Design space: " + sp + ".");
  line("");

  std::size_t ok = 0, failed = 0, measured = 0, predicted_only = 0;
  for (const auto& e : r.evaluations) {
    const auto& o = e.stored.outcome;
    if (!o.ok) {
      ++failed;
      continue;
    }
    ++ok;
    if (!std::isnan(o.measured.accuracy) || !std::isnan(o.measured.energy) ||
        !std::isnan(o.measured.area) || !std::isnan(o.measured.cycles)) {
      ++measured;
    } else {
      ++predicted_only;
    }
  }
  std::size_t proposals = 0, reused = 0;
  for (const auto& x : r.searches) {
    proposals += x.points.size();
    reused += x.reused;
  }

  line("## In short");
  line("");
  if (r.evaluations.empty()) {
    line(
        "The store holds **no evaluations yet**: nothing to compare or plot. A run (or a search) "
        "writes them as it measures points; run `hawx-cosim report` again afterwards.");
    line("");
  } else {
    line("- " + std::to_string(r.evaluations.size()) + " evaluations in the store: " +
         std::to_string(measured) + " measured, " + std::to_string(predicted_only) +
         " predicted only, " + std::to_string(failed) + " failed.");
    line("- " + std::to_string(r.searches.size()) + " searches (" + join(r.strategies, ", ") +
         ") proposed " + std::to_string(proposals) + " points; " + std::to_string(reused) +
         " of them were reused from the store (an evaluation already committed, not run again), " +
         std::to_string(proposals - reused) + " were evaluated.");
    const Group& g = r.groups[r.primary];
    line("- Best-known front over (" + join(names_of(g.objectives), ", ") + "), every evaluation " +
         "in the store: " + std::to_string(g.front.size()) + " points" +
         (std::isfinite(g.hypervolume)
              ? "; hypervolume " + format("%.6g", g.hypervolume) + " against the reference point " +
                    reference_text(g.objectives, g.reference)
              : "; no reference point recorded, so no hypervolume") +
         ".");
    if (r.groups.size() > 1) {
      line("- The searches use " + std::to_string(r.groups.size()) +
           " different objective sets or reference points; each is compared within its own "
           "group (searches.csv).");
    }
    line("");

    line("## Best points");
    line("");
    line("The best-known front over (" + join(names_of(g.objectives), ", ") +
         "), by accuracy (all of it: `fronts.csv`, scope `all`).");
    line("");
    std::vector<std::size_t> best = g.front;
    std::stable_sort(best.begin(), best.end(), [&](std::size_t a, std::size_t b) {
      return r.evaluations[a].stored.outcome.best_known().accuracy >
             r.evaluations[b].stored.outcome.best_known().accuracy;
    });
    std::vector<Objective> shown_metrics;
    for (Objective x : kAllMetrics) {
      const bool known = std::any_of(best.begin(), best.end(), [&](std::size_t i) {
        return !std::isnan(metric(r.evaluations[i].stored.outcome.best_known(), x));
      });
      if (known) shown_metrics.push_back(x);
    }
    std::string head = "| # |", rule = "|---|";
    for (Objective x : shown_metrics) {
      head += std::string(" ") + search::objective_name(x) + " |";
      rule += "---:|";
    }
    line(head + " assignment | basis | found by |");
    line(rule + "---|---|---|");
    for (std::size_t k = 0; k < best.size() && k < options.best_rows; ++k) {
      const auto& e = r.evaluations[best[k]];
      std::string row = "| " + std::to_string(k + 1) + " |";
      for (Objective x : shown_metrics) {
        row += " " + shown(x, metric(e.stored.outcome.best_known(), x)) + " |";
      }
      std::set<std::string> by;
      for (const auto& name : e.searches) {
        for (const auto& x : r.searches) {
          if (x.stored.name == name) by.insert(x.stored.strategy);
        }
      }
      row += " " + markdown_cell(e.stored.assignment) + " | " +
             basis(e.stored.outcome, g.objectives) + " | " +
             join(std::vector<std::string>(by.begin(), by.end()), ", ") + " |";
      line(row);
    }
    if (best.size() > options.best_rows) {
      line("");
      line(std::to_string(best.size() - options.best_rows) + " more front points in `fronts.csv`.");
    }
    line("");
  }

  if (!r.searches.empty()) {
    line("## Strategies");
    line("");
    line(
        "Hypervolume of each search's front against its own reference point, as a share of the "
        "best-known front's (every evaluation in the store, same objectives and reference).");
    line("");
    line(
        "| strategy | budget | searches | points | evaluated | reused | front size (mean) | "
        "hypervolume share, mean (min .. max) |");
    line("|---|---:|---:|---:|---:|---:|---:|---|");
    // One row per strategy and budget: searches of equal budget compare (e.g. over seeds).
    std::vector<std::pair<std::string, long long>> rows;
    for (const auto& strategy : r.strategies) {
      std::set<long long> budgets;
      for (const auto& x : r.searches) {
        if (x.stored.strategy == strategy) budgets.insert(x.budget);
      }
      for (long long b : budgets) rows.push_back({strategy, b});
    }
    for (const auto& [strategy, budget] : rows) {
      std::size_t n = 0, points = 0, re = 0, front = 0;
      double sum = 0, lo = 1e300, hi = -1e300;
      std::size_t with_share = 0;
      for (const auto& x : r.searches) {
        if (x.stored.strategy != strategy || x.budget != budget) continue;
        ++n;
        points += x.points.size();
        re += x.reused;
        front += x.front.size();
        const double sh = share(x.hypervolume, r.groups[x.group].hypervolume);
        if (std::isfinite(sh)) {
          ++with_share;
          sum += sh;
          lo = std::min(lo, sh);
          hi = std::max(hi, sh);
        }
      }
      line("| " + strategy + " | " + (budget >= 0 ? std::to_string(budget) : "—") + " | " +
           std::to_string(n) + " | " + std::to_string(points) + " | " +
           std::to_string(points - re) + " | " + std::to_string(re) + " | " +
           format("%.1f", static_cast<double>(front) / static_cast<double>(n)) + " | " +
           (with_share ? format("%.2f %%", 100 * sum / static_cast<double>(with_share)) +
                             format(" (%.2f", 100 * lo) + format(" .. %.2f)", 100 * hi)
                       : std::string("—")) +
           " |");
    }
    line("");
    line(
        "| search | strategy | budget | seed | points | reused | front | hypervolume | share | "
        "finished |");
    line("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for (const auto& x : r.searches) {
      line("| " + markdown_cell(x.stored.name) + " | " + x.stored.strategy + " | " +
           (x.budget >= 0 ? std::to_string(x.budget) : "—") + " | " +
           (x.seed >= 0 ? std::to_string(x.seed) : "—") + " | " + std::to_string(x.points.size()) +
           " | " + std::to_string(x.reused) + " | " + std::to_string(x.front.size()) + " | " +
           (std::isfinite(x.hypervolume) ? format("%.6g", x.hypervolume) : "—") + " | " +
           (std::isfinite(share(x.hypervolume, r.groups[x.group].hypervolume))
                ? format("%.2f %%", 100 * share(x.hypervolume, r.groups[x.group].hypervolume))
                : "—") +
           " | " + (x.stored.finished.empty() ? "no (interrupted or running)" : "yes") + " |");
    }
    line("");
    for (const auto& g : r.groups) {
      line("Reference point of (" + join(names_of(g.objectives), ", ") +
           "): " + reference_text(g.objectives, g.reference) + ".");
    }
    for (const auto& x : r.searches) {
      if (x.stored_front == "differs") {
        line("");
        line("Search " + x.stored.name +
             ": the front it stored differs from the front of its "
             "stored points (points measured or updated after it ended); the report uses the "
             "stored points.");
      }
    }
    line("");
  }

  if (!agree.empty()) {
    line("## Predicted vs measured");
    line("");
    line("| metric | points | mean \\|predicted - measured\\| | max | mean signed |");
    line("|---|---:|---:|---:|---:|");
    for (const auto& a : agree) {
      line(std::string("| ") + search::objective_name(a.metric) + " | " +
           std::to_string(a.pairs.size()) + " | " + shown_difference(a.metric, a.mean_abs) + " | " +
           shown_difference(a.metric, a.max_abs) + " | " +
           shown_difference(a.metric, a.mean_signed) + " |");
    }
    line("");
  } else if (!r.evaluations.empty()) {
    line("## Predicted vs measured");
    line("");
    line("No predictions recorded: every stored point was measured only.");
    line("");
  }

  line("## Plots");
  line("");
  if (!plot_error.empty()) {
    line("**" + markdown_cell(plot_error) + "**");
    line("");
  }
  for (const auto& p : plan.plots) {
    const std::string file = p["file"].get<std::string>();
    if (std::find(drawn.begin(), drawn.end(), file) == drawn.end()) continue;
    line("- `" + file + "`: " + p["title"].get<std::string>());
  }
  for (const auto& [file, reason] : plan.skipped) line("- `" + file + "`: not drawn, " + reason);
  if (!drawn.empty()) line("");
  for (const auto& file : drawn) line("![" + file + "](" + file + ")");
  line("");
  line("## Files");
  line("");
  line("Every column is described in docs/report.md.");
  line("");
  for (const auto& f : files) line("- `" + f + "`");
  return s;
}

}  // namespace

ReportResult write_report(const fs::path& dir, const ReportOptions& options) {
  std::error_code ec;
  // The folder, or the store file itself (its folder is then the output folder).
  const bool file = fs::is_regular_file(dir, ec);
  if (!file && !fs::is_directory(dir, ec)) {
    throw InputError("report folder " + dir.string() +
                     " does not exist (expected a run's output folder holding results.db)");
  }
  const fs::path base = file ? (dir.has_parent_path() ? dir.parent_path() : fs::path(".")) : dir;
  const Report r = read_report(file ? dir : dir / "results.db");

  ReportResult result;
  result.folder = options.out.empty() ? base / "report" : options.out;
  result.summary = result.folder / "summary.md";
  result.evaluations = r.evaluations.size();
  result.searches = r.searches.size();
  fs::create_directories(result.folder);
  // A plot of an earlier report that is not drawn this time must not sit next to the new summary.
  for (const char* stale : {"front_accuracy_energy.png", "front_accuracy_area.png",
                            "predicted_vs_measured.png", "hypervolume.png", "plot_report.log"}) {
    fs::remove(result.folder / stale, ec);
  }

  write_evaluations(r, result.folder);
  const json multipliers = write_multipliers(r, result.folder);
  const json searches = write_searches(r, result.folder);
  const auto fronts = fronts_of(r);
  const json fronts_json = write_fronts(r, fronts, result.folder);
  const auto agree = agreements(r);
  const PlotPlan plan = plan_plots(r, agree);

  std::vector<std::string> files = {"summary.md",     "report.json", "evaluations.csv",
                                    "searches.csv",   "fronts.csv",  "hypervolume.csv",
                                    "multipliers.csv"};
  // The plan the script draws from.
  json plot_file;
  plot_file["plots"] = plan.plots;
  const fs::path plan_path = result.folder / "plots.json";
  write_text(plan_path, plot_file.dump(1) + "\n");
  PlotPlan shown_plan = plan;
  if (options.plots && !plan.plots.empty()) {
    result.plot_error = draw(result.folder, plan_path, plan, options, result.plots);
  } else if (!options.plots) {
    for (const auto& p : plan.plots) {
      shown_plan.skipped.push_back({p["file"].get<std::string>(), "plots were switched off"});
    }
  }
  fs::remove(plan_path, ec);
  for (const auto& p : result.plots) files.push_back(p);

  json report;
  report["study"] = r.study;
  report["store"] = r.store_file.string();
  report["created"] = r.run.created;
  report["config_hash"] = r.run.config_hash;
  report["sessions"] = r.run.sessions;
  json groups = json::array();
  for (const auto& g : r.groups) {
    json j;
    j["objectives"] = names_of(g.objectives);
    j["reference"] = metrics_json(g.reference);
    j["best_known_front_size"] = g.front.size();
    j["best_known_hypervolume"] = g.hypervolume;
    groups.push_back(std::move(j));
  }
  report["comparisons"] = groups;
  report["multipliers"] = multipliers;
  report["searches"] = searches;
  report["fronts"] = fronts_json;
  json evaluations = json::array();
  for (const auto& e : r.evaluations) evaluations.push_back(evaluation_json(e));
  report["evaluations"] = evaluations;
  report["plots"] = result.plots;
  report["plot_error"] = result.plot_error;
  report["files"] = files;
  write_text(result.folder / "report.json", report.dump(1) + "\n");

  write_text(result.summary,
             summary(r, agree, shown_plan, result.plots, result.plot_error, files, options));
  result.files = files;
  return result;
}

}  // namespace hawx::app
