#include "db/store.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "db/db_error.h"
#include "db/migrations.h"

namespace dk::db {
namespace {

int version_of(const Migration& m) {
    return std::atoi(m.name);
}

// The database file is created 0600 whatever the caller's umask, and the umask is restored.
class PrivateUmask {
  public:
    PrivateUmask() : old_(::umask(077)) {}
    ~PrivateUmask() { ::umask(old_); }
    PrivateUmask(const PrivateUmask&) = delete;
    PrivateUmask& operator=(const PrivateUmask&) = delete;

  private:
    mode_t old_;
};

std::unique_ptr<SQLite::Database> open_private(const std::string& path) {
    PrivateUmask umask;
    return std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
}

// A file at PATH that is not a regular file is refused before SQLite opens it. Its header is
// not read here: closing any descriptor of the file drops the POSIX locks SQLite holds on it in
// this process (the daemon's open state), which then fails with "disk I/O error"; SQLite
// refuses a file that is no database itself (SQLITE_NOTADB) before writing anything.
Status refuse_foreign_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};  // none yet; other errors surface at open
    if (!S_ISREG(st.st_mode)) return Error::bad_input(path + ": not a regular file");
    return {};
}

// Errors from opening name the file (a step such as "read schema version" does not).
Error naming(const std::string& path, Error error) {
    if (error.message.find(path) == std::string::npos)
        error.message = path + ": " + std::move(error.message);
    return error;
}

}  // namespace

Result<Store> Store::open(const std::string& path) {
    if (auto refused = refuse_foreign_file(path); !refused.ok()) return refused.error();
    auto opened = open_checked(path);
    if (!opened.ok()) return naming(path, opened.error());
    return opened;
}

Result<Store> Store::open_read_only(const std::string& path) {
    if (auto refused = refuse_foreign_file(path); !refused.ok()) return refused.error();
    auto opened = open_read_only_checked(path);
    if (!opened.ok()) return naming(path, opened.error());
    return opened;
}

Result<Store> Store::open_checked(const std::string& path) {
    try {
        auto db = open_private(path);
        db->setBusyTimeout(5000);  // first: a daemon may be writing while `status` opens
        db->exec("PRAGMA journal_mode=WAL");
        db->exec("PRAGMA foreign_keys=ON");
        db->exec("PRAGMA synchronous=FULL");
        Store store(std::move(db));
        DK_TRY_STATUS(store.migrate());
        return store;
    } catch (const std::exception& e) {
        return db_error("open " + path, e);
    }
}

Result<Store> Store::open_read_only_checked(const std::string& path) {
    try {
        struct stat st {};
        const bool missing = ::stat(path.c_str(), &st) != 0 && errno == ENOENT;
        if (missing || (S_ISREG(st.st_mode) && st.st_size == 0)) {  // nothing stored yet
            Store empty(std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE));
            DK_TRY_STATUS(empty.migrate());
            return empty;
        }
        auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY);
        db->setBusyTimeout(5000);  // a daemon may be writing
        Store store(std::move(db));
        DK_TRY(const int version, store.schema_version());
        const int newest = version_of(migrations().back());
        if (version != newest) {
            return Error::environment(
                "state database " + path + ": schema version " + std::to_string(version) +
                ", this danekeeper reads " + std::to_string(newest) +
                "; a verb that holds the state lock (danekeeper run, or the daemon) migrates it");
        }
        return store;
    } catch (const std::exception& e) {
        return db_error("open " + path, e);
    }
}

Status Store::migrate() {
    try {
        int current = 0;
        if (db_->tableExists("schema_version")) {
            current = db_->execAndGet("SELECT MAX(version) FROM schema_version").getInt();
        }
        const int newest = version_of(migrations().back());
        if (current > newest) {
            return Error::environment("state database: schema version " + std::to_string(current) +
                                      " is newer than this danekeeper knows (" +
                                      std::to_string(newest) + "); refusing to touch it");
        }
        for (const Migration& m : migrations()) {
            if (version_of(m) <= current) continue;
            SQLite::Transaction tx(*db_);
            db_->exec(m.sql);
            SQLite::Statement insert(*db_, "INSERT INTO schema_version (version) VALUES (?)");
            insert.bind(1, version_of(m));
            insert.exec();
            tx.commit();
        }
        return {};
    } catch (const std::exception& e) {
        return db_error("migrate", e);
    }
}

Status Store::transaction(const std::function<Status()>& body) {
    // Savepoints rather than BEGIN, so that a transition can call other transactional methods.
    const std::string name = "dk_tx" + std::to_string(savepoints_);
    try {
        db_->exec("SAVEPOINT " + name);
    } catch (const std::exception& e) {
        return db_error("begin transaction", e);
    }
    ++savepoints_;
    Status result;
    try {
        result = body();
    } catch (const std::exception& e) {
        result = db_error("transaction", e);
    }
    --savepoints_;
    try {
        if (result.ok()) {
            db_->exec("RELEASE " + name);
            return result;
        }
    } catch (const std::exception& e) {
        result = db_error("commit", e);
    }
    try {
        db_->exec("ROLLBACK TO " + name);
        db_->exec("RELEASE " + name);
    } catch (const std::exception& e) {
        return db_error("roll back after: " + result.error().message, e);
    }
    return result;
}

Result<int> Store::schema_version() {
    try {
        return db_->execAndGet("SELECT MAX(version) FROM schema_version").getInt();
    } catch (const std::exception& e) {
        return db_error("read schema version", e);
    }
}

Result<std::optional<std::string>> Store::slot_state(const std::string& slot) {
    try {
        SQLite::Statement q(*db_, "SELECT state_json FROM slots WHERE name = ?");
        q.bind(1, slot);
        if (!q.executeStep()) return std::optional<std::string>{};
        return std::optional<std::string>{q.getColumn(0).getString()};
    } catch (const std::exception& e) {
        return db_error("read slot " + slot, e);
    }
}

Result<std::vector<std::string>> Store::slot_names() {
    try {
        std::vector<std::string> names;
        SQLite::Statement q(*db_, "SELECT name FROM slots ORDER BY name");
        while (q.executeStep()) names.push_back(q.getColumn(0).getString());
        return names;
    } catch (const std::exception& e) {
        return db_error("list slots", e);
    }
}

Result<std::map<std::string, std::string>> Store::slot_states() {
    try {
        std::map<std::string, std::string> states;
        SQLite::Statement q(*db_, "SELECT name, state_json FROM slots");
        while (q.executeStep())
            states.emplace(q.getColumn(0).getString(), q.getColumn(1).getString());
        return states;
    } catch (const std::exception& e) {
        return db_error("read slots", e);
    }
}

Status Store::save_slot(const std::string& slot, const std::string& state_json, TimePoint at,
                        const std::string& kind, const std::string& details) {
    return transaction([&]() -> Status {
        try {
            SQLite::Statement upsert(
                *db_,
                "INSERT INTO slots (name, state_json, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET state_json = excluded.state_json, "
                "updated_at = excluded.updated_at");
            upsert.bind(1, slot);
            upsert.bind(2, state_json);
            upsert.bind(3, static_cast<int64_t>(unix_seconds(at)));
            upsert.exec();
        } catch (const std::exception& e) {
            return db_error("save slot " + slot, e);
        }
        return append(Event{.at = at, .slot = slot, .kind = kind, .details = details});
    });
}

Result<std::string> Store::live_schema() {
    try {
        std::string sql;
        SQLite::Statement q(
            *db_,
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'");
        while (q.executeStep()) sql += q.getColumn(0).getString() + ";\n";
        return normalise_schema(sql);
    } catch (const std::exception& e) {
        return db_error("read schema", e);
    }
}

}  // namespace dk::db
