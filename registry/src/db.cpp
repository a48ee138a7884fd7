#include "embassy/registry/db.hpp"

#include "embassy/registry/secure_heap.hpp"
#include "embassy/registry/sqlite_log.hpp"

#include <sqlcipher/sqlite3.h>
#include <sodium.h>
#include <fcntl.h>
#include <unistd.h>

#include <cassert>
#include <cstdio>
#include <cstdlib>

namespace embassy::registry {

// [SECTION] Statement

Statement::Statement(sqlite3_stmt* stmt, const Database* db, bool owned) : stmt_(stmt), db_(db), owned_(owned) {}

Statement::~Statement() { release(); }

void Statement::release() {
    if (stmt_ != nullptr) {
        if (owned_) {
            sqlite3_finalize(stmt_);
        } else {
            sqlite3_reset(stmt_);
            sqlite3_clear_bindings(stmt_);  // do not keep personal data bound in a cached statement
            db_->checked_out_.erase(stmt_);
        }
        stmt_ = nullptr;
    }
    for (auto& h : held_) sodium_memzero(h.data(), h.size());
    held_.clear();
}

Statement::Statement(Statement&& o) noexcept : stmt_(o.stmt_), db_(o.db_), owned_(o.owned_), held_(std::move(o.held_)) {
    o.stmt_ = nullptr;
    o.held_.clear();
}

Statement& Statement::operator=(Statement&& o) noexcept {
    if (this != &o) {
        release();
        stmt_ = o.stmt_;
        db_ = o.db_;
        owned_ = o.owned_;
        held_ = std::move(o.held_);
        o.stmt_ = nullptr;
        o.held_.clear();
    }
    return *this;
}

Statement& Statement::bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
}
// With our heap in place SQLite's own copy (SQLITE_TRANSIENT) is locked and wiped when freed, and
// cheaper than a list node and a string of our own. Without it (cipher_memory_security fallback)
// each SQLite allocation costs two system calls, so the copy is kept here and bound SQLITE_STATIC.
Statement& Statement::bind(int i, std::string_view t) {
    if (secure_heap::active()) {
        // A null pointer would bind NULL; an empty value must stay an empty text.
        sqlite3_bind_text64(stmt_, i, t.empty() ? "" : t.data(), t.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        return *this;
    }
    held_.emplace_front(t);  // list nodes never move, so the pointer stays valid until release()
    sqlite3_bind_text64(stmt_, i, held_.front().data(), t.size(), SQLITE_STATIC, SQLITE_UTF8);
    return *this;
}
Statement& Statement::bind_blob(int i, std::span<const std::uint8_t> b) {
    if (secure_heap::active()) {
        static const std::uint8_t empty = 0;  // as above: an empty blob, not NULL
        sqlite3_bind_blob64(stmt_, i, b.empty() ? &empty : b.data(), b.size(), SQLITE_TRANSIENT);
        return *this;
    }
    held_.emplace_front(reinterpret_cast<const char*>(b.data()), b.size());  // NOLINT
    sqlite3_bind_blob64(stmt_, i, held_.front().data(), b.size(), SQLITE_STATIC);
    return *this;
}
Statement& Statement::bind_null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
}

namespace {
// "cannot read registry.db: wrong key or damaged file": the file once, no SQL, no SQLite code.
std::string damaged_message(const Database* db) {
    return "cannot read " + (db ? db->path().filename().string() : std::string("the database")) + ": wrong key or damaged file";
}
// SQLCipher reports a failed page MAC as a plain SQLITE_ERROR: its corruption report counts too.
bool is_damage(int rc, std::uint64_t reports_before) {
    return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB || sqlite_log::corruption_reports() != reports_before;
}
}  // namespace

Result<bool> Statement::step() {
    const std::uint64_t corrupt_before = sqlite_log::corruption_reports();
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if (is_damage(rc, corrupt_before)) return make_error(damaged_message(db_));   // one line, no SQL
    // The SQL text names tables and columns only; bound values are never part of the message.
    std::string sql = sqlite3_sql(stmt_) ? sqlite3_sql(stmt_) : "";
    if (sql.size() > 60) sql = sql.substr(0, 60) + "…";
    return make_error("database: " + std::string(sqlite3_errstr(rc)) + " in \"" + sql + "\"");
}

Status Statement::run() {
    auto r = step();
    if (!r) return r.error();
    return {};
}

std::int64_t Statement::column_int(int c) const { return sqlite3_column_int64(stmt_, c); }
std::string Statement::column_text(int c) const {
    const unsigned char* t = sqlite3_column_text(stmt_, c);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)))
             : std::string();
}
Bytes Statement::column_blob(int c) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, c));
    return p ? Bytes(p, p + sqlite3_column_bytes(stmt_, c)) : Bytes();
}
bool Statement::column_is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    for (auto& h : held_) sodium_memzero(h.data(), h.size());
    held_.clear();
}

// [SECTION] Database

std::string Database::cipher_version() {
    (void)secure_heap::install();  // must precede SQLite's initialisation, which the open below triggers
    (void)sqlite_log::install();   // so must this: SQLite's log, routed through ours (sqlite_log.hpp)
    sqlite3* db = nullptr;
    std::string v;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA cipher_version", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
            sqlite3_column_text(st, 0))
            v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& path, const SecretBytes& key, const OpenOptions& options) {
    const std::string where = path.string();
    // SQLite's heap: our locked, wipe-on-free allocator (secure_heap.hpp), or, if SQLite was
    // initialised before we could install it, SQLCipher's per-allocation cipher_memory_security.
    const bool own_heap = secure_heap::install();
    std::string version = cipher_version();
    if (version.empty() || std::atoi(version.c_str()) < 4)
        return make_error("database: SQLCipher 4 or newer is required (found \"" +
                          (version.empty() ? std::string("plain SQLite without encryption") : version) + "\")");
    if (key.size() != 32) return make_error("database: key must be 32 bytes");

    // Create the file ourselves so it is 0600 whatever the umask; SQLite gives -wal/-shm the same mode.
    int fd = ::open(where.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return make_error(where + ": cannot open");
    ::close(fd);

    std::unique_ptr<Database> db(new Database());
    db->path_ = path;
    if (sqlite3_open_v2(where.c_str(), &db->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
        return make_error(where + ": cannot open database");

    if (!own_heap)
        if (auto s = db->exec("PRAGMA cipher_memory_security = ON"); !s) return s.error();
    // Raw key: "x'<64 hex>'" — SQLCipher uses the bytes as the key and skips its PBKDF2.
    SecretBytes keyspec(3 + 64);
    keyspec.data()[0] = 'x';
    keyspec.data()[1] = '\'';
    {
        static const char* hex = "0123456789abcdef";
        for (std::size_t i = 0; i < 32; ++i) {
            keyspec.data()[2 + 2 * i] = static_cast<std::uint8_t>(hex[key.data()[i] >> 4]);
            keyspec.data()[3 + 2 * i] = static_cast<std::uint8_t>(hex[key.data()[i] & 15]);
        }
        keyspec.data()[66] = '\'';
    }
    if (sqlite3_key(db->db_, keyspec.data(), static_cast<int>(keyspec.size())) != SQLITE_OK)
        return make_error(where + ": cannot key database");
    keyspec.wipe();
    // SQLCipher logs decryption failures to stderr by default; our callers report them as values.
    // (Before sqlite3_key this pragma is accepted and ignored: measured with SQLCipher 4.6.1.)
    (void)db->exec("PRAGMA cipher_log_level = NONE");
    if (options.page_size != 4096) {
        if (options.page_size < 512 || options.page_size > 65536 || (options.page_size & (options.page_size - 1)) != 0)
            return make_error("database: page size must be a power of two from 512 to 65536");
        if (auto s = db->exec("PRAGMA cipher_page_size = " + std::to_string(options.page_size)); !s) return s.error();
    }

    // The first read proves the key: a wrong one gives SQLITE_NOTADB.
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db->db_, "SELECT count(*) FROM sqlite_master", -1, &st, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_NOTADB)
        return make_error(where + ": cannot decrypt the database (wrong key, or not a kiosk database)");
    // Anything else is not the key's fault: a full disk (no room for the WAL index), an I/O error.
    if (rc != SQLITE_ROW) return make_error(where + ": cannot read the database: " + sqlite3_errstr(rc));

    if (!own_heap) {
        auto mem_sec = db->query_int("PRAGMA cipher_memory_security");
        if (!mem_sec || *mem_sec != 1)
            return make_error("database: this SQLCipher ignores cipher_memory_security; refusing to run");
    }
    if (options.journal == Journal::wal) {
        auto wal = db->prepare("PRAGMA journal_mode = WAL");
        if (!wal) return wal.error();
        auto row = wal->step();
        if (!row || !*row || wal->column_text(0) != "wal") return make_error(where + ": cannot switch the database to WAL mode");
    } else {
        // TRUNCATE: the journal file is emptied at commit rather than deleted and created again.
        // Leaving WAL needs the only connection; with another one open the file stays in WAL mode.
        auto mode = db->prepare("PRAGMA journal_mode = TRUNCATE");
        if (!mode) return mode.error();
        auto row = mode->step();
        if (row && *row && mode->column_text(0) != "truncate" && mode->column_text(0) != "wal")
            return make_error(where + ": cannot set the journal mode");
    }
    for (const char* pragma : {"PRAGMA synchronous = FULL", "PRAGMA temp_store = MEMORY",
                               "PRAGMA secure_delete = ON", "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000"}) {
        if (auto s = db->exec(pragma); !s) return s.error();
    }
    // Keying allocated and freed SQLCipher's key buffers, whose munlock() unlocked their pages.
    if (own_heap) secure_heap::relock();
    return db;
}

Database::~Database() {
    assert(checked_out_.empty() && "a cached Statement outlived its Database");
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    cache_.clear();
    if (db_ != nullptr) sqlite3_close_v2(db_);
    if (secure_heap::active()) secure_heap::relock();  // as in open(): SQLCipher munlock()ed its key pages
}

Status Database::exec(std::string_view sql) {
    std::string s(sql);
    char* err = nullptr;
    const std::uint64_t corrupt_before = sqlite_log::corruption_reports();
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK && is_damage(rc, corrupt_before)) {
        sqlite3_free(err);
        return make_error(damaged_message(this));
    }
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        return make_error("database: " + msg);
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) const {
    sqlite3_stmt* st = nullptr;
    const std::uint64_t corrupt_before = sqlite_log::corruption_reports();
    if (int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr); rc != SQLITE_OK)
        return make_error(is_damage(rc, corrupt_before) ? damaged_message(this) : "database: cannot prepare statement: " + last_error());
    return Statement(st, this, true);
}

Result<Statement> Database::cached(const std::string& sql) const {
    auto it = cache_.find(sql);
    // Already checked out (a nested use of the same SQL): resetting it would restart the outer
    // loop, so hand out a private statement instead.
    if (it != cache_.end() && checked_out_.count(it->second) != 0) return prepare(sql);
    if (it == cache_.end()) {
        sqlite3_stmt* st = nullptr;
        const std::uint64_t corrupt_before = sqlite_log::corruption_reports();
        if (int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st, nullptr);
            rc != SQLITE_OK)
            return make_error(is_damage(rc, corrupt_before) ? damaged_message(this)
                                                            : "database: cannot prepare statement: " + last_error());
        it = cache_.emplace(sql, st).first;
    }
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    checked_out_.insert(it->second);
    return Statement(it->second, this, false);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

Result<std::int64_t> Database::query_int(std::string_view sql) const {
    auto st = prepare(sql);
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return make_error("database: query returned no row");
    return st->column_int(0);
}

int Database::user_version() const {
    auto v = query_int("PRAGMA user_version");
    return v ? static_cast<int>(*v) : -1;
}

Status Database::set_user_version(int v) { return exec("PRAGMA user_version = " + std::to_string(v)); }

Database::PageStats Database::take_page_stats() {
    PageStats p;
    int cur = 0, hi = 0;
    if (sqlite3_db_status(db_, SQLITE_DBSTATUS_CACHE_HIT, &cur, &hi, 1) == SQLITE_OK) p.hits = cur;
    if (sqlite3_db_status(db_, SQLITE_DBSTATUS_CACHE_MISS, &cur, &hi, 1) == SQLITE_OK) p.misses = cur;
    if (sqlite3_db_status(db_, SQLITE_DBSTATUS_CACHE_WRITE, &cur, &hi, 1) == SQLITE_OK) p.writes = cur;
    return p;
}

Status Database::checkpoint_truncate() {
    int log = 0, ckpt = 0;
    int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &ckpt);
    if (rc != SQLITE_OK) return make_error("database: WAL checkpoint failed: " + std::string(sqlite3_errstr(rc)));
    return {};
}

Status Database::quick_check() const {
    auto st = prepare("PRAGMA quick_check");
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    if (!*row || st->column_text(0) != "ok") return make_error(damaged_message(this) + " (quick_check)");
    return {};
}

std::string Database::last_error() const { return db_ ? sqlite3_errmsg(db_) : "no database"; }

// [SECTION] Migrations

Status migrate_schema(Database& db, std::string_view what, std::span<const char* const> migrations, int target) {
    const std::string name(what);
    const int latest = static_cast<int>(migrations.size());
    if (target < 0 || target > latest) return make_error(name + ": no schema version " + std::to_string(target));
    const int current = db.user_version();
    if (current < 0) return make_error(name + ": cannot read schema version");
    if (current > latest)
        return make_error(name + ": schema version " + std::to_string(current) + " is newer than this program understands (" +
                          std::to_string(latest) + ")");
    if (current >= target) return {};
    // Outside the transaction: the pragma is a no-op inside one.
    if (auto s = db.exec("PRAGMA foreign_keys = OFF"); !s) return s.error();
    struct ForeignKeysOn {
        Database& db;
        ~ForeignKeysOn() { (void)db.exec("PRAGMA foreign_keys = ON"); }
    } restore{db};
    for (int v = current + 1; v <= target; ++v) {
        const std::string step = name + ": migration to schema " + std::to_string(v);
        Transaction tx(db);
        if (!tx.begun()) return make_error(step + ": " + tx.begun().message());
        if (auto s = db.exec(migrations[static_cast<std::size_t>(v - 1)]); !s) return make_error(step + ": " + s.message());
        auto fk = db.prepare("PRAGMA foreign_key_check");
        if (!fk) return fk.error();
        auto bad = fk->step();
        if (!bad) return make_error(step + ": " + bad.message());
        // The row names tables and row ids only, never values; the table is enough to look.
        if (*bad) return make_error(step + " leaves a dangling foreign key in table " + fk->column_text(0));
        fk->reset();
        if (auto s = db.set_user_version(v); !s) return make_error(step + ": " + s.message());
        if (auto s = tx.commit(); !s) return make_error(step + ": " + s.message());
    }
    return {};
}

// [SECTION] Transaction

Transaction::Transaction(Database& db) : db_(db), begun_(db.exec("BEGIN IMMEDIATE")) {}

Transaction::~Transaction() {
    if (!done_ && begun_.ok()) (void)db_.exec("ROLLBACK");
}

Status Transaction::commit() {
    if (!begun_) return begun_.error();
    auto s = db_.exec("COMMIT");
    if (s) done_ = true;
    return s;
}

}  // namespace embassy::registry
