// SPDX-License-Identifier: MIT
#include "search/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <ctime>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace hawx::search {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE run(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  config TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  created TEXT NOT NULL);
CREATE TABLE sessions(
  id INTEGER PRIMARY KEY,
  started TEXT NOT NULL,
  finished TEXT,
  pid INTEGER NOT NULL);
CREATE TABLE multipliers(name TEXT PRIMARY KEY, metrics TEXT NOT NULL);
CREATE TABLE evaluations(
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  key TEXT NOT NULL,
  assignment TEXT NOT NULL,
  ok INTEGER NOT NULL,
  failure TEXT NOT NULL,
  accuracy REAL, energy REAL, area REAL, cycles REAL,
  predicted_accuracy REAL, predicted_energy REAL, predicted_area REAL, predicted_cycles REAL,
  seconds REAL NOT NULL,
  finished_at TEXT NOT NULL,
  session INTEGER NOT NULL REFERENCES sessions(id));
CREATE TABLE searches(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  strategy TEXT NOT NULL,
  space TEXT NOT NULL,
  options TEXT NOT NULL,
  started TEXT NOT NULL,
  finished TEXT);
CREATE TABLE search_points(
  search INTEGER NOT NULL REFERENCES searches(id),
  seq INTEGER NOT NULL,
  evaluation INTEGER NOT NULL REFERENCES evaluations(id),
  reused INTEGER NOT NULL,
  session INTEGER NOT NULL REFERENCES sessions(id),
  PRIMARY KEY (search, seq));
CREATE TABLE fronts(
  search INTEGER NOT NULL REFERENCES searches(id),
  kind TEXT NOT NULL,
  objectives TEXT NOT NULL,
  reference TEXT NOT NULL,
  hypervolume REAL NOT NULL,
  members TEXT NOT NULL,
  written TEXT NOT NULL,
  PRIMARY KEY (search, kind));
)sql";

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string fnv(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

// A prepared statement, finalised on scope exit. Errors name the store's file.
class Statement {
 public:
  Statement(sqlite3* db, const fs::path& file, const std::string& sql) : db_(db), file_(file) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) raise();
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& v) {
    check(sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  // NaN (not known) is stored as NULL.
  Statement& bind(int i, double v) {
    check(std::isnan(v) ? sqlite3_bind_null(stmt_, i) : sqlite3_bind_double(stmt_, i, v));
    return *this;
  }
  // True while there is a row.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    raise();
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL ? std::numeric_limits<double>::quiet_NaN()
                                                          : sqlite3_column_double(stmt_, col);
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) raise();
  }
  [[noreturn]] void raise() const {
    const int code = sqlite3_errcode(db_);
    const std::string message = "results database " + file_.string() + ": " + sqlite3_errmsg(db_);
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) throw InputError(message);
    throw Error(message);
  }
  sqlite3* db_;
  const fs::path& file_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A transaction rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(std::function<void(const std::string&)> exec) : exec_(std::move(exec)) {
    exec_("BEGIN IMMEDIATE");
  }
  ~Transaction() {
    if (!done_) {
      try {
        exec_("ROLLBACK");
      } catch (...) {
      }
    }
  }
  void commit() {
    exec_("COMMIT");
    done_ = true;
  }

 private:
  std::function<void(const std::string&)> exec_;
  bool done_ = false;
};

StoredEvaluation read_evaluation(const Statement& s) {
  // Columns: hash, key, assignment, ok, failure, accuracy..cycles, predicted_*, seconds,
  // finished_at, session.
  StoredEvaluation e;
  e.hash = s.text(0);
  e.key = s.text(1);
  e.assignment = s.text(2);
  e.outcome.ok = s.integer(3) != 0;
  e.outcome.failure = s.text(4);
  e.outcome.measured = Metrics(s.real(5), s.real(6), s.real(7), s.real(8));
  e.outcome.predicted = Metrics(s.real(9), s.real(10), s.real(11), s.real(12));
  e.seconds = s.real(13);
  e.finished_at = s.text(14);
  e.session = s.integer(15);
  return e;
}

constexpr const char* kEvaluationColumns =
    "e.hash, e.key, e.assignment, e.ok, e.failure, e.accuracy, e.energy, e.area, e.cycles, "
    "e.predicted_accuracy, e.predicted_energy, e.predicted_area, e.predicted_cycles, e.seconds, "
    "e.finished_at, e.session";

}  // namespace

ResultsStore::ResultsStore(const fs::path& file, const std::string& config) : file_(file) {
  std::error_code ec;
  const bool exists = fs::exists(file_, ec);
  if (!exists && file_.has_parent_path()) fs::create_directories(file_.parent_path());
  open(!exists);
  try {
    check_or_create(&config);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

ResultsStore::ResultsStore(const fs::path& file, ForReading) : file_(file) {
  std::error_code ec;
  if (!fs::exists(file_, ec)) {
    throw InputError("results database " + file_.string() +
                     " does not exist (a run or a search writes it into its output folder)");
  }
  open(false);
  try {
    check_or_create(nullptr);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

void ResultsStore::open(bool create) {
  std::error_code ec;
  if (fs::exists(file_, ec) && !fs::is_regular_file(file_, ec)) {
    throw InputError("results database " + file_.string() + " is not a regular file");
  }
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(file_.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError("results database " + file_.string() + ": cannot open: " + why);
  }
  sqlite3_busy_timeout(db_, 10000);
}

ResultsStore::~ResultsStore() {
  if (!db_) return;
  try {
    // A store opened for reading started no session and writes nothing.
    if (session_ != 0) {
      Statement(db_, file_, "UPDATE sessions SET finished = ?1 WHERE id = ?2")
          .bind(1, now_utc())
          .bind(2, session_)
          .step();
    }
  } catch (...) {
  }
  sqlite3_close(db_);
}

void ResultsStore::exec(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const int code = sqlite3_errcode(db_);
    const std::string why = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    const std::string text = "results database " + file_.string() + ": " + why;
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) throw InputError(text);
    throw Error(text);
  }
}

void ResultsStore::fail(const std::string& what) const {
  throw InputError("results database " + file_.string() + " " + what +
                   "; it was left as it is (use another output folder, or move the file away)");
}

void ResultsStore::check_or_create(const std::string* config) {
  std::int64_t application_id = 0;
  std::int64_t version = 0;
  std::vector<std::string> tables;
  try {
    Statement a(db_, file_, "PRAGMA application_id");
    if (a.step()) application_id = a.integer(0);
    Statement v(db_, file_, "PRAGMA user_version");
    if (v.step()) version = v.integer(0);
    Statement t(db_, file_, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (t.step()) tables.push_back(t.text(0));
  } catch (const Error& e) {
    if (sqlite3_errcode(db_) == SQLITE_NOTADB) {
      fail("is not an SQLite database (SQLite: " + std::string(sqlite3_errmsg(db_)) + ")");
    }
    fail(std::string("cannot be read: ") + e.what());
  }

  if (application_id == 0 && tables.empty() && version == 0 && !config) {
    fail("is not a hawx-cosim results store (an empty database)");
  }
  if (application_id == 0 && tables.empty() && version == 0) {
    // A new (or empty) file: create the schema in one transaction.
    exec("PRAGMA journal_mode = WAL");
    Transaction t([this](const std::string& sql) { exec(sql); });
    exec(kSchema);
    exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
    Statement(db_, file_, "INSERT INTO meta(key, value) VALUES ('format', 'hawx-cosim results')")
        .step();
    Statement(db_, file_,
              "INSERT INTO run(id, config, config_hash, created) VALUES (1, ?1, ?2, ?3)")
        .bind(1, *config)
        .bind(2, fnv(*config))
        .bind(3, now_utc())
        .step();
    t.commit();
  } else {
    if (application_id != kApplicationId) {
      std::string list;
      for (const auto& n : tables) list += (list.empty() ? "" : ", ") + n;
      char id[16];
      std::snprintf(id, sizeof id, "0x%08llx", static_cast<unsigned long long>(application_id));
      fail("is an SQLite database but not a hawx-cosim results store (application_id " +
           std::string(id) + ", expected 0x48415758; tables: " + (list.empty() ? "none" : list) +
           ")");
    }
    if (version != kSchemaVersion) {
      fail("has results schema version " + std::to_string(version) +
           "; this hawx-cosim reads version " + std::to_string(kSchemaVersion));
    }
    std::string problems;
    std::string stored_config, stored_hash;
    bool has_run = false;
    try {
      Statement q(db_, file_, "PRAGMA quick_check");
      while (q.step()) {
        const std::string line = q.text(0);
        if (line != "ok" && problems.size() < 400) {
          problems += (problems.empty() ? "" : "; ") + line;
        }
      }
      if (problems.empty()) {
        Statement r(db_, file_, "SELECT config, config_hash FROM run WHERE id = 1");
        has_run = r.step();
        if (has_run) {
          stored_config = r.text(0);
          stored_hash = r.text(1);
        }
      }
    } catch (const Error&) {
      problems = sqlite3_errmsg(db_);
    }
    if (!problems.empty()) fail("is damaged (SQLite integrity check: " + problems + ")");
    if (!has_run) fail("has no run record");
    if (!config) {
      // Read mode: no config to compare, no session; the connection refuses writes, and closing
      // it does not checkpoint the WAL into the file (a writer may be using it).
      exec("PRAGMA query_only = ON");
      sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
      return;
    }
    if (stored_config != *config) {
      fail("holds the results of a different config (config hash " + stored_hash + ", this run's " +
           fnv(*config) + ")");
    }
    exec("PRAGMA journal_mode = WAL");
  }
  exec("PRAGMA synchronous = NORMAL");
  exec("PRAGMA foreign_keys = ON");
  Statement s(db_, file_, "INSERT INTO sessions(started, pid) VALUES (?1, ?2)");
  s.bind(1, now_utc()).bind(2, static_cast<std::int64_t>(getpid())).step();
  session_ = sqlite3_last_insert_rowid(db_);
}

std::string ResultsStore::config() const {
  Statement r(db_, file_, "SELECT config FROM run WHERE id = 1");
  return r.step() ? r.text(0) : "";
}

StoredRun ResultsStore::run() const {
  StoredRun out;
  Statement r(db_, file_, "SELECT config, config_hash, created FROM run WHERE id = 1");
  if (r.step()) {
    out.config = r.text(0);
    out.config_hash = r.text(1);
    out.created = r.text(2);
  }
  Statement s(db_, file_, "SELECT COUNT(*) FROM sessions");
  if (s.step()) out.sessions = static_cast<std::size_t>(s.integer(0));
  return out;
}

void ResultsStore::put_multiplier(const std::string& name, const std::string& json) {
  Statement(db_, file_, "INSERT OR REPLACE INTO multipliers(name, metrics) VALUES (?1, ?2)")
      .bind(1, name)
      .bind(2, json)
      .step();
}

std::map<std::string, std::string> ResultsStore::multipliers() const {
  std::map<std::string, std::string> out;
  Statement s(db_, file_, "SELECT name, metrics FROM multipliers");
  while (s.step()) out[s.text(0)] = s.text(1);
  return out;
}

std::int64_t ResultsStore::open_search(const std::string& name, const std::string& strategy,
                                       const std::string& space, const std::string& options) {
  Statement s(db_, file_, "SELECT id, strategy, space, options FROM searches WHERE name = ?1");
  s.bind(1, name);
  if (s.step()) {
    std::string differs;
    if (s.text(1) != strategy) differs += " strategy '" + s.text(1) + "' (now '" + strategy + "')";
    if (s.text(2) != space) differs += " space '" + s.text(2) + "' (now '" + space + "')";
    if (s.text(3) != options) differs += " options " + s.text(3) + " (now " + options + ")";
    if (!differs.empty()) fail("has a search '" + name + "' with another" + differs);
    return s.integer(0);
  }
  Statement(db_, file_,
            "INSERT INTO searches(name, strategy, space, options, started) "
            "VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, name)
      .bind(2, strategy)
      .bind(3, space)
      .bind(4, options)
      .bind(5, now_utc())
      .step();
  return sqlite3_last_insert_rowid(db_);
}

void ResultsStore::finish_search(std::int64_t search) {
  Statement(db_, file_, "UPDATE searches SET finished = ?1 WHERE id = ?2")
      .bind(1, now_utc())
      .bind(2, search)
      .step();
}

bool ResultsStore::search_finished(std::int64_t search) const {
  Statement s(db_, file_, "SELECT finished IS NOT NULL FROM searches WHERE id = ?1");
  s.bind(1, search);
  return s.step() && s.integer(0) != 0;
}

std::optional<StoredEvaluation> ResultsStore::find(const std::string& hash,
                                                   const std::string& key) const {
  Statement s(
      db_, file_,
      std::string("SELECT ") + kEvaluationColumns + " FROM evaluations e WHERE e.hash = ?1");
  s.bind(1, hash);
  if (!s.step()) return std::nullopt;
  StoredEvaluation e = read_evaluation(s);
  if (e.key != key) {
    throw Error("results database " + file_.string() + ": hash " + hash +
                " names two assignments ('" + e.key + "' and '" + key + "')");
  }
  return e;
}

void ResultsStore::record(std::int64_t search, std::uint64_t seq, StoredEvaluation e) {
  if (e.session == 0) e.session = session_;
  if (e.finished_at.empty()) e.finished_at = now_utc();
  Transaction t([this](const std::string& sql) { exec(sql); });
  Statement(db_, file_,
            "INSERT OR IGNORE INTO evaluations(hash, key, assignment, ok, failure, accuracy, "
            "energy, area, cycles, predicted_accuracy, predicted_energy, predicted_area, "
            "predicted_cycles, seconds, finished_at, session) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")
      .bind(1, e.hash)
      .bind(2, e.key)
      .bind(3, e.assignment)
      .bind(4, std::int64_t{e.outcome.ok ? 1 : 0})
      .bind(5, e.outcome.failure)
      .bind(6, e.outcome.measured.accuracy)
      .bind(7, e.outcome.measured.energy)
      .bind(8, e.outcome.measured.area)
      .bind(9, e.outcome.measured.cycles)
      .bind(10, e.outcome.predicted.accuracy)
      .bind(11, e.outcome.predicted.energy)
      .bind(12, e.outcome.predicted.area)
      .bind(13, e.outcome.predicted.cycles)
      .bind(14, e.seconds)
      .bind(15, e.finished_at)
      .bind(16, e.session)
      .step();
  if (sqlite3_changes(db_) == 0) {
    // The hash is stored already: it must be the same assignment, and what it did not know yet
    // (e.g. measured figures of a point first only predicted) is filled in; known values stay.
    Statement k(db_, file_, "SELECT key FROM evaluations WHERE hash = ?1");
    k.bind(1, e.hash);
    if (k.step() && k.text(0) != e.key) {
      throw Error("results database " + file_.string() + ": hash " + e.hash +
                  " names two assignments ('" + k.text(0) + "' and '" + e.key + "')");
    }
    Statement(db_, file_,
              "UPDATE evaluations SET accuracy = COALESCE(accuracy, ?2), "
              "energy = COALESCE(energy, ?3), area = COALESCE(area, ?4), "
              "cycles = COALESCE(cycles, ?5), predicted_accuracy = COALESCE(predicted_accuracy, "
              "?6), predicted_energy = COALESCE(predicted_energy, ?7), "
              "predicted_area = COALESCE(predicted_area, ?8), "
              "predicted_cycles = COALESCE(predicted_cycles, ?9) WHERE hash = ?1")
        .bind(1, e.hash)
        .bind(2, e.outcome.measured.accuracy)
        .bind(3, e.outcome.measured.energy)
        .bind(4, e.outcome.measured.area)
        .bind(5, e.outcome.measured.cycles)
        .bind(6, e.outcome.predicted.accuracy)
        .bind(7, e.outcome.predicted.energy)
        .bind(8, e.outcome.predicted.area)
        .bind(9, e.outcome.predicted.cycles)
        .step();
  }
  if (search != 0) {
    Statement(db_, file_,
              "INSERT OR IGNORE INTO search_points(search, seq, evaluation, reused, session) "
              "SELECT ?1, ?2, id, 0, ?3 FROM evaluations WHERE hash = ?4")
        .bind(1, search)
        .bind(2, static_cast<std::int64_t>(seq))
        .bind(3, session_)
        .bind(4, e.hash)
        .step();
  }
  t.commit();
}

void ResultsStore::record_reuse(std::int64_t search, std::uint64_t seq, const std::string& hash) {
  Transaction t([this](const std::string& sql) { exec(sql); });
  Statement(db_, file_,
            "INSERT OR IGNORE INTO search_points(search, seq, evaluation, reused, session) "
            "SELECT ?1, ?2, id, 1, ?3 FROM evaluations WHERE hash = ?4")
      .bind(1, search)
      .bind(2, static_cast<std::int64_t>(seq))
      .bind(3, session_)
      .bind(4, hash)
      .step();
  t.commit();
}

std::vector<StoredEvaluation> ResultsStore::evaluations(std::int64_t search) const {
  std::vector<StoredEvaluation> out;
  if (search == 0) {
    Statement s(db_, file_,
                std::string("SELECT ") + kEvaluationColumns + " FROM evaluations e ORDER BY e.id");
    while (s.step()) out.push_back(read_evaluation(s));
  } else {
    Statement s(db_, file_,
                std::string("SELECT ") + kEvaluationColumns +
                    " FROM search_points p JOIN evaluations e ON e.id = p.evaluation "
                    "WHERE p.search = ?1 ORDER BY p.seq");
    s.bind(1, search);
    while (s.step()) out.push_back(read_evaluation(s));
  }
  return out;
}

std::size_t ResultsStore::evaluation_count() const {
  Statement s(db_, file_, "SELECT COUNT(*) FROM evaluations");
  s.step();
  return static_cast<std::size_t>(s.integer(0));
}

void ResultsStore::put_front(std::int64_t search, const StoredFront& f) {
  Statement(db_, file_,
            "INSERT OR REPLACE INTO fronts(search, kind, objectives, reference, hypervolume, "
            "members, written) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, search)
      .bind(2, f.kind)
      .bind(3, nlohmann::json(f.objectives).dump())
      .bind(4, nlohmann::json(f.reference).dump())
      .bind(5, f.hypervolume)
      .bind(6, nlohmann::json(f.members).dump())
      .bind(7, now_utc())
      .step();
}

std::optional<StoredFront> ResultsStore::front(std::int64_t search, const std::string& kind) const {
  Statement s(db_, file_,
              "SELECT objectives, reference, hypervolume, members FROM fronts "
              "WHERE search = ?1 AND kind = ?2");
  s.bind(1, search).bind(2, kind);
  if (!s.step()) return std::nullopt;
  StoredFront f;
  f.kind = kind;
  f.objectives = nlohmann::json::parse(s.text(0)).get<std::vector<std::string>>();
  f.reference = nlohmann::json::parse(s.text(1)).get<std::vector<double>>();
  f.hypervolume = s.real(2);
  f.members = nlohmann::json::parse(s.text(3)).get<std::vector<std::string>>();
  return f;
}

std::vector<StoredFront> ResultsStore::fronts(std::int64_t search) const {
  std::vector<StoredFront> out;
  Statement s(db_, file_, "SELECT kind FROM fronts WHERE search = ?1 ORDER BY kind");
  s.bind(1, search);
  while (s.step()) {
    if (auto f = front(search, s.text(0))) out.push_back(std::move(*f));
  }
  return out;
}

std::vector<StoredSearch> ResultsStore::searches() const {
  std::vector<StoredSearch> out;
  Statement s(db_, file_,
              "SELECT id, name, strategy, space, options, started, finished FROM searches "
              "ORDER BY id");
  while (s.step()) {
    StoredSearch x;
    x.id = s.integer(0);
    x.name = s.text(1);
    x.strategy = s.text(2);
    x.space = s.text(3);
    x.options = s.text(4);
    x.started = s.text(5);
    x.finished = s.text(6);
    out.push_back(std::move(x));
  }
  return out;
}

std::vector<StoredSearchPoint> ResultsStore::search_points(std::int64_t search) const {
  std::vector<StoredSearchPoint> out;
  Statement s(db_, file_,
              "SELECT p.seq, e.hash, p.reused, p.session FROM search_points p "
              "JOIN evaluations e ON e.id = p.evaluation WHERE p.search = ?1 ORDER BY p.seq");
  s.bind(1, search);
  while (s.step()) {
    StoredSearchPoint p;
    p.seq = static_cast<std::uint64_t>(s.integer(0));
    p.hash = s.text(1);
    p.reused = s.integer(2) != 0;
    p.session = s.integer(3);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace hawx::search
