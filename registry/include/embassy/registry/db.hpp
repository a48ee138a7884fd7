// A thin RAII layer over SQLCipher. This header deliberately does not include the SQLCipher header:
// the handles are forward-declared raw pointers; a Database closes its connection and finalizes
// its cached statements in its destructor, a Statement finalizes (or returns) its own.
//
// Database::open keys the connection with a raw 32-byte key (SQLCipher's x'…' blob form, so its own
// PBKDF2 never runs on a passphrase), refuses SQLCipher older than 4, and sets the pragmas the threat
// model requires: journal_mode=WAL, synchronous=FULL, temp_store=MEMORY, secure_delete=ON,
// foreign_keys=ON. SQLite's heap is locked and wiped on free by secure_heap.hpp, which does what
// cipher_memory_security=ON would do without two system calls per allocation; only if that heap
// could not be installed is the pragma turned on instead.
#pragma once

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/result.hpp"

#include <cstdint>
#include <filesystem>
#include <forward_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace embassy::registry {

class Database;

class Statement {
public:
    Statement() = default;
    Statement(sqlite3_stmt* stmt, const Database* db, bool owned);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Bind by 1-based index; chainable.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind_blob(int index, std::span<const std::uint8_t> blob);
    Statement& bind_null(int index);

    // true: a row is available; false: done. An Error names the statement's table, not its values.
    Result<bool> step();
    Status run();  // step to completion, expecting no rows
    // Step to completion, calling on_row(*this) for each row; the first step error is returned.
    template <class F>
    Status each_row(F&& on_row) {
        while (true) {
            auto more = step();
            if (!more) return more.error();
            if (!*more) return {};
            on_row(static_cast<const Statement&>(*this));
        }
    }

    std::int64_t column_int(int col) const;
    std::string column_text(int col) const;
    Bytes column_blob(int col) const;
    bool column_is_null(int col) const;

    void reset();  // ready to bind and step again (clears bindings)

private:
    void release();

    sqlite3_stmt* stmt_ = nullptr;
    const Database* db_ = nullptr;
    bool owned_ = true;  // cached statements belong to the Database
    // Bound text and blobs are copied here and bound SQLITE_STATIC (no second copy in SQLite's
    // heap, which matters when it falls back to cipher_memory_security). Wiped when released.
    std::forward_list<std::string> held_;
};

// How a database keeps its transactions atomic. WAL (the kiosk): readers never wait for the writer,
// and a commit is one append and one fsync. Rollback journal (the coordinator's registry, written
// in bulk by one process at a time): a page appended by a transaction is written once, straight
// into the database file, where WAL writes it twice (log, then checkpoint); the journal holds only
// the (encrypted) original images of pages the transaction changes, and is truncated at commit.
enum class Journal { wal, rollback };

struct OpenOptions {
    Journal journal = Journal::wal;
    // SQLCipher's page size (its header is encrypted, so it is given at every open and a file made
    // with one size does not open with another). Each page is encrypted and authenticated on its
    // own: larger pages spread that cost over more rows (the coordinator's registry, written in
    // bulk), smaller ones write less for a small change (the kiosk's one-row commits).
    int page_size = 4096;
};

class Database {
public:
    // Open (creating with mode 0600 if absent) and key. A wrong key is an Error, not a crash.
    // Journal::rollback falls back to WAL, equally safe, while another connection keeps the file in
    // WAL mode.
    static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path, const SecretBytes& key,
                                                  const OpenOptions& options = {});
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Status exec(std::string_view sql);
    // Preparing does not change the database, so a const Database prepares too (its readers are
    // const). The statement cache and the set of statements checked out are bookkeeping of this
    // connection, hence mutable. That a const Database hands out a statement that could write is
    // SQLite's shape, not a promise: callers holding it const run reads only.
    Result<Statement> prepare(std::string_view sql) const;
    // A statement prepared once and kept for the life of the connection (hot paths: submit).
    // The returned statement is reset and has its bindings cleared.
    Result<Statement> cached(const std::string& sql) const;

    std::int64_t last_insert_rowid() const;
    int changes() const;
    Result<std::int64_t> query_int(std::string_view sql) const;

    int user_version() const;  // -1 when it cannot be read
    Status set_user_version(int v);
    Status checkpoint_truncate();  // PRAGMA wal_checkpoint(TRUNCATE)

    // Page-cache counters since the last call (benchmarks): pages found in the cache, pages read
    // (and decrypted) from disk, pages written (encrypted) at commits.
    struct PageStats {
        std::int64_t hits = 0, misses = 0, writes = 0;
    };
    PageStats take_page_stats();
    Status quick_check() const;

    std::string last_error() const;
    const std::filesystem::path& path() const { return path_; }

    static std::string cipher_version();  // of the linked SQLCipher ("4.6.1 community")

private:
    Database() = default;
    sqlite3* db_ = nullptr;
    std::filesystem::path path_;
    mutable std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
    mutable std::set<sqlite3_stmt*> checked_out_;  // cached statements currently held by a Statement
    friend class Statement;
};

// The one schema migration runner (the kiosk's schema.cpp, the coordinator's coord_db.cpp).
// user_version is the schema version; migrations[i] takes a database from version i to i+1.
// Runs current+1 … target. Each migration runs in its own transaction with its user_version bump,
// so a crash leaves either the old or the new schema. Foreign keys are off while it runs and on
// again afterwards whatever happened (SQLite's procedure for rebuilding a table, which cannot be
// done with them on), and PRAGMA foreign_key_check must find nothing before each commit: a
// migration that leaves a dangling reference is rolled back. `what` names the database in errors
// ("kiosk database", "coordinator registry").
Status migrate_schema(Database& db, std::string_view what, std::span<const char* const> migrations, int target);

// BEGIN IMMEDIATE on construction; ROLLBACK in the destructor unless commit() succeeded.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    const Status& begun() const { return begun_; }
    Status commit();

private:
    Database& db_;
    Status begun_;
    bool done_ = false;
};

}  // namespace embassy::registry
