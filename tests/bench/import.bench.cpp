// Coordinator import and kiosk export benchmarks (issue 4).
//
//   bench_import [N ...]      default: 100000 1000000
//   bench_import 0 --export=0 --names=8000   registrations under one name key vs distinct names
//
// Import: N signatures in 100 batches from 10 kiosks, with deduplication (a pool of 0.6 N people,
// so about a third of the registrations are a person seen before), timed beside a bare SQLCipher
// bulk insert of N rows carrying the same data, in 100 transactions, in the same run. The batch
// files are built directly with BatchWriter (same records, same layout and log chain as
// export_batch writes) because 1M submissions through KioskStore::submit take hours with fsync.
//
// Export: 100,000 submissions through KioskStore::submit on a kiosk whose database runs with
// synchronous=OFF (set by this benchmark only, to make the set-up affordable), then one
// export_batch of all of them: wall time, MB/s of batch file, peak RSS of the export alone.
//
// Peak RSS is measured per phase: /proc/self/clear_refs ("5") resets VmHWM before each phase.
#include "kiosk_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/pack.hpp"
#include "embassy/registry/record.hpp"
#include "embassy/registry/store.hpp"
#include "embassy/registry/strokes.hpp"
#include "embassy/registry/validate.hpp"
#include "embassy/sync/batch.hpp"
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/coord_packs.hpp"
#include "embassy/sync/import.hpp"
#include "embassy/sync/kiosk_export.hpp"
#include "embassy/sync/simulate.hpp"

#include <sodium.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

using namespace embassy;
namespace fs = std::filesystem;

namespace {

struct Tmp {
    fs::path path;
    Tmp() {
        std::string t = (fs::temp_directory_path() / "embassy-bench-import-XXXXXX").string();
        if (mkdtemp(t.data()) == nullptr) std::abort();
        path = t;
    }
    ~Tmp() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void reset_peak() {
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
}
long peak_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}
double cpu_seconds() {  // user + system time of this process, all threads
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
double since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
[[noreturn]] void die(const std::string& what) {
    std::cerr << "bench_import: " << what << "\n";
    std::exit(1);
}

sync::CoordinatorKeys make_coordinator() {
    sync::CoordinatorKeys k;
    k.identity.name = "Bench coordinator";
    k.box_secret = registry::SecretBytes(32);
    k.sign_secret = registry::SecretBytes(64);
    crypto_box_keypair(k.identity.box_key.data(), k.box_secret.data());
    crypto_sign_keypair(k.identity.sign_key.data(), k.sign_secret.data());
    return k;
}

registry::AppealPack make_pack() {
    registry::AppealPack p;
    p.pack_id = "bench";
    p.created_unix = 1700000000;
    for (const char* id : {"political-prisoners", "free-elections"}) {
        registry::Appeal a;
        a.id = id;
        a.addressee = "Addressee";
        for (const char* l : {"be", "ru", "en", "pl", "lt", "uk", "de", "be-Latn"})
            a.texts.push_back({l, std::string("Title ") + id, "Body of the appeal.", {}});
        p.appeals.push_back(a);
    }
    for (int purpose = 1; purpose <= 4; ++purpose)
        for (const char* l : {"be", "ru", "en", "pl", "lt", "uk", "de", "be-Latn"})
            p.consents.push_back({static_cast<registry::Purpose>(purpose), 1, l, "Consent " + std::to_string(purpose), {}});
    registry::compute_pack_hashes(p);
    return p;
}

// [SECTION] Batch files, written the way export_batch writes them
struct GenKiosk {
    SignPublicKey pk{};
    registry::SecretBytes sk{64};
    std::uint64_t seq = 0, record = 0, log_size = 0;
    Hash prev{}, log_head{};
};

// names: the synthetic population (pool), or every registrant with one name and country but an
// email and phone of their own (same: thousands of members share a name key), or a name of their
// own (distinct: the baseline for same).
enum class Names { pool, same, distinct };

std::string letters(std::uint64_t i) {
    std::string s;
    do {
        s.push_back(static_cast<char>('a' + i % 26));
        i /= 26;
    } while (i != 0);
    return s;
}

void generate(const sync::CoordinatorKeys& coord, const registry::AppealPack& pack, std::uint64_t n, const fs::path& dir,
              Names names = Names::pool) {
    const int kiosks = 10, batches_per_kiosk = 10;
    std::vector<GenKiosk> ks(kiosks);
    for (auto& k : ks) crypto_sign_keypair(k.pk.data(), k.sk.data());
    std::mt19937_64 rng(42);
    const std::uint64_t people = std::max<std::uint64_t>(1, n * 6 / 10);
    std::uniform_int_distribution<std::uint64_t> who(0, people - 1);
    std::vector<std::string> appeals = {"political-prisoners", "free-elections"};
    std::uint64_t made = 0;
    for (int b = 0; b < batches_per_kiosk; ++b) {
        for (int ki = 0; ki < kiosks; ++ki) {
            GenKiosk& k = ks[static_cast<std::size_t>(ki)];
            const std::uint64_t batch_no = static_cast<std::uint64_t>(b * kiosks + ki);
            const std::uint64_t count = n * (batch_no + 1) / 100 - n * batch_no / 100;
            auto w = sync::BatchWriter::open(dir / sync::random_batch_file_name(), coord.identity.box_key);
            if (!w) die(w.message());
            const std::uint64_t first_record = k.record + 1;
            sync::EventRecord ev{++k.record, ki + 1, "Rally " + std::to_string(ki + 1), "Warszawa", "PL", "2026-11-28"};
            if (auto s = w->add(ev); !s) die(s.message());
            for (const auto& ap : pack.appeals) {
                sync::AppealRefRecord a{++k.record, ap.id, ap.version, ap.content_hash, pack.pack_hash};
                if (auto s = w->add(a); !s) die(s.message());
            }
            for (std::uint64_t i = 0; i < count; ++i) {
                auto sub = sync::synthetic_submission(rng, pack, appeals, sync::synthetic_person(who(rng)));
                if (!sub) die(sub.message());
                if (names != Names::pool) {
                    char phone[32];
                    std::snprintf(phone, sizeof phone, "+48600%06llu", static_cast<unsigned long long>(made));
                    sub->registrant.given_name = "Ales";
                    sub->registrant.family_name = names == Names::same ? "Bialiatski" : "Bialiatski" + letters(made);
                    sub->registrant.country = "PL";
                    sub->registrant.email = "person" + std::to_string(made) + "@example.org";
                    sub->registrant.phone = phone;
                }
                const std::uint64_t minute = 29600000 + made / 50;
                // As a kiosk stores it (the importer requires the kiosk's normal form: validate.hpp).
                auto stored = registry::normalize_registrant(sub->registrant);
                if (!stored) die(stored.message());
                sync::RegistrantRecord reg{++k.record, ev.event_id, minute, stored->given_name, stored->family_name,
                                           stored->country, stored->city, stored->email,
                                           stored->phone, stored->lang, false};
                for (const auto& c : sub->consents)
                    if (c.purpose == registry::Purpose::join_registry) reg.join_registry = true;
                if (auto s = w->add(reg); !s) die(s.message());
                std::vector<sync::ConsentRecord> cons;
                for (const auto& c : sub->consents) {
                    cons.push_back({++k.record, reg.seq, static_cast<std::uint8_t>(c.purpose), c.text_hash, c.lang, minute});
                    if (auto s = w->add(cons.back()); !s) die(s.message());
                }
                sync::SignatureRecord sig;
                sig.seq = ++k.record;
                sig.registrant_seq = reg.seq;
                sig.appeal_id = sub->appeal_id;
                sig.appeal_version = sub->appeal_version;
                const registry::Appeal* ap = nullptr;
                for (const auto& x : pack.appeals)
                    if (x.id == sub->appeal_id) ap = &x;
                sig.appeal_text_hash = ap->text(sub->appeal_lang)->hash;
                sig.lang = sub->appeal_lang;
                sig.event_id = ev.event_id;
                sig.unix_minute = minute;
                sig.mode = sub->strokes.empty() ? sync::SignatureMode::typed_name : sync::SignatureMode::strokes;
                if (!sub->strokes.empty()) sig.strokes = registry::encode_strokes(sub->strokes);
                sig.typed_name = sub->typed_name;
                randombytes_buf(sig.receipt_commitment.data(), 32);
                sig.log_position = ++k.log_size;
                k.log_head = registry::log_chain_next(k.log_head, static_cast<std::int64_t>(sig.log_position),
                                                      registry::log_record_hash(sync::log_record_from(ev, reg, cons, sig)));
                if (auto s = w->add(sig); !s) die(s.message());
                ++made;
            }
            sync::ManifestFields f;
            f.kiosk_public_key = k.pk;
            f.coordinator_key_id = coord.identity.key_id();
            f.seq = ++k.seq;
            f.previous_batch_hash = k.prev;
            f.log = {k.log_size, k.log_head};
            (void)first_record;
            auto info = w->finish(f, [&k](std::span<const std::uint8_t> m) {
                Bytes sig(64);
                crypto_sign_detached(sig.data(), nullptr, m.data(), m.size(), k.sk.data());
                return sig;
            });
            if (!info) die(info.message());
            k.prev = info->batch_hash;
        }
    }
    std::ofstream keys(dir / "kiosks.keys");
    for (const auto& k : ks) keys << to_hex(k.pk) << "\n";
}

// [SECTION] Bare SQLCipher: the same data, one row per signature, no index, 100 transactions
double bare_insert(const fs::path& dir, std::uint64_t n) {
    registry::SecretBytes key(32);
    randombytes_buf(key.data(), 32);
    auto db = registry::Database::open(dir / "bare.db", key);
    if (!db) die(db.message());
    registry::Database& d = **db;
    if (std::getenv("BENCH_SYNC_OFF")) (void)d.exec("PRAGMA synchronous = OFF");
    if (auto s = d.exec("CREATE TABLE t(kiosk INTEGER, log_position INTEGER, given_name TEXT, family_name TEXT, country TEXT, "
                        "city TEXT, email TEXT, consents BLOB, appeal_id TEXT, text_hash BLOB, lang TEXT, unix_minute INTEGER, "
                        "strokes BLOB, typed_name TEXT, receipt_commitment BLOB)");
        !s)
        die(s.message());
    std::mt19937_64 rng(42);
    registry::AppealPack pack = make_pack();
    std::vector<std::string> appeals = {"political-prisoners", "free-elections"};
    // Rows prepared the same way as the batches' records (cost not timed: generation is outside
    // both timings).
    const auto t0 = std::chrono::steady_clock::now();
    double generating = 0;
    std::uint64_t done = 0;
    for (int b = 0; b < 100; ++b) {
        const std::uint64_t count = n * static_cast<std::uint64_t>(b + 1) / 100 - n * static_cast<std::uint64_t>(b) / 100;
        registry::Transaction tx(d);
        for (std::uint64_t i = 0; i < count; ++i, ++done) {
            const auto g0 = std::chrono::steady_clock::now();
            auto sub = sync::synthetic_submission(rng, pack, appeals, sync::synthetic_person(done));
            if (!sub) die(sub.message());
            Bytes strokes = sub->strokes.empty() ? Bytes{} : registry::encode_strokes(sub->strokes);
            Bytes consents(70, 1);
            Hash h{}, c{};
            randombytes_buf(c.data(), 32);
            generating += since(g0);
            auto st = d.cached("INSERT INTO t VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
            if (!st) die(st.message());
            st->bind(1, std::int64_t{b % 10}).bind(2, static_cast<std::int64_t>(done)).bind(3, sub->registrant.given_name)
                .bind(4, sub->registrant.family_name).bind(5, sub->registrant.country).bind(6, sub->registrant.city)
                .bind(7, sub->registrant.email).bind_blob(8, consents).bind(9, sub->appeal_id).bind_blob(10, h)
                .bind(11, sub->appeal_lang).bind(12, std::int64_t{29600000}).bind_blob(13, strokes).bind(14, sub->typed_name)
                .bind_blob(15, c);
            if (auto r = st->run(); !r) die(r.message());
        }
        if (auto s = tx.commit(); !s) die(s.message());
    }
    const double t = since(t0) - generating;
    auto ps = d.take_page_stats();
    std::printf("        bare:   pages read %lld, written %lld (cache hits %lld)\n", static_cast<long long>(ps.misses),
                static_cast<long long>(ps.writes), static_cast<long long>(ps.hits));
    return t;
}

void bench_import(std::uint64_t n) {
    Tmp t;
    const auto keys = make_coordinator();
    registry::AppealPack pack = make_pack();
    auto pack_bytes = registry::pack_write(pack, keys.sign_secret);
    if (!pack_bytes) die(pack_bytes.message());
    auto read_back = registry::pack_read(*pack_bytes, keys.identity.sign_key);
    if (!read_back) die(read_back.message());
    pack = *read_back;
    fs::create_directories(t.path / "batches");
    auto g0 = std::chrono::steady_clock::now();
    generate(keys, pack, n, t.path / "batches");
    const double gen = since(g0);
    std::uint64_t bytes = 0;
    for (const auto& e : fs::directory_iterator(t.path / "batches")) bytes += e.file_size();

    reset_peak();
    const double bare = bare_insert(t.path, n);
    const long bare_rss = peak_kb();
    fs::remove(t.path / "bare.db");

    registry::SecretBytes db_key(32);
    randombytes_buf(db_key.data(), 32);
    auto c = sync::Coordinator::open_with(t.path / "coord", keys, db_key);
    if (!c) die(c.message());
    if (auto r = sync::record_pack(**c, *pack_bytes); !r) die(r.message());  // only its appeals are imported
    if (std::getenv("BENCH_SYNC_OFF")) (void)(*c)->db().exec("PRAGMA synchronous = OFF");
    std::ifstream kf(t.path / "batches" / "kiosks.keys");
    std::string line;
    while (std::getline(kf, line)) {
        auto pk = sync::parse_kiosk_key(line);
        if (!pk || !(*c)->enroll(*pk, "bench").ok()) die("enroll");
    }
    (void)(*c)->db().take_page_stats();
    reset_peak();
    const auto i0 = std::chrono::steady_clock::now();
    const double cpu0 = cpu_seconds();
    auto outcomes = sync::import_paths(**c, {t.path / "batches"});
    const double imp = since(i0);
    const double imp_cpu = cpu_seconds() - cpu0;
    const long imp_rss = peak_kb();
    auto ps = (*c)->db().take_page_stats();
    std::printf("        import: pages read %lld, written %lld (cache hits %lld); CPU time %.1f s over %.1f s wall\n",
                static_cast<long long>(ps.misses), static_cast<long long>(ps.writes), static_cast<long long>(ps.hits), imp_cpu, imp);
    std::uint64_t accepted = 0, sigs = 0, dups = 0;
    for (const auto& o : outcomes) {
        if (o.status == sync::ImportStatus::accepted) ++accepted;
        else die("batch " + o.file + ": " + o.reason);
        sigs += o.signatures;
        dups += o.duplicates;
    }
    auto members = (*c)->db().query_int("SELECT count(*) FROM members");
    // After the clock stops: the deduplication left at most one counted signature per member and
    // appeal, and every duplicate points at the counted one of the same member and appeal.
    auto twice = (*c)->db().query_int("SELECT count(*) FROM (SELECT 1 FROM signatures WHERE duplicate_of IS NULL "
                                      "GROUP BY member, appeal_id HAVING count(*) > 1)");
    auto stray = (*c)->db().query_int("SELECT count(*) FROM signatures d LEFT JOIN signatures o ON o.id = d.duplicate_of "
                                      "WHERE d.duplicate_of IS NOT NULL AND (o.id IS NULL OR o.member <> d.member OR "
                                      "o.appeal_id <> d.appeal_id OR o.duplicate_of IS NOT NULL)");
    if (!twice || !stray || *twice != 0 || *stray != 0) die("deduplication check failed after import");
    // The import writes with foreign keys unenforced (import.cpp); every reference must hold.
    auto fk = (*c)->db().query_int("SELECT count(*) FROM pragma_foreign_key_check");
    if (!fk || *fk != 0) die("foreign key check failed after import");
    std::printf("import %7llu signatures: %6.1f s (%6.0f sig/s) vs bare SQLCipher insert %6.1f s -> ratio %.2fx (target <= 3x); "
                "peak RSS import %ld MB (bare %ld MB; target <= 300 MB)\n",
                static_cast<unsigned long long>(n), imp, static_cast<double>(sigs) / imp, bare, imp / bare, imp_rss / 1024,
                bare_rss / 1024);
    std::printf("        %llu batches accepted, %llu duplicates, %lld members; batch files %.0f MB, generated in %.1f s\n",
                static_cast<unsigned long long>(accepted), static_cast<unsigned long long>(dups),
                static_cast<long long>(members ? *members : -1), static_cast<double>(bytes) / 1e6, gen);
    std::fflush(stdout);
}

// [SECTION] Many registrations under one name key
// n registrations that share a name and country but contradict each other's email and phone (so
// n members share one name key) against n with distinct names: the same import otherwise. The
// member index finds candidates by exact keys (dedupe.hpp), so the two should take about as long.
double import_names(const sync::CoordinatorKeys& keys, const registry::AppealPack& pack, std::uint64_t n, Names names,
                    std::int64_t& members) {
    Tmp t;
    fs::create_directories(t.path / "batches");
    generate(keys, pack, n, t.path / "batches", names);
    registry::SecretBytes db_key(32);
    randombytes_buf(db_key.data(), 32);
    auto c = sync::Coordinator::open_with(t.path / "coord", keys, db_key);
    if (!c) die(c.message());
    std::ifstream kf(t.path / "batches" / "kiosks.keys");
    std::string line;
    while (std::getline(kf, line)) {
        auto pk = sync::parse_kiosk_key(line);
        if (!pk || !(*c)->enroll(*pk, "bench").ok()) die("enroll");
    }
    const auto i0 = std::chrono::steady_clock::now();
    auto outcomes = sync::import_paths(**c, {t.path / "batches"});
    const double imp = since(i0);
    for (const auto& o : outcomes)
        if (o.status != sync::ImportStatus::accepted) die("batch " + o.file + ": " + o.reason);
    auto m = (*c)->db().query_int("SELECT count(*) FROM members");
    members = m ? *m : -1;
    return imp;
}

void bench_names(std::uint64_t n) {
    const auto keys = make_coordinator();
    registry::AppealPack pack = make_pack();
    auto pack_bytes = registry::pack_write(pack, keys.sign_secret);
    if (!pack_bytes) die(pack_bytes.message());
    auto read_back = registry::pack_read(*pack_bytes, keys.identity.sign_key);
    if (!read_back) die(read_back.message());
    pack = *read_back;
    std::int64_t same_members = 0, distinct_members = 0;
    const double distinct = import_names(keys, pack, n, Names::distinct, distinct_members);
    const double same = import_names(keys, pack, n, Names::same, same_members);
    std::printf("import %llu registrations under one name key (%lld members): %.2f s vs %llu distinct names (%lld members): "
                "%.2f s -> ratio %.2fx (target <= 2x)\n",
                static_cast<unsigned long long>(n), static_cast<long long>(same_members), same,
                static_cast<unsigned long long>(n), static_cast<long long>(distinct_members), distinct, same / distinct);
    std::fflush(stdout);
}

void bench_export(std::uint64_t n) {
    Tmp t;
    const auto keys = make_coordinator();
    registry::AppealPack pack = make_pack();
    auto pack_bytes = registry::pack_write(pack, keys.sign_secret);
    if (!pack_bytes) die(pack_bytes.message());
    auto store = registry::KioskStore::create(t.path / "kiosk", "bench passphrase", keys.identity, "bench", registry::kdf_minimum());
    if (!store) die(store.message());
    registry::KioskStore& k = **store;
    if (auto s = k.load_pack(*pack_bytes); !s) die(s.message());
    auto ev = k.create_event({0, "Rally", "Warszawa", "PL", "2026-11-28"});
    if (!ev || !k.set_active_event(*ev).ok() || !k.set_active_appeals({"political-prisoners", "free-elections"}).ok()) die("event");
    if (auto s = embassy::test::kiosk_db(k).exec("PRAGMA synchronous = OFF"); !s) die(s.message());  // bench-only: affordable set-up
    auto cur = k.current_pack();
    if (!cur) die(cur.message());
    std::mt19937_64 rng(7);
    std::vector<std::string> appeals = {"political-prisoners", "free-elections"};
    const auto s0 = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < n; ++i) {
        auto sub = sync::synthetic_submission(rng, *cur, appeals, sync::synthetic_person(i));
        if (!sub) die(sub.message());
        auto code = k.submit(*sub);
        if (!code) die(code.message());
    }
    const double setup = since(s0);
    if (auto s = embassy::test::kiosk_db(k).exec("PRAGMA synchronous = FULL"); !s) die(s.message());
    fs::create_directories(t.path / "out");
    reset_peak();
    const auto e0 = std::chrono::steady_clock::now();
    auto r = sync::export_batch(k, t.path / "out");
    const double exp = since(e0);
    const long rss = peak_kb();
    if (!r || !r->wrote) die(r ? "nothing exported" : r.message());
    std::printf("export %7llu signatures: %6.1f s, %.1f MB batch file, %.1f MB/s, %.0f sig/s; peak RSS %ld MB (target <= 100 MB) "
                "[set-up: %llu submits with synchronous=OFF in %.0f s]\n",
                static_cast<unsigned long long>(r->signatures), exp, static_cast<double>(r->bytes) / 1e6,
                static_cast<double>(r->bytes) / 1e6 / exp, static_cast<double>(r->signatures) / exp, rss / 1024,
                static_cast<unsigned long long>(n), setup);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    registry::crypto_init();
    std::vector<std::uint64_t> sizes;
    std::uint64_t export_n = 100000, names_n = 0;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--export=", 0) == 0) export_n = std::strtoull(a.c_str() + 9, nullptr, 10);
        else if (a.rfind("--names=", 0) == 0) names_n = std::strtoull(a.c_str() + 8, nullptr, 10);
        else sizes.push_back(std::strtoull(a.c_str(), nullptr, 10));
    }
    if (sizes.empty()) sizes = {100000, 1000000};
    // Export first: SQLite's heap keeps its arenas at their peak for the life of the process, so
    // after an import the export's peak RSS would include the import's page cache. scripts/bench
    // runs each figure in a process of its own.
    if (export_n > 0) bench_export(export_n);
    if (names_n > 0) bench_names(names_n);
    for (auto n : sizes)
        if (n > 0) bench_import(n);  // "0": export only
    return 0;
}
