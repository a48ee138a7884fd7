// KioskStore. Index of this file:
//   [SECTION] Opening and creating
//   [SECTION] Packs, events, settings
//   [SECTION] Submit
//   [SECTION] Counts, receipts, log
//   [SECTION] Export and purge
#include "embassy/registry/store.hpp"

#include "embassy/registry/countries.hpp"
#include "embassy/registry/db.hpp"
#include "embassy/registry/pack.hpp"
#include "embassy/registry/receipt.hpp"
#include "embassy/registry/settings_keys.hpp"
#include "embassy/registry/record.hpp"
#include "embassy/registry/strokes.hpp"
#include "embassy/registry/text.hpp"
#include "embassy/registry/validate.hpp"
#include "schema.hpp"

#include <sodium.h>

#include <algorithm>

#include <ctime>

namespace embassy::registry {
namespace fs = std::filesystem;

namespace {

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// Rebuild the canonical record of signature `seq` from its rows (log verification, batch export).
Result<SignatureRecord> load_record(const Database& db, std::int64_t seq, bool& purged);

Status put_meta(Database& db, std::string_view key, std::span<const std::uint8_t> value) {
    auto st = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
    if (!st) return st.error();
    st->bind(1, key).bind_blob(2, value);
    return st->run();
}

Result<Bytes> get_meta(const Database& db, std::string_view key) {
    auto st = db.prepare("SELECT value FROM meta WHERE key = ?1");
    if (!st) return st.error();
    st->bind(1, key);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return make_error("kiosk database: missing " + std::string(key) + " (not a kiosk database?)");
    return st->column_blob(0);
}


}  // namespace

// [SECTION] Opening and creating

bool KioskStore::exists(const fs::path& dir) {
    std::error_code ec;
    return fs::exists(dir / key_file_name, ec);
}

Result<std::unique_ptr<KioskStore>> KioskStore::create(const fs::path& dir, std::string_view passphrase,
                                                       const PublicIdentity& coordinator, std::string_view kiosk_name,
                                                       KdfParams kdf) {
    crypto_init();
    std::error_code ec;
    if (exists(dir)) return make_error(dir.string() + ": already holds a kiosk; refusing to overwrite it");
    if (fs::exists(dir / db_file_name, ec)) return make_error(dir.string() + ": holds a database but no key file; refusing");
    fs::create_directories(dir, ec);
    if (ec) return make_error(dir.string() + ": cannot create directory: " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);

    SecretBytes db_key(32);
    randombytes_buf(db_key.data(), db_key.size());
    // The database first, then the key file: a crash in between leaves no key file, and the next
    // create() refuses the orphan database rather than silently replacing data.
    {
        auto db = Database::open(dir / db_file_name, db_key);
        if (!db) return db.error();
        if (auto s = schema_migrate(**db, schema_latest()); !s) return s.error();
        SignPublicKey pk{};
        SecretBytes sk(crypto_sign_SECRETKEYBYTES);
        crypto_sign_keypair(pk.data(), sk.data());
        Transaction tx(**db);
        if (!tx.begun()) return tx.begun().error();
        if (auto s = put_meta(**db, "kiosk_name", as_bytes(kiosk_name)); !s) return s.error();
        if (auto s = put_meta(**db, "sign_public", pk); !s) return s.error();
        if (auto s = put_meta(**db, "sign_secret", sk.span()); !s) return s.error();
        std::string coord = format_public_identity(coordinator);
        if (auto s = put_meta(**db, "coordinator", as_bytes(coord)); !s) return s.error();
        if (auto s = tx.commit(); !s) return s.error();
    }
    if (auto s = keyfile_create(dir / key_file_name, KeyFileKind::kiosk_database, passphrase, db_key, kdf); !s)
        return s.error();
    return open(dir, passphrase);
}

Result<std::unique_ptr<KioskStore>> KioskStore::open(const fs::path& dir, std::string_view passphrase) {
    crypto_init();
    if (!exists(dir)) return make_error(dir.string() + ": no kiosk here (missing " + key_file_name + ")");
    std::error_code ec;
    if (!fs::exists(dir / db_file_name, ec)) return make_error(dir.string() + ": key file present but the database is missing");
    auto key = keyfile_unlock(dir / key_file_name, KeyFileKind::kiosk_database, passphrase);
    if (!key) return key.error();
    auto db = Database::open(dir / db_file_name, *key);
    key->wipe();
    if (!db) return db.error();
    if (auto s = schema_migrate(**db, schema_latest()); !s) return s.error();
    auto sk = get_meta(**db, "sign_secret");
    if (!sk) return sk.error();
    if (sk->size() != crypto_sign_SECRETKEYBYTES) return make_error("kiosk database: damaged identity");
    std::unique_ptr<KioskStore> store(new KioskStore());
    store->dir_ = dir;
    store->db_ = std::move(*db);
    store->sign_secret_ = SecretBytes(sk->data(), sk->size());
    sodium_memzero(sk->data(), sk->size());
    return store;
}

KioskStore::~KioskStore() { lock(); }

void KioskStore::lock() {
    db_.reset();  // closes the connection; SQLCipher wipes its key copies, secure_heap every freed block
    sign_secret_.wipe();
}

KioskInfo KioskStore::info() const {
    KioskInfo i;
    if (auto n = get_meta(*db_, "kiosk_name")) i.name.assign(n->begin(), n->end());
    if (auto pk = get_meta(*db_, "sign_public"); pk && pk->size() == 32) std::copy(pk->begin(), pk->end(), i.public_key.begin());
    i.fingerprint = fingerprint(i.public_key);
    i.schema_version = db_->user_version();
    if (auto c = get_meta(*db_, "coordinator")) {
        auto id = parse_public_identity(std::string_view(reinterpret_cast<const char*>(c->data()), c->size()));  // NOLINT
        if (id) i.coordinator = *id;
    }
    return i;
}

Status KioskStore::change_passphrase(std::string_view old_passphrase, std::string_view new_passphrase, KdfParams kdf) {
    return keyfile_rewrap(dir_ / key_file_name, KeyFileKind::kiosk_database, old_passphrase, new_passphrase, kdf);
}

Bytes KioskStore::sign(std::span<const std::uint8_t> message) const {
    Bytes sig(crypto_sign_BYTES);
    crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sign_secret_.data());
    return sig;
}

// [SECTION] Packs, events, settings

Status KioskStore::load_pack(std::span<const std::uint8_t> pack_file) {
    KioskInfo me = info();
    auto pack = pack_read(pack_file, me.coordinator.sign_key);
    if (!pack) return pack.error();
    Database& db = *db_;
    Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    auto ins = db.prepare("INSERT OR IGNORE INTO packs(pack_id, pack_hash, loaded_at, raw) VALUES(?1, ?2, ?3, ?4)");
    if (!ins) return ins.error();
    ins->bind(1, pack->pack_id).bind_blob(2, pack->pack_hash).bind(3, unix_now()).bind_blob(4, pack_file);
    if (auto s = ins->run(); !s) return s.error();
    if (db.changes() == 0) return {};  // the same pack again: nothing to do
    std::int64_t pack_row = db.last_insert_rowid();
    for (const auto& a : pack->appeals) {
        // An appeal id+version already loaded keeps its texts: a signature always binds to what was shown.
        auto ia = db.prepare("INSERT OR IGNORE INTO appeals(appeal_id, version, addressee, content_hash, pack) VALUES(?1,?2,?3,?4,?5)");
        if (!ia) return ia.error();
        ia->bind(1, a.id).bind(2, std::int64_t{a.version}).bind(3, a.addressee).bind_blob(4, a.content_hash).bind(5, pack_row);
        if (auto s = ia->run(); !s) return s.error();
        for (const auto& t : a.texts) {
            auto it = db.prepare("INSERT OR IGNORE INTO appeal_texts(appeal_id, version, lang, title, body, hash) VALUES(?1,?2,?3,?4,?5,?6)");
            if (!it) return it.error();
            it->bind(1, a.id).bind(2, std::int64_t{a.version}).bind(3, t.lang).bind(4, t.title).bind(5, t.body).bind_blob(6, t.hash);
            if (auto s = it->run(); !s) return s.error();
        }
    }
    for (const auto& c : pack->consents) {
        auto ic = db.prepare("INSERT OR IGNORE INTO consent_texts(purpose, version, lang, text, hash) VALUES(?1,?2,?3,?4,?5)");
        if (!ic) return ic.error();
        ic->bind(1, std::int64_t{static_cast<int>(c.purpose)}).bind(2, std::int64_t{c.version}).bind(3, c.lang).bind(4, c.text).bind_blob(5, c.hash);
        if (auto s = ic->run(); !s) return s.error();
    }
    if (auto s = db.exec("INSERT OR REPLACE INTO settings(key, value) VALUES('current_pack', '" + std::to_string(pack_row) + "')"); !s)
        return s.error();
    return tx.commit();
}

Result<AppealPack> KioskStore::current_pack() const {
    auto st = db_->prepare("SELECT raw FROM packs WHERE id = (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'current_pack')");
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return make_error("no appeal pack loaded yet");
    Bytes raw = st->column_blob(0);
    return pack_read(raw, info().coordinator.sign_key);
}

Result<std::int64_t> KioskStore::create_event(const Event& e) {
    auto ev = normalize_event(e);  // validate.hpp: the importer checks events by the same rules
    if (!ev) return ev.error();
    auto st = db_->prepare("INSERT INTO events(name, city, country, date, created_at) VALUES(?1,?2,?3,?4,?5)");
    if (!st) return st.error();
    st->bind(1, ev->name).bind(2, ev->city).bind(3, ev->country).bind(4, ev->date).bind(5, unix_now());
    if (auto s = st->run(); !s) return s.error();
    return db_->last_insert_rowid();
}

Result<std::vector<Event>> KioskStore::events() const {
    std::vector<Event> out;
    auto st = db_->prepare("SELECT id, name, city, country, date FROM events ORDER BY id");
    if (!st) return st.error();
    auto read = st->each_row([&](const Statement& r) {
        out.push_back({r.column_int(0), r.column_text(1), r.column_text(2), r.column_text(3), r.column_text(4)});
    });
    if (!read) return read.error();
    return out;
}

Status KioskStore::set_active_event(std::int64_t event_id) {
    auto all = events();
    if (!all) return all.error();
    for (const auto& e : *all)
        if (e.id == event_id) return set_setting(settings::active_event.name, std::to_string(event_id));
    return make_error("event " + std::to_string(event_id) + " does not exist");
}

std::optional<Event> KioskStore::active_event() const {
    auto e = read_active_event();
    return e ? *e : std::nullopt;  // documented in store.hpp
}

Result<std::optional<Event>> KioskStore::read_active_event() const {
    if (active_event_cache_) return *active_event_cache_;
    auto id = setting(settings::active_event.name);
    if (!id) return id.error();
    std::optional<Event> found;
    if (!id->empty()) {
        auto all = events();
        if (!all) return all.error();
        for (const auto& e : *all)
            if (std::to_string(e.id) == *id) found = e;
    }
    active_event_cache_ = found;  // only what was read: a failed read is tried again next time
    return found;
}

Status KioskStore::set_active_appeals(const std::vector<std::string>& appeal_ids) {
    std::string joined;
    for (const auto& id : appeal_ids) {
        auto n = db_->prepare("SELECT 1 FROM appeals WHERE appeal_id = ?1");
        if (!n) return n.error();
        n->bind(1, id);
        auto row = n->step();
        if (!row) return row.error();
        if (!*row) return make_error("appeal '" + id + "' is not in a loaded appeal pack");
        if (!joined.empty()) joined += ',';
        joined += id;
    }
    return set_setting(settings::active_appeals.name, joined);
}

std::vector<std::string> KioskStore::active_appeals() const {
    std::vector<std::string> out;
    auto setting_value = setting(settings::active_appeals.name);
    if (!setting_value) return out;  // documented in store.hpp
    const std::string& s = *setting_value;
    std::size_t start = 0;
    while (start < s.size()) {
        std::size_t comma = s.find(',', start);
        if (comma == std::string::npos) comma = s.size();
        out.push_back(s.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

Result<std::string> KioskStore::setting(std::string_view key, std::string_view fallback) const {
    auto st = db_->cached("SELECT value FROM settings WHERE key = ?1");
    if (!st) return st.error();
    st->bind(1, key);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::string(fallback);
    return st->column_text(0);
}

Status KioskStore::set_setting(std::string_view key, std::string_view value) {
    active_event_cache_.reset();
    auto st = db_->cached("INSERT OR REPLACE INTO settings(key, value) VALUES(?1, ?2)");
    if (!st) return st.error();
    st->bind(1, key).bind(2, value);
    return st->run();
}

// [SECTION] Submit

Result<std::string> KioskStore::submit(const Submission& s) {
    Database& db = *db_;
    // 1. Validate and normalize everything before touching the database.
    SignatureRecord rec;
    Registrant& g = rec.registrant;
    // The rules are validate.hpp's: the coordinator's importer checks every batch by the same ones.
    {
        auto reg = normalize_registrant(s.registrant);
        if (!reg) return reg.error();
        if (!is_supported_language(s.appeal_lang)) return make_error("language: not supported");
        g = std::move(*reg);
    }
    if (!s.strokes.empty()) {
        if (auto v = validate_strokes(s.strokes); !v) return v.error();
        rec.strokes = encode_strokes(s.strokes);
    } else {
        auto typed = normalize_typed_name(s.typed_name);
        if (!typed) return make_error("signature: draw a signature or type your full name");
        rec.typed_name = std::move(*typed);
    }
    auto active = read_active_event();
    if (!active) return active.error();
    const std::optional<Event>& event = *active;
    if (!event) return make_error("no active event: a volunteer must choose one first");
    rec.event_id = event->id;
    rec.event_name = event->name;
    rec.event_city = event->city;
    rec.event_country = event->country;
    rec.event_date = event->date;
    {
        auto st = db.cached("SELECT hash FROM appeal_texts WHERE appeal_id = ?1 AND version = ?2 AND lang = ?3");
        if (!st) return st.error();
        st->bind(1, s.appeal_id).bind(2, std::int64_t{s.appeal_version}).bind(3, s.appeal_lang);
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) return make_error("appeal: unknown appeal, version or language");
        Bytes h = st->column_blob(0);
        std::copy_n(h.begin(), std::min<std::size_t>(32, h.size()), rec.text_hash.begin());
    }
    rec.appeal_id = s.appeal_id;
    rec.appeal_version = s.appeal_version;
    rec.lang = s.appeal_lang;
    ConsentPurposes purposes;
    for (const auto& c : s.consents) {
        auto st = db.cached("SELECT 1 FROM consent_texts WHERE purpose = ?1 AND hash = ?2 AND lang = ?3");
        if (!st) return st.error();
        st->bind(1, std::int64_t{static_cast<int>(c.purpose)}).bind_blob(2, c.text_hash).bind(3, c.lang);
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) return make_error(std::string("consent '") + purpose_name(c.purpose) + "': text not from the loaded appeal pack");
        if (auto p = purposes.add(static_cast<std::uint8_t>(c.purpose)); !p) return p.error();
        if (c.purpose == Purpose::join_registry) rec.joined_registry = true;
        rec.consents.push_back(c);
    }
    if (auto p = purposes.require_sign_appeal(); !p) return p.error();
    rec.signed_minute = unix_now() / 60;
    // A kiosk whose clock was never set would write batches the coordinator refuses: say so now.
    if (auto t = check_unix_minute(static_cast<std::uint64_t>(rec.signed_minute), unix_now()); !t) return t.error();
    ReceiptCode code = receipt_generate();
    rec.receipt_commitment = receipt_commitment(code);

    // 2. One transaction: registrant, consents, signature, log entry. The code is returned only after COMMIT.
    Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    Hash prev{};
    std::int64_t pos = 1;
    {
        auto st = db.cached("SELECT pos, entry_hash FROM log ORDER BY pos DESC LIMIT 1");
        if (!st) return st.error();
        auto row = st->step();
        if (!row) return row.error();
        if (*row) {
            pos = st->column_int(0) + 1;
            Bytes h = st->column_blob(1);
            if (h.size() == 32) std::copy(h.begin(), h.end(), prev.begin());
        }
    }
    rec.seq = pos;
    {
        // Consents travel in the registrant's row (schema 2): one page written instead of a table
        // and its index per submit.
        auto st = db.cached("INSERT INTO registrants(seq, given_name, family_name, country, city, email, phone, lang, joined_registry, "
                            "consents) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
        if (!st) return st.error();
        st->bind(1, pos).bind(2, g.given_name).bind(3, g.family_name).bind(4, g.country).bind(5, g.city)
            .bind(6, g.email).bind(7, g.phone).bind(8, g.lang).bind(9, std::int64_t{rec.joined_registry ? 1 : 0})
            .bind_blob(10, encode_consents(rec.consents));
        if (auto r = st->run(); !r) return r.error();
    }
    {
        // The log salt keys this record's log hash; it is purged with the names (schema 3).
        randombytes_buf(rec.log_salt.data(), rec.log_salt.size());
        auto st = db.cached("INSERT INTO signatures(seq, event_id, appeal_id, appeal_version, text_hash, lang, signed_minute, "
                            "strokes, typed_name, receipt_commitment, log_salt) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
        if (!st) return st.error();
        st->bind(1, pos).bind(2, rec.event_id).bind(3, rec.appeal_id).bind(4, std::int64_t{rec.appeal_version})
            .bind_blob(5, rec.text_hash).bind(6, rec.lang).bind(7, rec.signed_minute);
        if (rec.strokes.empty()) st->bind_null(8); else st->bind_blob(8, rec.strokes);
        if (rec.typed_name.empty()) st->bind_null(9); else st->bind(9, rec.typed_name);
        st->bind_blob(10, rec.receipt_commitment).bind_blob(11, rec.log_salt);
        if (auto r = st->run(); !r) return r.error();
    }
    {
        Hash rh = log_record_hash(rec);
        Hash entry = log_chain_next(prev, pos, rh);
        auto st = db.cached("INSERT INTO log(pos, record_hash, entry_hash) VALUES(?1,?2,?3)");
        if (!st) return st.error();
        st->bind(1, pos).bind_blob(2, rh).bind_blob(3, entry);
        if (auto r = st->run(); !r) return r.error();
    }
    if (auto c = tx.commit(); !c) return c.error();
    return code.formatted();
}

// [SECTION] Counts, receipts, log

Result<Counts> KioskStore::counts(std::chrono::system_clock::time_point now) const {
    const Database& db = *db_;
    Counts c;
    for (auto [sql, out] : {std::pair{"SELECT count(*) FROM registrants WHERE purged = 0", &c.registrants},
                            std::pair{"SELECT count(*) FROM signatures", &c.signatures},
                            std::pair{"SELECT count(*) FROM registrants WHERE joined_registry = 1", &c.registry_joins}}) {
        auto n = db.query_int(sql);
        if (!n) return n.error();
        *out = *n;
    }
    // "Today" is the local calendar day of the kiosk.
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    localtime_r(&t, &local);
    local.tm_hour = local.tm_min = local.tm_sec = 0;
    std::int64_t day_start_minute = static_cast<std::int64_t>(std::mktime(&local)) / 60;
    auto ev = read_active_event();
    if (!ev) return ev.error();
    std::int64_t event_id = *ev ? (*ev)->id : -1;
    auto st = db.prepare(
        "SELECT appeal_id, sum(event_id = ?1 AND signed_minute >= ?2), sum(event_id = ?1), "
        "sum(signed_minute >= ?2), count(*) FROM signatures GROUP BY appeal_id ORDER BY appeal_id");
    if (!st) return st.error();
    st->bind(1, event_id).bind(2, day_start_minute);
    auto read = st->each_row([&](const Statement& r) {
        c.per_appeal.push_back({r.column_text(0), r.column_int(1), r.column_int(2), r.column_int(3), r.column_int(4)});
    });
    if (!read) return read.error();
    return c;
}

Result<bool> KioskStore::verify_receipt(std::string_view code_text) const {
    auto code = receipt_parse(code_text);
    if (!code) return code.error();
    auto st = db_->prepare("SELECT 1 FROM signatures WHERE receipt_commitment = ?1");
    if (!st) return st.error();
    st->bind_blob(1, receipt_commitment(*code));
    auto row = st->step();
    if (!row) return row.error();
    return *row;
}

Result<LogHead> KioskStore::log_head() const {
    LogHead h;  // all zero: an empty log
    auto st = db_->prepare("SELECT pos, entry_hash FROM log ORDER BY pos DESC LIMIT 1");
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    if (*row) {
        h.size = st->column_int(0);
        Bytes b = st->column_blob(1);
        if (b.size() == 32) std::copy(b.begin(), b.end(), h.head.begin());
    }
    return h;
}



Result<LogCheck> KioskStore::verify_log() const {
    const Database& db = *db_;
    auto st = db.prepare("SELECT l.pos, l.record_hash, l.entry_hash, s.seq FROM log l LEFT JOIN signatures s ON s.seq = l.pos ORDER BY l.pos");
    if (!st) return st.error();
    std::int64_t acked = 0;
    if (auto a = db.query_int("SELECT coalesce(max(up_to_batch), 0) FROM acks")) acked = *a;
    auto purge_allowed = [&](std::int64_t pos) {
        auto b = db.prepare("SELECT batch_seq FROM signatures WHERE seq = ?1");
        if (!b) return false;
        b->bind(1, pos);
        auto row = b->step();
        return row && *row && !b->column_is_null(0) && b->column_int(0) <= acked;
    };
    Hash prev{};
    std::int64_t expected = 1;
    while (true) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        std::int64_t pos = st->column_int(0);
        if (pos != expected) return make_error("log: entry " + std::to_string(expected) + " is missing");
        if (st->column_is_null(3)) return make_error("log: signature record " + std::to_string(pos) + " was deleted");
        Bytes rh = st->column_blob(1), eh = st->column_blob(2);
        if (rh.size() != 32 || eh.size() != 32) return make_error("log: entry " + std::to_string(pos) + " is damaged");
        Hash record_hash{};
        std::copy(rh.begin(), rh.end(), record_hash.begin());
        bool purged = false;
        auto rec = load_record(db, pos, purged);
        if (!rec) return make_error("log: record " + std::to_string(pos) + ": " + rec.message());
        // A purged record can no longer be re-hashed, so "purged" must be earned: only records in a
        // batch the coordinator acknowledged may carry it.
        if (purged && !purge_allowed(pos))
            return make_error("log: signature record " + std::to_string(pos) + " is marked purged without an acknowledgement");
        if (!purged && log_record_hash(*rec) != record_hash)
            return make_error("log: signature record " + std::to_string(pos) + " was changed after it was written");
        Hash entry = log_chain_next(prev, pos, record_hash);
        if (!std::equal(entry.begin(), entry.end(), eh.begin()))
            return make_error("log: chain broken at entry " + std::to_string(pos) + " (records removed or reordered)");
        prev = entry;
        ++expected;
    }
    auto extra = db.query_int("SELECT count(*) FROM signatures WHERE seq NOT IN (SELECT pos FROM log)");
    if (extra && *extra > 0) return make_error("log: " + std::to_string(*extra) + " signature records are not in the log");
    LogCheck out;
    out.entries = expected - 1;
    // Not in a written batch yet: a passphrase holder can still delete or edit these unnoticed.
    auto open = db.query_int("SELECT count(*) FROM signatures s LEFT JOIN batches b ON b.seq = s.batch_seq "
                             "WHERE s.batch_seq IS NULL OR b.state IS NOT 'written'");
    if (!open) return open.error();
    out.unexported = *open;
    return out;
}

namespace {

Result<SignatureRecord> load_record(const Database& db, std::int64_t seq, bool& purged) {
    auto st = db.cached(
        "SELECT s.event_id, e.name, e.city, e.country, e.date, s.appeal_id, s.appeal_version, s.text_hash, s.lang, "
        "s.signed_minute, s.strokes, s.typed_name, s.receipt_commitment, r.given_name, r.family_name, r.country, "
        "r.city, r.email, r.phone, r.lang, r.joined_registry, r.purged, r.consents, s.log_salt "
        "FROM signatures s JOIN registrants r ON r.seq = s.seq LEFT JOIN events e ON e.id = s.event_id WHERE s.seq = ?1");
    if (!st) return st.error();
    st->bind(1, seq);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return make_error("no such record");
    SignatureRecord r;
    r.seq = seq;
    r.event_id = st->column_int(0);
    r.event_name = st->column_text(1);
    r.event_city = st->column_text(2);
    r.event_country = st->column_text(3);
    r.event_date = st->column_text(4);
    r.appeal_id = st->column_text(5);
    r.appeal_version = static_cast<std::uint32_t>(st->column_int(6));
    Bytes th = st->column_blob(7);
    if (th.size() == 32) std::copy(th.begin(), th.end(), r.text_hash.begin());
    r.lang = st->column_text(8);
    r.signed_minute = st->column_int(9);
    r.strokes = st->column_blob(10);
    r.typed_name = st->column_text(11);
    Bytes rc = st->column_blob(12);
    if (rc.size() == 32) std::copy(rc.begin(), rc.end(), r.receipt_commitment.begin());
    r.registrant = Registrant{st->column_text(13), st->column_text(14), st->column_text(15), st->column_text(16),
                              st->column_text(17), st->column_text(18), st->column_text(19)};
    r.joined_registry = st->column_int(20) != 0;
    purged = st->column_int(21) != 0;
    Bytes salt = st->column_blob(23);  // NULL before schema 3: zero salt, legacy unkeyed log hash
    if (salt.size() == 32) std::copy(salt.begin(), salt.end(), r.log_salt.begin());
    sodium_memzero(salt.data(), salt.size());
    if (!st->column_is_null(22)) {
        auto cs = decode_consents(st->column_blob(22));
        if (!cs) return cs.error();
        r.consents = std::move(*cs);
        return r;
    }
    // Schema 1 rows keep their consents in the consents table.
    auto cs = db.cached("SELECT purpose, text_hash, lang FROM consents WHERE registrant_seq = ?1 ORDER BY id");
    if (!cs) return cs.error();
    cs->bind(1, seq);
    auto read = cs->each_row([&](const Statement& crow) {
        ConsentGiven c;
        c.purpose = static_cast<Purpose>(crow.column_int(0));
        Bytes h = crow.column_blob(1);
        if (h.size() == 32) std::copy(h.begin(), h.end(), c.text_hash.begin());
        c.lang = crow.column_text(2);
        r.consents.push_back(std::move(c));
    });
    if (!read) return read.error();
    return r;
}

}  // namespace

// [SECTION] Export and purge
//
// The rows of export's redo log (kiosk_export.cpp says why it is crash-safe). Each call is one
// statement or one transaction, as export and purge did when they wrote the tables themselves.

namespace {

Result<std::optional<KioskBatch>> read_batch(const Database& db, const std::string& where) {
    auto st = db.prepare("SELECT seq, batch_id, batch_hash, first_record, last_record, file_name, state FROM batches " + where);
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::optional<KioskBatch>();
    KioskBatch b;
    b.seq = static_cast<std::uint64_t>(st->column_int(0));
    Bytes id = st->column_blob(1), h = st->column_blob(2);
    if (id.size() == b.id.size()) std::copy(id.begin(), id.end(), b.id.begin());
    if (h.size() == 32) {
        b.hash.emplace();
        std::copy(h.begin(), h.end(), b.hash->begin());
    }
    b.first_record = static_cast<std::uint64_t>(st->column_int(3));
    b.last_record = static_cast<std::uint64_t>(st->column_int(4));
    b.file_name = st->column_text(5);
    b.pending = st->column_text(6) == "pending";
    return std::optional<KioskBatch>(std::move(b));
}

}  // namespace

Status KioskStore::quick_check() const { return db_->quick_check(); }

Result<std::optional<KioskBatch>> KioskStore::batch(std::uint64_t seq) const {
    return read_batch(*db_, "WHERE seq = " + std::to_string(seq));
}

Result<std::optional<KioskBatch>> KioskStore::pending_batch() const {
    return read_batch(*db_, "WHERE state = 'pending' ORDER BY seq LIMIT 1");
}

Result<std::optional<KioskBatch>> KioskStore::open_batch(const std::array<std::uint8_t, 16>& id, std::string_view file_name) {
    Database& db = *db_;
    Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    auto count = db.query_int("SELECT count(*) FROM signatures WHERE batch_seq IS NULL");
    if (!count) return count.error();
    if (*count == 0) return std::optional<KioskBatch>();  // nothing new; the transaction wrote nothing
    auto last = read_batch(db, "ORDER BY seq DESC LIMIT 1");
    if (!last) return last.error();
    KioskBatch b;
    b.seq = *last ? (*last)->seq + 1 : 1;
    b.first_record = *last ? (*last)->last_record + 1 : 1;
    b.id = id;
    b.file_name = std::string(file_name);
    b.pending = true;
    auto st = db.prepare("INSERT INTO batches(seq, batch_id, first_record, records, created_at, file_name, state) "
                         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'pending')");
    if (!st) return st.error();
    st->bind(1, static_cast<std::int64_t>(b.seq)).bind_blob(2, b.id).bind(3, static_cast<std::int64_t>(b.first_record))
        .bind(4, *count).bind(5, unix_now()).bind(6, b.file_name);
    if (auto r = st->run(); !r) return r.error();
    if (auto r = db.exec("UPDATE signatures SET batch_seq = " + std::to_string(b.seq) + " WHERE batch_seq IS NULL"); !r)
        return r.error();
    if (auto c = tx.commit(); !c) return c.error();
    return std::optional<KioskBatch>(std::move(b));
}

Result<std::vector<std::int64_t>> KioskStore::batch_signatures(std::uint64_t seq) const {
    std::vector<std::int64_t> seqs;
    auto st = db_->prepare("SELECT seq FROM signatures WHERE batch_seq = ?1 ORDER BY seq");
    if (!st) return st.error();
    st->bind(1, static_cast<std::int64_t>(seq));
    auto read = st->each_row([&](const Statement& r) { seqs.push_back(r.column_int(0)); });
    if (!read) return read.error();
    return seqs;
}

Result<SignatureRecord> KioskStore::record_for_export(std::int64_t seq, bool& purged) const {
    return load_record(*db_, seq, purged);
}

Result<std::optional<AppealRef>> KioskStore::appeal_ref(std::string_view appeal_id, std::uint32_t version) const {
    auto st = db_->cached("SELECT a.content_hash, p.pack_hash FROM appeals a JOIN packs p ON p.id = a.pack "
                          "WHERE a.appeal_id = ?1 AND a.version = ?2");
    if (!st) return st.error();
    st->bind(1, appeal_id).bind(2, std::int64_t{version});
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::optional<AppealRef>();
    AppealRef a;
    Bytes ch = st->column_blob(0), ph = st->column_blob(1);
    if (ch.size() == 32) std::copy(ch.begin(), ch.end(), a.content_hash.begin());
    if (ph.size() == 32) std::copy(ph.begin(), ph.end(), a.pack_hash.begin());
    return std::optional<AppealRef>(a);
}

Result<std::optional<Hash>> KioskStore::log_entry(std::int64_t pos) const {
    auto st = db_->prepare("SELECT entry_hash FROM log WHERE pos = ?1");
    if (!st) return st.error();
    st->bind(1, pos);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::optional<Hash>();
    Hash h{};  // zero if damaged: the batch then fails the coordinator's log check
    Bytes b = st->column_blob(0);
    if (b.size() == 32) std::copy(b.begin(), b.end(), h.begin());
    return std::optional<Hash>(h);
}

Status KioskStore::mark_batch_written(std::uint64_t seq, const Hash& batch_hash, std::uint64_t last_record) {
    auto st = db_->prepare("UPDATE batches SET state = 'written', batch_hash = ?1, last_record = ?2 WHERE seq = ?3");
    if (!st) return st.error();
    st->bind_blob(1, batch_hash).bind(2, static_cast<std::int64_t>(last_record)).bind(3, static_cast<std::int64_t>(seq));
    return st->run();
}

Result<bool> KioskStore::batch_purged(std::uint64_t seq) const {
    auto n = db_->query_int("SELECT count(*) FROM registrants r JOIN signatures s ON s.seq = r.seq "
                            "WHERE r.purged = 1 AND s.batch_seq = " + std::to_string(seq));
    if (!n) return n.error();
    return *n > 0;
}

Result<std::uint64_t> KioskStore::purgeable(std::uint64_t up_to_batch) const {
    auto n = db_->query_int("SELECT count(*) FROM registrants r JOIN signatures s ON s.seq = r.seq WHERE r.purged = 0 AND s.batch_seq <= " +
                            std::to_string(up_to_batch));
    if (!n) return n.error();
    return static_cast<std::uint64_t>(*n);
}

Result<std::uint64_t> KioskStore::purge_acknowledged(std::uint64_t up_to_batch, std::uint64_t up_to_record) {
    Database& db = *db_;
    std::uint64_t purged = 0;
    {
        Transaction tx(db);
        if (!tx.begun()) return tx.begun().error();
        const std::string upto = std::to_string(up_to_batch);
        auto n = purgeable(up_to_batch);  // inside the transaction: the rows the updates below change
        if (!n) return n.error();
        purged = static_cast<std::uint64_t>(*n);
        // secure_delete=ON overwrites the freed content; the log keeps record hashes only, keyed by
        // the purged salts.
        for (const std::string& sql : {
                 "UPDATE registrants SET given_name = NULL, family_name = NULL, country = NULL, city = NULL, email = NULL, "
                 "phone = NULL, lang = NULL, consents = NULL, purged = 1 WHERE purged = 0 AND seq IN (SELECT seq FROM signatures WHERE batch_seq <= " + upto + ")",
                 // The log salt goes with the names: the record hash left in the log is then keyed
                 // by bytes nobody holds, so it confirms no guess (docs/record-encoding.md).
                 "UPDATE signatures SET strokes = NULL, typed_name = NULL, log_salt = NULL WHERE batch_seq <= " + upto,
             }) {
            if (auto s = db.exec(sql); !s) return s.error();
        }
        auto st = db.prepare("INSERT INTO acks(up_to_batch, up_to_record, applied_at) VALUES(?1, ?2, ?3)");
        if (!st) return st.error();
        st->bind(1, static_cast<std::int64_t>(up_to_batch)).bind(2, static_cast<std::int64_t>(up_to_record)).bind(3, unix_now());
        if (auto r = st->run(); !r) return r.error();
        if (auto c = tx.commit(); !c) return c.error();
    }
    // Old page images with the names may still sit in the WAL: fold it in and truncate it.
    if (auto s = db.checkpoint_truncate(); !s) return s.error();
    if (auto s = db.exec("VACUUM"); !s) return s.error();
    if (auto s = db.checkpoint_truncate(); !s) return s.error();
    return purged;
}

}  // namespace embassy::registry
