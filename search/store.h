// SPDX-License-Identifier: MIT
// The results store: one SQLite database (WAL mode) per output folder, `results.db`, holding the
// run and its resolved config, the multipliers and their metrics, every evaluated assignment and
// every search's sequence of points and fronts.
//
// Promises:
// - Every evaluation is committed in its own transaction as it is recorded, so killing the
//   process (even with SIGKILL) loses nothing already recorded; the next open recovers the WAL.
//   (synchronous=NORMAL: a power loss may roll back the last commits, a process kill may not.)
// - Evaluations are keyed by the point's hash (DesignSpace::hash); find() also compares the
//   canonical key, so a hash collision is an Error, never a wrong reuse.
// - Opening never destroys data: a file that is not SQLite, an SQLite database that is not a
//   hawx-cosim results store (application_id), one of another schema version, one that fails
//   SQLite's integrity check, or one made by a different config is an InputError naming the file
//   and what was found; the file is left as it was.
// Schema (version kSchemaVersion): meta, run, sessions, multipliers, evaluations, searches,
// search_points, fronts; docs/search.md describes every column.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "search/objectives.h"
#include "search/strategy.h"

struct sqlite3;

namespace hawx::search {

// One evaluated assignment as stored.
struct StoredEvaluation {
  std::string hash;
  std::string key;         // DesignSpace::key
  std::string assignment;  // DesignSpace::describe
  Outcome outcome;
  double seconds = 0.0;      // wall time of the evaluation
  std::string finished_at;   // UTC, ISO 8601
  std::int64_t session = 0;  // the process (sessions.id) that evaluated it
};

// A search as recorded (open_search); `finished` is empty while it has not ended.
struct StoredSearch {
  std::int64_t id = 0;
  std::string name;
  std::string strategy;
  std::string space;    // DesignSpace::signature
  std::string options;  // JSON text (search/search.h: describe_setup)
  std::string started;
  std::string finished;
};

// One proposal of a search: its place, the evaluation's hash, whether it came from the store.
struct StoredSearchPoint {
  std::uint64_t seq = 0;
  std::string hash;
  bool reused = false;
  std::int64_t session = 0;
};

// The run record: the resolved config the store was made for.
struct StoredRun {
  std::string config;
  std::string config_hash;
  std::string created;
  std::size_t sessions = 0;
};

struct StoredFront {
  std::string kind;  // e.g. "measured", "predicted"
  std::vector<std::string> objectives;
  std::vector<double> reference;  // natural units, per objective
  double hypervolume = 0.0;
  std::vector<std::string> members;  // hashes
};

class ResultsStore {
 public:
  static constexpr int kSchemaVersion = 1;
  static constexpr std::int32_t kApplicationId = 0x48415758;  // "HAWX"

  // Opens `file` (created with its folder when absent) for the run whose resolved config is
  // `config`; starts a new session. InputError as promised above.
  ResultsStore(const std::filesystem::path& file, const std::string& config);
  // Opens an existing store to read it (a report), whatever config made it: nothing is created
  // or written (the connection is query-only; writing through it is an Error; closing it does
  // not checkpoint the WAL) and no session is started. InputError when the file does not exist, and
  // as promised above for a file that is not a readable hawx-cosim results store.
  struct ForReading {};
  ResultsStore(const std::filesystem::path& file, ForReading);
  ~ResultsStore();
  ResultsStore(const ResultsStore&) = delete;
  ResultsStore& operator=(const ResultsStore&) = delete;

  const std::filesystem::path& file() const { return file_; }
  std::int64_t session() const { return session_; }
  std::string config() const;
  StoredRun run() const;

  // Multipliers: name -> their metrics as JSON text (replaced when recorded again).
  void put_multiplier(const std::string& name, const std::string& json);
  std::map<std::string, std::string> multipliers() const;

  // A search by name: created, or reopened when it exists with the same strategy, space and
  // options (InputError naming the differences otherwise). Returns its id.
  std::int64_t open_search(const std::string& name, const std::string& strategy,
                           const std::string& space, const std::string& options);
  void finish_search(std::int64_t search);
  bool search_finished(std::int64_t search) const;

  std::optional<StoredEvaluation> find(const std::string& hash, const std::string& key) const;
  // One transaction: the evaluation and its place `seq` in the search (search 0: none).
  // Stamps session and finished_at when they are empty. A hash already stored keeps its values;
  // metrics it lacks (NULL) are filled from `evaluation` (a predicted point later measured), and
  // a different key for it is an Error.
  void record(std::int64_t search, std::uint64_t seq, StoredEvaluation evaluation);
  // A point of the search whose evaluation is already stored (a reuse): one transaction.
  void record_reuse(std::int64_t search, std::uint64_t seq, const std::string& hash);
  // Every evaluation (search = 0) or a search's, in its sequence order.
  std::vector<StoredEvaluation> evaluations(std::int64_t search = 0) const;
  std::size_t evaluation_count() const;

  // The search's front of `kind`, replaced when written again.
  void put_front(std::int64_t search, const StoredFront& front);
  std::optional<StoredFront> front(std::int64_t search, const std::string& kind) const;
  // Every front the search wrote, by kind.
  std::vector<StoredFront> fronts(std::int64_t search) const;

  // Every search, in the order they were opened.
  std::vector<StoredSearch> searches() const;
  // A search's proposals in sequence order.
  std::vector<StoredSearchPoint> search_points(std::int64_t search) const;

 private:
  void exec(const std::string& sql) const;
  [[noreturn]] void fail(const std::string& what) const;
  void open(bool create);
  // `config` null: read an existing store (no config comparison, no session).
  void check_or_create(const std::string* config);

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  std::int64_t session_ = 0;
};

}  // namespace hawx::search
