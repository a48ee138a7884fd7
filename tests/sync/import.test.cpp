// Coordinator import: round trip from a real kiosk, replay, gaps, forks, enrollment, foreign
// coordinators, tampering, and the kiosk log chain (threats 5-9, 12).
#include "coord_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/strokes.hpp"
#include "embassy/sync/batch.hpp"
#include "embassy/sync/kiosk_export.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <fstream>
#include <iterator>
#include <functional>
#include <random>

using namespace coord_test;
using Catch::Matchers::ContainsSubstring;
using sync::ImportStatus;

namespace {

struct Setup {
    test::TempDir tmp;
    fs::path cdir = tmp.path / "coord";
    fs::path out = tmp.path / "out";
    std::unique_ptr<sync::Coordinator> c = open_coordinator(cdir);
    void reopen() {
        c.reset();
        c = open_coordinator(cdir);
    }
};

}  // namespace

TEST_CASE("a kiosk's batch arrives at the coordinator intact: counts, strokes and texts identical", "[sync][import]") {
    // Both ways of reading pass 2: from the plaintext verify() kept (a small file) and from the file
    // a second time (what a file above kRetainedPlaintextLimit gets).
    const std::uint64_t limit = GENERATE(sync::kRetainedPlaintextLimit, std::uint64_t{0});
    struct RestoreLimit {
        std::uint64_t was;
        ~RestoreLimit() { sync::detail::set_retained_plaintext_limit(was); }
    } restore{sync::detail::set_retained_plaintext_limit(limit)};
    Setup s;
    auto k = make_kiosk(0);
    REQUIRE(s.c->enroll(k->public_key, "kiosk A").ok());
    std::vector<registry::Submission> subs = {
        submission(k->pack, "Аляксандра", "Ціханоўская", 0, true),
        submission(k->pack, "Maryja", "Kalesnikava", 1, false, "LT"),
        submission(k->pack, "Сяргей", "Зянковіч", 0, false, "DE"),
    };
    subs[2].strokes.clear();
    subs[2].typed_name = "Сяргей Зянковіч";
    for (const auto& sub : subs) submit(*k, sub);
    const fs::path file = export_one(*k, s.out);

    auto o = sync::import_batch(*s.c, file);
    INFO(o.reason);
    REQUIRE(o.status == ImportStatus::accepted);
    CHECK(o.signatures == 3);
    CHECK(o.seq == 1);
    CHECK(o.kiosk == k->fingerprint);
    CHECK(count(*s.c, "SELECT count(*) FROM signatures") == 3);
    CHECK(count(*s.c, "SELECT count(*) FROM registrations") == 0);  // each is in its signature's row
    CHECK(count(*s.c, "SELECT count(*) FROM members") == 3);
    CHECK(count(*s.c, "SELECT last_seq FROM kiosks") == 1);
    CHECK(count(*s.c, "SELECT log_size FROM kiosks") == 3);
    // Written with foreign keys unenforced (import.cpp): every reference holds, and enforcement is
    // back on for other writers.
    CHECK(count(*s.c, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
    CHECK(count(*s.c, "PRAGMA foreign_keys") == 1);

    // Byte for byte: names, typed name, strokes, the appeal text hash.
    auto st = s.c->db().prepare("SELECT given_name, family_name, country, strokes, typed_name, text_hash, appeal_id "
                                "FROM signatures ORDER BY log_position");
    REQUIRE(st.ok());
    for (const auto& sub : subs) {
        auto row = st->step();
        REQUIRE(row.ok());
        REQUIRE(*row);
        CHECK(st->column_text(0) == sub.registrant.given_name);
        CHECK(st->column_text(1) == sub.registrant.family_name);
        CHECK(st->column_text(2) == sub.registrant.country);
        CHECK(st->column_blob(3) == (sub.strokes.empty() ? Bytes{} : registry::encode_strokes(sub.strokes)));
        CHECK(st->column_text(4) == sub.typed_name);
        const registry::Appeal* ap = nullptr;
        for (const auto& a : k->pack.appeals)
            if (a.id == sub.appeal_id) ap = &a;
        REQUIRE(ap != nullptr);
        Bytes th = st->column_blob(5);
        CHECK(std::equal(th.begin(), th.end(), ap->text("en")->hash.begin(), ap->text("en")->hash.end()));
        CHECK(st->column_text(6) == sub.appeal_id);
    }
}

TEST_CASE("importing the same batch again changes nothing", "[sync][import]") {
    Setup s;
    auto k = make_kiosk(0);
    REQUIRE(s.c->enroll(k->public_key, "kiosk A").ok());
    submit(*k, submission(k->pack, "Ян", "Новік"));
    const fs::path file = export_one(*k, s.out);
    REQUIRE(sync::import_batch(*s.c, file).status == ImportStatus::accepted);
    s.reopen();
    s.c.reset();
    const std::string before = registry_bytes(s.cdir);
    s.c = open_coordinator(s.cdir);
    auto again = sync::import_batch(*s.c, file);
    CHECK(again.status == ImportStatus::already_imported);
    // Also when copied under another name.
    fs::copy_file(file, s.tmp.path / "copy.embatch");
    CHECK(sync::import_batch(*s.c, s.tmp.path / "copy.embatch").status == ImportStatus::already_imported);
    s.c.reset();
    CHECK(registry_bytes(s.cdir) == before);
}

TEST_CASE("a missing batch quarantines the next one until it arrives", "[sync][import]") {
    Setup s;
    auto k = make_kiosk(0);
    REQUIRE(s.c->enroll(k->public_key, "kiosk A").ok());
    std::vector<fs::path> files;
    for (int b = 0; b < 4; ++b) {
        submit(*k, submission(k->pack, "Person", "Number" + std::string(1, static_cast<char>('a' + b))));
        files.push_back(export_one(*k, s.tmp.path / ("out" + std::to_string(b))));
    }
    REQUIRE(sync::import_batch(*s.c, files[0]).status == ImportStatus::accepted);

    auto q = sync::import_batch(*s.c, files[2]);
    CHECK(q.status == ImportStatus::quarantined);
    CHECK_THAT(q.reason, ContainsSubstring("gap: batch 2 "));
    auto q2 = sync::import_batch(*s.c, files[3]);
    CHECK(q2.status == ImportStatus::quarantined);
    CHECK(count(*s.c, "SELECT count(*) FROM quarantine") == 2);
    CHECK(count(*s.c, "SELECT count(*) FROM signatures") == 1);
    // The file went into the quarantine directory: the stick can be taken away.
    fs::remove(files[2]);
    fs::remove(files[3]);

    auto r = sync::import_paths(*s.c, {files[1]});
    REQUIRE(r.size() == 3);
    CHECK(r[0].status == ImportStatus::accepted);
    CHECK(r[1].status == ImportStatus::accepted);
    CHECK(r[1].from_quarantine);
    CHECK(r[1].seq == 3);
    CHECK(r[2].status == ImportStatus::accepted);
    CHECK(r[2].seq == 4);
    CHECK(count(*s.c, "SELECT count(*) FROM quarantine") == 0);
    CHECK(count(*s.c, "SELECT count(*) FROM signatures") == 4);
    CHECK(count(*s.c, "SELECT last_seq FROM kiosks") == 4);
    CHECK(fs::is_empty(s.cdir / "quarantine"));
}

TEST_CASE("in one run, a batch whose predecessor never comes is quarantined from its first verification", "[sync][import]") {
    // import_paths keeps a waiting file verified (and its plaintext) until the run ends; a real gap
    // then goes to quarantine from that state, and imports later once the missing batch arrives.
    Setup s;
    auto k = make_kiosk(2);
    REQUIRE(s.c->enroll(k->public_key, "kiosk C").ok());
    std::vector<fs::path> files;
    for (int b = 0; b < 4; ++b) {
        submit(*k, submission(k->pack, "Maria", "Kalesnikava" + std::string(1, static_cast<char>('a' + b))));
        files.push_back(export_one(*k, s.tmp.path / ("g" + std::to_string(b))));
    }
    auto r = sync::import_paths(*s.c, {files[3], files[2], files[0]});
    REQUIRE(r.size() == 3);
    CHECK(r[0].status == ImportStatus::accepted);
    CHECK(r[0].seq == 1);
    for (int i : {1, 2}) {
        CHECK(r[static_cast<std::size_t>(i)].status == ImportStatus::quarantined);
        CHECK_THAT(r[static_cast<std::size_t>(i)].reason, ContainsSubstring("gap: batch 2"));
    }
    CHECK(count(*s.c, "SELECT count(*) FROM quarantine") == 2);
    CHECK(count(*s.c, "SELECT count(*) FROM signatures") == 1);
    fs::remove(files[2]);
    fs::remove(files[3]);
    auto later = sync::import_paths(*s.c, {files[1]});
    REQUIRE(later.size() == 3);
    for (const auto& o : later) CHECK(o.status == ImportStatus::accepted);
    CHECK(count(*s.c, "SELECT count(*) FROM signatures") == 4);
    CHECK(count(*s.c, "SELECT count(*) FROM quarantine") == 0);
    CHECK(count(*s.c, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
}

TEST_CASE("batches given out of order in one run are imported in order without quarantine", "[sync][import]") {
    Setup s;
    auto k = make_kiosk(1);
    REQUIRE(s.c->enroll(k->public_key, "kiosk B").ok());
    std::vector<fs::path> files;
    for (int b = 0; b < 3; ++b) {
        submit(*k, submission(k->pack, "Ihar", "Losik" + std::string(1, static_cast<char>('a' + b))));
        files.push_back(export_one(*k, s.tmp.path / ("o" + std::to_string(b))));
    }
    auto r = sync::import_paths(*s.c, {files[2], files[1], files[0]});
    REQUIRE(r.size() == 3);
    for (const auto& o : r) CHECK(o.status == ImportStatus::accepted);
    CHECK(count(*s.c, "SELECT count(*) FROM quarantine") == 0);
    CHECK(count(*s.c, "SELECT last_seq FROM kiosks") == 3);
}

TEST_CASE("two different batches with the same seq raise a fork alarm", "[sync][import]") {
    Setup s;
    // Two copies of one kiosk (same identity) that diverge: a cloned or restored laptop.
    auto a = make_kiosk(2);
    auto b = make_kiosk(2);
    REQUIRE(a->public_key == b->public_key);
    REQUIRE(s.c->enroll(a->public_key, "kiosk C").ok());
    submit(*a, submission(a->pack, "Ales", "Bialiatski"));
    submit(*b, submission(b->pack, "Maria", "Kalesnikava"));
    const fs::path fa = export_one(*a, s.tmp.path / "a");
    const fs::path fb = export_one(*b, s.tmp.path / "b");
    REQUIRE(sync::import_batch(*s.c, fa).status == ImportStatus::accepted);
    auto o = sync::import_batch(*s.c, fb);
    CHECK(o.status == ImportStatus::rejected);
    CHECK(o.alarm);
    CHECK_THAT(o.reason, ContainsSubstring("FORK"));
    CHECK(count(*s.c, "SELECT count(*) FROM alarms WHERE kind = 'fork'") == 1);
    CHECK(count(*s.c, "SELECT count(*) FROM signatures") == 1);

    // The next batch of the diverged copy does not chain to what was imported.
    submit(*b, submission(b->pack, "Ihar", "Losik"));
    const fs::path fb2 = export_one(*b, s.tmp.path / "b2");
    auto o2 = sync::import_batch(*s.c, fb2);
    CHECK(o2.status == ImportStatus::rejected);
    CHECK(o2.alarm);
    CHECK(count(*s.c, "SELECT count(*) FROM signatures") == 1);
}

TEST_CASE("an unenrolled kiosk is rejected without a trace, then enrolled by fingerprint", "[sync][import]") {
    Setup s;
    auto k = make_kiosk(3);
    submit(*k, submission(k->pack, "Paŭlina", "Łabanovič"));
    const fs::path file = export_one(*k, s.out);
    s.c.reset();
    const std::string before = registry_bytes(s.cdir);
    s.c = open_coordinator(s.cdir);
    auto o = sync::import_batch(*s.c, file);
    CHECK(o.status == ImportStatus::rejected);
    CHECK_THAT(o.reason, ContainsSubstring("not enrolled"));
    s.c.reset();
    CHECK(registry_bytes(s.cdir) == before);
    s.c = open_coordinator(s.cdir);

    auto held = sync::held_batches_of(*s.c, sync::normalize_fingerprint(k->fingerprint));
    REQUIRE(held.ok());
    CHECK(held->kiosk_key == k->public_key);
    REQUIRE(held->files.size() == 1);
    CHECK_FALSE(sync::held_batches_of(*s.c, "0000 0000 0000 0000 0000").ok());
    REQUIRE(s.c->enroll(held->kiosk_key, "found by fingerprint").ok());
    auto r = sync::import_paths(*s.c, held->files);
    REQUIRE(r.size() == 1);
    CHECK(r[0].status == ImportStatus::accepted);
    CHECK(fs::is_empty(s.cdir / "quarantine"));
}

TEST_CASE("a batch encrypted to another coordinator is rejected and changes nothing", "[sync][import]") {
    Setup s;
    auto foreign = test::make_test_kiosk();  // bound to the kiosk fixture's own coordinator
    REQUIRE(foreign->store->submit(test::sample_submission(foreign->pack, "Canary", "Foreign")).ok());
    const fs::path file = [&] {
        fs::create_directories(s.out);
        auto r = sync::export_batch(*foreign->store, s.out);
        REQUIRE(r.ok());
        return r->path;
    }();
    REQUIRE(s.c->enroll(foreign->store->info().public_key, "enrolled, yet not ours").ok());
    s.c.reset();
    const std::string before = registry_bytes(s.cdir);
    s.c = open_coordinator(s.cdir);
    auto o = sync::import_batch(*s.c, file);
    CHECK(o.status == ImportStatus::rejected);
    s.c.reset();
    CHECK(registry_bytes(s.cdir) == before);
}

TEST_CASE("tampered batch files are all rejected and leave the registry byte-identical", "[sync][import][tamper]") {
    Setup s;
    auto k = make_kiosk(0);
    REQUIRE(s.c->enroll(k->public_key, "kiosk A").ok());
    submit(*k, submission(k->pack, "Аляксандр", "Каваленка"));
    const fs::path good1 = export_one(*k, s.tmp.path / "b1");
    REQUIRE(sync::import_batch(*s.c, good1).status == ImportStatus::accepted);
    submit(*k, submission(k->pack, "Вольга", "Шыманская", 1));
    submit(*k, submission(k->pack, "Андрэй", "Мельнік"));
    const fs::path good2 = export_one(*k, s.tmp.path / "b2");
    const std::string bytes = slurp(good2);
    s.c.reset();
    const std::string before = registry_bytes(s.cdir);
    s.c = open_coordinator(s.cdir);

    const fs::path bad = s.tmp.path / "bad.embatch";
    std::mt19937 rng(12345);
    int tried = 0, rejected = 0;
    // Every bit of the first 1,024 bytes (header, sealed key, stream header, first records) and
    // 3,000 sampled bits across the rest.
    std::vector<std::size_t> bits;
    for (std::size_t i = 0; i < std::min<std::size_t>(bytes.size(), 1024) * 8; ++i) bits.push_back(i);
    std::uniform_int_distribution<std::size_t> any(0, bytes.size() * 8 - 1);
    for (int i = 0; i < 3000; ++i) bits.push_back(any(rng));
    for (std::size_t bit : bits) {
        std::string t = bytes;
        t[bit / 8] = static_cast<char>(t[bit / 8] ^ (1 << (bit % 8)));
        spit(bad, t);
        ++tried;
        if (sync::import_batch(*s.c, bad).status == ImportStatus::rejected) ++rejected;
    }
    // Truncations: at 1,000 random offsets and at every 17th byte near the end (the final tag).
    std::uniform_int_distribution<std::size_t> cut(0, bytes.size() - 1);
    for (int i = 0; i < 1000; ++i) {
        spit(bad, bytes.substr(0, cut(rng)));
        ++tried;
        if (sync::import_batch(*s.c, bad).status == ImportStatus::rejected) ++rejected;
    }
    // Appended garbage.
    spit(bad, bytes + "x");
    ++tried;
    if (sync::import_batch(*s.c, bad).status == ImportStatus::rejected) ++rejected;
    INFO("tried " << tried << ", rejected " << rejected);
    CHECK(rejected == tried);
    s.c.reset();
    CHECK(registry_bytes(s.cdir) == before);
    CHECK_FALSE(fs::exists(s.cdir / "quarantine"));
    // And the untouched file still imports.
    s.c = open_coordinator(s.cdir);
    CHECK(sync::import_batch(*s.c, good2).status == ImportStatus::accepted);
}

TEST_CASE("a record edited or deleted on the kiosk behind the API is detected at import", "[sync][import][log]") {
    // Each kind of rewrite, on each position of a three-record batch that follows an imported one.
    struct Case {
        const char* what;
        std::string sql;   // %d = the record's log position
    };
    const std::vector<Case> cases = {
        {"edit a name", "UPDATE registrants SET given_name = 'Forged' WHERE seq = %d"},
        {"edit the country", "UPDATE registrants SET country = 'DE' WHERE seq = %d"},
        {"edit the appeal", "UPDATE signatures SET appeal_id = 'free-elections' WHERE seq = %d"},
        {"edit the strokes", "UPDATE signatures SET strokes = substr(strokes, 1, length(strokes) - 4) WHERE seq = %d"},
        {"drop the consents", "UPDATE registrants SET consents = zeroblob(0) WHERE seq = %d"},
        {"delete the signature", "DELETE FROM signatures WHERE seq = %d"},
    };
    int detected = 0, total = 0, refused_by_export = 0;
    for (const auto& cs : cases) {
        for (int pos : {2, 3}) {  // positions 2 and 3 of the second batch (position 4 below)
            Setup s;
            auto k = make_kiosk(1);
            REQUIRE(s.c->enroll(k->public_key, "kiosk B").ok());
            submit(*k, submission(k->pack, "First", "Record"));
            REQUIRE(sync::import_batch(*s.c, export_one(*k, s.tmp.path / "b1")).status == ImportStatus::accepted);
            for (const char* n : {"Second", "Third", "Fourth"}) submit(*k, submission(k->pack, n, "Record"));
            std::string sql = cs.sql;
            sql.replace(sql.find("%d"), 2, std::to_string(pos));
            REQUIRE(embassy::test::kiosk_db(*k->store).exec("PRAGMA foreign_keys = OFF").ok());
            REQUIRE(embassy::test::kiosk_db(*k->store).exec(sql).ok());
            REQUIRE(embassy::test::kiosk_db(*k->store).changes() >= 1);
            auto exp = sync::export_batch(*k->store, s.tmp.path / "b2");
            if (!exp.ok()) {  // an export that refuses is a detection too (the kiosk saw the damage)
                ++total;
                ++detected;
                ++refused_by_export;
                continue;
            }
            REQUIRE(exp->wrote);
            auto o = sync::import_batch(*s.c, exp->path);
            ++total;
            INFO(cs.what << " at " << pos << ": " << sync::import_status_name(o.status) << ": " << o.reason);
            CHECK(o.status == ImportStatus::rejected);
            CHECK(o.alarm);
            if (o.status == ImportStatus::rejected && o.alarm) ++detected;
            CHECK(count(*s.c, "SELECT count(*) FROM signatures") == 1);
            CHECK(count(*s.c, "SELECT count(*) FROM alarms WHERE kind = 'log'") == 1);
        }
    }
    CHECK(detected == total);
    WARN("log rewrites detected: " << detected << "/" << total << " (" << refused_by_export << " already refused by the kiosk's export)");
}

TEST_CASE("deleting the last record before export is caught by the next batch", "[sync][import][log]") {
    Setup s;
    auto k = make_kiosk(1);
    REQUIRE(s.c->enroll(k->public_key, "kiosk B").ok());
    submit(*k, submission(k->pack, "One", "Record"));
    submit(*k, submission(k->pack, "Two", "Record"));
    REQUIRE(embassy::test::kiosk_db(*k->store).exec("DELETE FROM signatures WHERE seq = 2").ok());
    // The tail of a batch can vanish unseen (nothing after it commits to it) ...
    REQUIRE(sync::import_batch(*s.c, export_one(*k, s.tmp.path / "b1")).status == ImportStatus::accepted);
    submit(*k, submission(k->pack, "Three", "Record"));
    // ... but the next record's log position shows the hole.
    auto o = sync::import_batch(*s.c, export_one(*k, s.tmp.path / "b2"));
    CHECK(o.status == ImportStatus::rejected);
    CHECK(o.alarm);
    CHECK_THAT(o.reason, ContainsSubstring("log position"));
}

TEST_CASE("a batch rewritten and re-signed on a compromised kiosk fails the log check at the coordinator", "[sync][import][log]") {
    using Mutation = std::function<void(std::vector<sync::Record>&, std::size_t)>;  // index of the nth signature
    auto nth_signature = [](std::vector<sync::Record>& recs, std::size_t n) -> std::size_t {
        std::size_t seen = 0;
        for (std::size_t i = 0; i < recs.size(); ++i)
            if (std::holds_alternative<sync::SignatureRecord>(recs[i]) && seen++ == n) return i;
        FAIL("no such signature");
        return 0;
    };
    const std::vector<std::pair<const char*, Mutation>> mutations = {
        {"edit the registrant's name", [&](auto& recs, std::size_t n) {
             auto i = nth_signature(recs, n);
             const auto reg_seq = std::get<sync::SignatureRecord>(recs[i]).registrant_seq;
             for (auto& r : recs)
                 if (auto* g = std::get_if<sync::RegistrantRecord>(&r); g && g->seq == reg_seq) g->given_name = "Forged";
         }},
        // Rewrites a compromised kiosk would make: content the importer's own checks accept (a real
        // appeal text, a valid drawing, a consent text from the pack), which only the log exposes.
        {"change the appeal", [&](auto& recs, std::size_t n) {
             auto& s = std::get<sync::SignatureRecord>(recs[nth_signature(recs, n)]);
             const auto& other = world_pack().appeals.at(1);
             s.appeal_id = other.id;
             s.appeal_text_hash = other.text(s.lang)->hash;
         }},
        {"redraw the strokes", [&](auto& recs, std::size_t n) {
             auto& s = std::get<sync::SignatureRecord>(recs[nth_signature(recs, n)]);
             auto strokes = registry::decode_strokes(s.strokes);
             REQUIRE(strokes.ok());
             (*strokes)[0][1].y = static_cast<std::uint16_t>((*strokes)[0][1].y + 7);
             s.strokes = registry::encode_strokes(*strokes);
         }},
        {"swap the receipt commitment", [&](auto& recs, std::size_t n) {
             std::get<sync::SignatureRecord>(recs[nth_signature(recs, n)]).receipt_commitment[0] ^= 1;
         }},
        {"add a pass_name_to_addressee consent", [&](auto& recs, std::size_t n) {
             const auto& sig = std::get<sync::SignatureRecord>(recs[nth_signature(recs, n)]);
             const std::uint64_t at = sig.seq;  // the new consent takes the signature's number
             const sync::ConsentRecord added{at, sig.registrant_seq,
                                             static_cast<std::uint8_t>(registry::Purpose::pass_name_to_addressee),
                                             world_pack().consent(registry::Purpose::pass_name_to_addressee, sig.lang)->hash,
                                             sig.lang, sig.unix_minute};
             // Every record from there on moves up by one, references with it.
             auto shift = [at](std::uint64_t& v) { if (v >= at) ++v; };
             for (auto& r : recs)
                 std::visit([&](auto& x) {
                     using T = std::decay_t<decltype(x)>;
                     shift(x.seq);
                     if constexpr (std::is_same_v<T, sync::ConsentRecord> || std::is_same_v<T, sync::SignatureRecord>) shift(x.registrant_seq);
                     if constexpr (std::is_same_v<T, sync::ReceiptCommitmentRecord> || std::is_same_v<T, sync::WithdrawalRecord>) shift(x.signature_seq);
                 }, r);
             recs.insert(recs.begin() + static_cast<std::ptrdiff_t>(nth_signature(recs, n)), added);
         }},
        {"delete the signature", [&](auto& recs, std::size_t n) {
             recs.erase(recs.begin() + static_cast<std::ptrdiff_t>(nth_signature(recs, n)));
         }},
        {"swap two signatures", [&](auto& recs, std::size_t n) {
             auto i = nth_signature(recs, n), j = nth_signature(recs, (n + 1) % 3);
             std::swap(std::get<sync::SignatureRecord>(recs[i]).log_position, std::get<sync::SignatureRecord>(recs[j]).log_position);
         }},
    };
    int detected = 0, total = 0;
    for (const auto& [what, mutate] : mutations) {
        for (std::size_t n = 0; n < 3; ++n) {
            Setup s;
            auto k = make_kiosk(1);
            REQUIRE(s.c->enroll(k->public_key, "kiosk B").ok());
            submit(*k, submission(k->pack, "First", "Record"));
            REQUIRE(sync::import_batch(*s.c, export_one(*k, s.tmp.path / "b1")).status == ImportStatus::accepted);
            for (const char* g : {"Second", "Third", "Fourth"}) submit(*k, submission(k->pack, g, "Record"));
            const fs::path honest = export_one(*k, s.tmp.path / "b2");
            // The manifest keeps the kiosk's real log head, which the malware cannot rewrite unseen.
            const fs::path forged = rewrite(*k, honest, s.tmp.path / "forged",
                                            {[&](std::vector<sync::Record>& recs, sync::ManifestFields&) { mutate(recs, n); }});
            auto o = sync::import_batch(*s.c, forged);
            ++total;
            INFO(what << " (signature " << n << "): " << sync::import_status_name(o.status) << ": " << o.reason);
            CHECK(o.status == ImportStatus::rejected);
            CHECK(o.alarm);
            if (o.status == ImportStatus::rejected && o.alarm) ++detected;
            CHECK(count(*s.c, "SELECT count(*) FROM signatures") == 1);
            CHECK(count(*s.c, "SELECT count(*) FROM alarms WHERE kind = 'log'") == 1);
            // The honest batch is still accepted afterwards: the forged one left nothing behind but the alarm.
            CHECK(sync::import_batch(*s.c, honest).status == ImportStatus::accepted);
        }
    }
    CHECK(detected == total);
    WARN("re-signed rewrites detected by the coordinator's log check: " << detected << "/" << total);
}

TEST_CASE("a failure early in a large batch stops the reading thread and changes nothing", "[sync][import]") {
    // The registry fails on the first registration while the reader still has thousands of records
    // to hand over: the import must stop, reject, and leave no row behind (one transaction per
    // batch); once the obstacle is gone the same file imports whole.
    Setup s;
    auto k = make_kiosk(0);
    REQUIRE(s.c->enroll(k->public_key, "kiosk A").ok());
    constexpr int kSigners = 700;  // 700 x (registrant + consents + signature) > 2,000 records
    REQUIRE(embassy::test::kiosk_db(*k->store).exec("PRAGMA synchronous = OFF").ok());  // set-up speed only
    for (int i = 0; i < kSigners; ++i)
        submit(*k, submission(k->pack, "Signer", "Number" + std::string(1, static_cast<char>('a' + i % 26)) +
                                                     std::string(1, static_cast<char>('a' + i / 26 % 26)), i % 2));
    const fs::path file = export_one(*k, s.out);
    // An obstacle on the registry side: a member row whose id the import's first new member would
    // take is fine, but an `events` row for this kiosk's event with other content makes the import
    // fail at the batch's first records while the reader still holds thousands.
    REQUIRE(s.c->db().exec("INSERT INTO events(kiosk, kiosk_event_id, name, city, country, date) "
                           "SELECT 1, kiosk_event_id, 'Another rally', 'X', 'PL', '2000-01-01' FROM "
                           "(SELECT 1 AS kiosk_event_id UNION SELECT 2 UNION SELECT 3)")
                .ok());
    auto o = sync::import_batch(*s.c, file);
    CHECK(o.status == ImportStatus::rejected);
    CHECK(count(*s.c, "SELECT count(*) FROM signatures") == 0);
    CHECK(count(*s.c, "SELECT count(*) FROM members") == 0);
    CHECK(count(*s.c, "SELECT count(*) FROM batches") == 0);
    CHECK_THAT(o.reason, ContainsSubstring("differs from the one an earlier batch described"));

    REQUIRE(s.c->db().exec("DELETE FROM events").ok());
    auto again = sync::import_batch(*s.c, file);
    INFO(again.reason);
    REQUIRE(again.status == ImportStatus::accepted);
    CHECK(count(*s.c, "SELECT count(*) FROM signatures") == kSigners);
    CHECK(count(*s.c, "SELECT count(*) FROM receipts") == kSigners);
    CHECK(count(*s.c, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
    CHECK(count(*s.c, "PRAGMA foreign_keys") == 1);  // on again after the rejected import too
}

TEST_CASE("a kiosk's name must print as typed: enroll refuses controls and bidi controls", "[sync][import][enroll]") {
    Setup s;
    auto k = test::make_test_kiosk();
    for (const std::string& bad : {std::string("=cmd\x1b[31mRED\a"), std::string("A\xE2\x80\xAE" "X"),
                                  std::string("two\nlines"), std::string(),
                                  std::string(201, 'k'), std::string("\xC0\xAF")}) {
        auto r = s.c->enroll(k->store->info().public_key, bad);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.message(), ContainsSubstring("kiosk name"));
    }
    CHECK(s.c->kiosks().empty());
    CHECK(s.c->enroll(k->store->info().public_key, "Кіёск Варшава — намёт 2").ok());
}
