#include "store/schema.h"

namespace gpo::schema {

namespace {

// Migration 1: the whole data model. A trajectory's steps are stored with it (store/step_codec.h);
// per-step results refer to (trajectory_id, step_idx). Tables that later features fill (runs, rollouts,
// estimates, picks, annotations, metrics) exist from the start so every project file has one shape.
constexpr std::string_view kV1 = R"SQL(
CREATE TABLE project_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE datasets(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL,
  verifier TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));

CREATE TABLE imports(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  format TEXT NOT NULL,
  records INTEGER NOT NULL,
  problems_added INTEGER NOT NULL,
  trajectories_added INTEGER NOT NULL,
  skipped INTEGER NOT NULL,
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));

CREATE TABLE problems(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  source_id TEXT NOT NULL DEFAULT '',
  question TEXT NOT NULL,
  answer TEXT NOT NULL DEFAULT '',
  answer_from TEXT NOT NULL DEFAULT '',   -- '' = its own; else the dataset whose same problem gave it
  verifier TEXT NOT NULL DEFAULT '',      -- '' = the dataset's
  subject TEXT NOT NULL DEFAULT '',
  level TEXT NOT NULL DEFAULT '',
  split TEXT NOT NULL DEFAULT '',
  question_key BLOB NOT NULL,             -- hash of the whitespace-normalised question
  content_hash BLOB NOT NULL,             -- hash of question + answer: import identity
  UNIQUE(dataset_id, content_hash));
CREATE INDEX problems_by_question ON problems(question_key);
CREATE INDEX problems_without_answer ON problems(question_key) WHERE answer = '';

CREATE TABLE trajectories(
  id INTEGER PRIMARY KEY,
  problem_id INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
  source TEXT NOT NULL,                   -- 'reference' or the model that wrote it
  response TEXT NOT NULL,
  n_steps INTEGER NOT NULL,
  step_offsets BLOB NOT NULL,             -- (begin, end) UTF-8 byte offsets into response, uint32 LE pairs
  step_labels BLOB,                       -- one int8 per step: human rating -1/0/1, 127 none; NULL: no labels
  first_error INTEGER,                    -- labelled earliest wrong step; -1 none; NULL unknown
  label_correct INTEGER,                  -- an outside verdict on the final answer; NULL unknown
  final_answer TEXT,                      -- as extracted by the last verification
  correct INTEGER,                        -- our verdict; NULL = not verified / no reference
  verified_with TEXT,
  content_hash BLOB NOT NULL,
  UNIQUE(problem_id, content_hash));
CREATE INDEX trajectories_by_correct ON trajectories(correct);

CREATE TABLE policies(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  config TEXT NOT NULL DEFAULT '{}');

CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                     -- analysis, training, eval, sample
  name TEXT NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'created', -- created, running, done, failed, cancelled
  started_at TEXT,
  finished_at TEXT,
  error TEXT);

CREATE TABLE rollouts(
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  trajectory_id INTEGER NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  step_idx INTEGER NOT NULL,              -- the rollout continues prefix p_step_idx
  seed INTEGER,
  text TEXT NOT NULL,
  answer TEXT,
  reward REAL NOT NULL);
CREATE INDEX rollouts_by_prefix ON rollouts(trajectory_id, step_idx);

CREATE TABLE mc_estimates(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  trajectory_id INTEGER NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  step_idx INTEGER NOT NULL,
  k INTEGER NOT NULL,
  successes REAL NOT NULL,
  value REAL NOT NULL,
  ci_low REAL NOT NULL,
  ci_high REAL NOT NULL,
  advantage REAL,
  PRIMARY KEY(run_id, trajectory_id, step_idx)) WITHOUT ROWID;

CREATE TABLE critical_picks(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  trajectory_id INTEGER NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  selector TEXT NOT NULL,
  step_idx INTEGER,                       -- NULL: the selector made no pick
  PRIMARY KEY(run_id, trajectory_id, selector)) WITHOUT ROWID;

CREATE TABLE annotators(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL DEFAULT 'human',     -- human, or imported (prm800k, processbench)
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));

CREATE TABLE studies(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));

CREATE TABLE study_items(
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  trajectory_id INTEGER NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY(study_id, trajectory_id)) WITHOUT ROWID;

CREATE TABLE annotations(
  id INTEGER PRIMARY KEY,
  annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
  trajectory_id INTEGER NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  study_id INTEGER REFERENCES studies(id) ON DELETE SET NULL,
  critical_step INTEGER,                  -- NULL with no_single_step = 1: "no single critical step"
  no_single_step INTEGER NOT NULL DEFAULT 0,
  step_labels TEXT,                       -- JSON list of -1/0/1/null
  confidence INTEGER,
  note TEXT,
  seconds REAL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE(annotator_id, trajectory_id, study_id));
CREATE INDEX annotations_by_trajectory ON annotations(trajectory_id);

CREATE TABLE metrics(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  step INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY(run_id, name, step)) WITHOUT ROWID;
)SQL";

// Migration 2: rollouts become reusable across analysis runs. A rollout is identified by the prefix it
// continues, the sampling it was drawn with (policy, temperature, limits, prompt: `sampling_key`) and its
// index among that prefix's rollouts, so a later run with the same sampling reuses it, more can be added
// to a prefix, and merging a shard twice adds nothing. The project gets an id that shard files carry.
constexpr std::string_view kV2 = R"SQL(
ALTER TABLE rollouts ADD COLUMN sampling_key TEXT NOT NULL DEFAULT '';
ALTER TABLE rollouts ADD COLUMN sample_idx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollouts ADD COLUMN tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollouts ADD COLUMN finish TEXT NOT NULL DEFAULT '';
DROP INDEX rollouts_by_prefix;
CREATE UNIQUE INDEX rollouts_by_prefix ON rollouts(trajectory_id, step_idx, sampling_key, sample_idx);
INSERT OR IGNORE INTO project_info(key, value) VALUES('project_id', lower(hex(randomblob(16))));
)SQL";

// Migration 3: user studies. An annotation remembers when it last changed, so merging a returned study
// pack keeps the newer of two versions; `skipped` records a trajectory the annotator passed over (with
// the time spent on it). Study packs and imported label sets find their rows by study and annotator; a
// trajectory's newest analysis is found without scanning every pick (reports over 10k annotated ones).
constexpr std::string_view kV3 = R"SQL(
ALTER TABLE annotations ADD COLUMN updated_at TEXT;
ALTER TABLE annotations ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
UPDATE annotations SET updated_at = created_at;
CREATE INDEX annotations_by_study ON annotations(study_id, annotator_id);
CREATE INDEX study_items_by_position ON study_items(study_id, position);
CREATE INDEX critical_picks_by_trajectory ON critical_picks(trajectory_id, run_id);
)SQL";

// Migration 4: a run remembers the process that runs it (pid, host, and the process's start time, so a
// reused pid is not mistaken for it). A run left 'running' by a process that was killed (kill -9, a
// studio that died) then reads as stopped, and can be resumed.
constexpr std::string_view kV4 = R"SQL(
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host TEXT;
ALTER TABLE runs ADD COLUMN process_start INTEGER;
)SQL";

// Migration 5: preference data for training. A pair set is a named, built or imported collection; a
// pair shares its prompt, and names what it came from (GPO: the failed trajectory, the critical step
// whose prefix p_h is the prompt's end, the selector and analysis run that chose it). A row with only a
// chosen or only a rejected side is KTO's unpaired form. A pair set counts the tokens sampled to make it,
// so two methods can be compared at the same budget. Metrics get the wall time they were recorded at.
constexpr std::string_view kV5 = R"SQL(
CREATE TABLE pair_sets(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,                     -- gpo, random-reset, whole, imported
  config TEXT NOT NULL DEFAULT '{}',
  report TEXT NOT NULL DEFAULT '{}',      -- what building it kept and dropped, and why
  tokens_sampled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
CREATE TABLE pairs(
  id INTEGER PRIMARY KEY,
  set_id INTEGER NOT NULL REFERENCES pair_sets(id) ON DELETE CASCADE,
  prompt TEXT NOT NULL,
  chosen TEXT,
  rejected TEXT,
  problem_id INTEGER REFERENCES problems(id) ON DELETE SET NULL,
  trajectory_id INTEGER REFERENCES trajectories(id) ON DELETE SET NULL,
  step_idx INTEGER,                       -- the prompt ends with prefix p_step_idx of the trajectory
  selector TEXT,
  analysis_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  content_hash BLOB NOT NULL,
  CHECK(chosen IS NOT NULL OR rejected IS NOT NULL),
  UNIQUE(set_id, content_hash));
CREATE INDEX pairs_by_trajectory ON pairs(trajectory_id);
ALTER TABLE metrics ADD COLUMN wall_time REAL;  -- seconds since 1970 when the value was recorded
)SQL";

// Migration 6: the studio follows a run's curves while it writes them, reading only what was recorded
// since its last look.
constexpr std::string_view kV6 = R"SQL(
CREATE INDEX metrics_by_time ON metrics(run_id, wall_time);
)SQL";

// Migration 7: an evaluation keeps every answer it drew, not only the distinct texts. Identical answers
// are one trajectory (a trajectory is identified by its text), so without this a problem answered right
// four times out of four counted as one answer, and pass@1 recomputed from the project read low. A row
// is one sample of one run; its verdict is the trajectory's (a re-verification updates both).
constexpr std::string_view kV7 = R"SQL(
CREATE TABLE eval_samples(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  problem_id INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
  sample_idx INTEGER NOT NULL,
  trajectory_id INTEGER NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  PRIMARY KEY(run_id, problem_id, sample_idx)) WITHOUT ROWID;
CREATE INDEX eval_samples_by_trajectory ON eval_samples(trajectory_id);
)SQL";

} // namespace

const std::vector<std::string_view>& migrations() {
    static const std::vector<std::string_view> all = {kV1, kV2, kV3, kV4, kV5, kV6, kV7};
    return all;
}

} // namespace gpo::schema
