#include "db/store.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

#include "db/migrations.h"

namespace dk::db {
namespace {

Error db_error(const std::string& what, const std::exception& e) {
    return Error::environment("state database: " + what + ": " + e.what());
}

int version_of(const Migration& m) {
    return std::atoi(m.name);
}

}  // namespace

Result<Store> Store::open(const std::string& path) {
    try {
        const mode_t old = ::umask(077);
        auto db =
            std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        ::umask(old);
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

Status Store::migrate() {
    try {
        int current = 0;
        if (db_->tableExists("schema_version")) {
            current = db_->execAndGet("SELECT MAX(version) FROM schema_version").getInt();
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

Status Store::save_slot(const std::string& slot, const std::string& state_json, TimePoint at,
                        const std::string& kind, const std::string& details) {
    try {
        SQLite::Transaction tx(*db_);
        SQLite::Statement upsert(
            *db_,
            "INSERT INTO slots (name, state_json, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET state_json = excluded.state_json, "
            "updated_at = excluded.updated_at");
        upsert.bind(1, slot);
        upsert.bind(2, state_json);
        upsert.bind(3, static_cast<int64_t>(unix_seconds(at)));
        upsert.exec();
        SQLite::Statement event(*db_,
                                "INSERT INTO events (at, slot, kind, details) VALUES (?, ?, ?, ?)");
        event.bind(1, static_cast<int64_t>(unix_seconds(at)));
        event.bind(2, slot);
        event.bind(3, kind);
        event.bind(4, details);
        event.exec();
        tx.commit();
        return {};
    } catch (const std::exception& e) {
        return db_error("save slot " + slot, e);
    }
}

Status Store::append_event(TimePoint at, const std::string& slot, const std::string& kind,
                           const std::string& details) {
    try {
        SQLite::Statement event(*db_,
                                "INSERT INTO events (at, slot, kind, details) VALUES (?, ?, ?, ?)");
        event.bind(1, static_cast<int64_t>(unix_seconds(at)));
        event.bind(2, slot);
        event.bind(3, kind);
        event.bind(4, details);
        event.exec();
        return {};
    } catch (const std::exception& e) {
        return db_error("append event", e);
    }
}

Result<std::vector<Event>> Store::events_since(TimePoint since) {
    try {
        std::vector<Event> out;
        SQLite::Statement q(
            *db_, "SELECT id, at, slot, kind, details FROM events WHERE at >= ? ORDER BY id");
        q.bind(1, static_cast<int64_t>(unix_seconds(since)));
        while (q.executeStep()) {
            out.push_back({q.getColumn(0).getInt64(), from_unix_seconds(q.getColumn(1).getInt64()),
                           q.getColumn(2).getString(), q.getColumn(3).getString(),
                           q.getColumn(4).getString()});
        }
        return out;
    } catch (const std::exception& e) {
        return db_error("read events", e);
    }
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

std::string normalise_schema(const std::string& sql) {
    std::string no_comments;
    std::istringstream in(sql);
    std::string line;
    while (std::getline(in, line)) {
        const auto dash = line.find("--");
        no_comments += (dash == std::string::npos ? line : line.substr(0, dash)) + " ";
    }
    // Statements separated by ';' except inside trigger bodies (BEGIN ... END).
    std::vector<std::string> statements;
    std::string current;
    std::string word;
    int depth = 0;
    for (char c : no_comments) {
        current += c;
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            continue;
        }
        if (word == "BEGIN") ++depth;
        if (word == "END" && depth > 0) --depth;
        word.clear();
        if (c == ';' && depth == 0) {
            statements.push_back(current);
            current.clear();
        }
    }
    for (auto& s : statements) {
        std::string squashed;
        bool space = false;
        for (char c : s) {
            if (std::isspace(static_cast<unsigned char>(c))) {
                space = true;
                continue;
            }
            if (space && !squashed.empty() && c != ')' && c != ',' && c != ';' &&
                squashed.back() != '(')
                squashed += ' ';
            space = false;
            squashed += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        s = squashed;
    }
    statements.erase(std::remove_if(statements.begin(), statements.end(),
                                    [](const std::string& s) { return s.empty() || s == ";"; }),
                     statements.end());
    std::sort(statements.begin(), statements.end());
    std::string out;
    for (const auto& s : statements) out += s + "\n";
    return out;
}

}  // namespace dk::db
