// Bounded work and state per batch and per kiosk (issue 9, items 5 and 8): gaps as ranges, seq
// jumps, one alarm per (kiosk, seq, kind), the cap on held-for-enrollment files, and reports that
// survive any value a batch could have stored.
#include "coord_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/sync/batch.hpp"
#include "embassy/sync/coord_ops.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <sodium.h>
#include <sys/stat.h>

#include <functional>

using namespace coord_test;
using Catch::Matchers::ContainsSubstring;
using sync::ImportStatus;

namespace {

struct Enrolled {
    test::TempDir tmp;
    fs::path cdir = tmp.path / "coord";
    std::unique_ptr<sync::Coordinator> c = open_coordinator(cdir);
    std::unique_ptr<Kiosk> k = make_kiosk(0);
    fs::path first, second;  // batches 1 (imported) and 2 (not)
    Enrolled() {
        REQUIRE(c->enroll(k->public_key, "kiosk A").ok());
        submit(*k, submission(k->pack, "Ales", "Bialiatski"));
        first = export_one(*k, tmp.path / "b1");
        REQUIRE(sync::import_batch(*c, first).status == ImportStatus::accepted);
        submit(*k, submission(k->pack, "Maryja", "Kalesnikava"));
        second = export_one(*k, tmp.path / "b2");
    }
    std::size_t files_in_quarantine() const {
        std::error_code ec;
        std::size_t n = 0;
        for (const auto& e : fs::directory_iterator(cdir / sync::coord_quarantine_dir, ec)) n += e.is_regular_file() ? 1 : 0;
        return n;
    }
};

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return static_cast<unsigned>(st.st_mode & 0777);
}

}  // namespace

TEST_CASE("a batch numbered far beyond its kiosk's last one is rejected with one alarm, not quarantined", "[sync][import][bounds]") {
    Enrolled e;
    const std::uint64_t far = std::uint64_t{1} << 40;
    auto o = sync::import_batch(*e.c, resign(*e.k, e.second, e.tmp.path / "f1", far));
    CHECK(o.status == ImportStatus::rejected);
    CHECK(o.alarm);
    CHECK_THAT(o.reason, ContainsSubstring("not quarantined"));
    CHECK(count(*e.c, "SELECT count(*) FROM quarantine") == 0);
    CHECK(e.files_in_quarantine() == 0);
    // Other far numbers: still one row, counted.
    for (std::uint64_t seq : {far + 1, ~std::uint64_t{0}, 2 + sync::import_max_seq_jump})
        CHECK(sync::import_batch(*e.c, resign(*e.k, e.second, e.tmp.path / "f2", seq)).status == ImportStatus::rejected);
    CHECK(count(*e.c, "SELECT count(*) FROM alarms") == 1);
    CHECK(count(*e.c, "SELECT repeats FROM alarms WHERE kind = 'seq jump' AND seq = 2") == 4);
    // The farthest number still waited for: a gap.
    auto edge = sync::import_batch(*e.c, resign(*e.k, e.second, e.tmp.path / "f3", 1 + sync::import_max_seq_jump));
    CHECK(edge.status == ImportStatus::quarantined);
    auto rep = sync::build_report(*e.c, 1800000000);
    REQUIRE(rep.ok());
    REQUIRE(rep->kiosks.size() == 1);
    CHECK(rep->kiosks[0].missing == "2.." + std::to_string(sync::import_max_seq_jump));
    // The honest batch 2 still imports, and then the waiting one's gap is 3..100000.
    CHECK(sync::import_batch(*e.c, e.second).status == ImportStatus::accepted);
}

TEST_CASE("forged repeats of one batch number make one alarm row with a count, beside a real alarm", "[sync][import][bounds][alarm]") {
    Enrolled e;
    for (int i = 0; i < 20; ++i) {
        auto o = sync::import_batch(*e.c, resign(*e.k, e.first, e.tmp.path / "forks", 1));
        CHECK(o.status == ImportStatus::rejected);
        CHECK(o.alarm);
    }
    CHECK(count(*e.c, "SELECT count(*) FROM alarms") == 1);
    CHECK(count(*e.c, "SELECT repeats FROM alarms WHERE kind = 'fork' AND seq = 1") == 20);
    CHECK(count(*e.c, "SELECT last_seen >= raised_at FROM alarms") == 1);
    // A real alarm of another kind is its own row and is not buried.
    REQUIRE(e.c->db().exec("UPDATE kiosks SET last_batch_hash = zeroblob(32)").ok());
    e.c = open_coordinator(e.cdir);
    CHECK(sync::import_batch(*e.c, e.second).alarm);
    CHECK(count(*e.c, "SELECT count(*) FROM alarms") == 2);
    auto rep = sync::build_report(*e.c, 1800000000);
    REQUIRE(rep.ok());
    REQUIRE(rep->alarms.size() == 2);
    CHECK_THAT(rep->alarms[0], ContainsSubstring("seen 20 times"));
    CHECK_THAT(rep->alarms[1], ContainsSubstring("chain"));
    CHECK_THAT(sync::report_text(*rep), ContainsSubstring("seen 20 times"));
}

TEST_CASE("a second batch waiting with the same number is a fork, so a kiosk's quarantine holds one file per number",
          "[sync][import][bounds]") {
    Enrolled e;
    CHECK(sync::import_batch(*e.c, resign(*e.k, e.second, e.tmp.path / "a", 5)).status == ImportStatus::quarantined);
    auto o = sync::import_batch(*e.c, resign(*e.k, e.second, e.tmp.path / "b", 5));
    CHECK(o.status == ImportStatus::rejected);
    CHECK(o.alarm);
    CHECK_THAT(o.reason, ContainsSubstring("FORK"));
    CHECK(count(*e.c, "SELECT count(*) FROM quarantine") == 1);
    CHECK(e.files_in_quarantine() == 1);
}

TEST_CASE("an alarm that cannot be recorded is said so in the outcome", "[sync][import][bounds][alarm]") {
    Enrolled e;
    REQUIRE(e.c->db().exec("DROP TABLE alarms").ok());
    auto o = sync::import_batch(*e.c, resign(*e.k, e.first, e.tmp.path / "f", 1));
    CHECK(o.status == ImportStatus::rejected);
    CHECK_FALSE(o.alarm);
    CHECK_THAT(o.reason, ContainsSubstring("FORK ALARM"));
    CHECK_THAT(o.reason, ContainsSubstring("alarm not recorded"));
}

TEST_CASE("held-for-enrollment files are capped by count and size, and stored 0600", "[sync][import][bounds][quarantine]") {
    test::TempDir tmp;
    const fs::path cdir = tmp.path / "coord";
    auto c = open_coordinator(cdir);
    auto k = make_kiosk(3);  // never enrolled: anyone with coordinator.pub can make such batches
    std::vector<fs::path> files;
    for (int i = 0; i < 4; ++i) {
        submit(*k, submission(k->pack, "Person", "Number" + std::string(1, static_cast<char>('a' + i))));
        files.push_back(export_one(*k, tmp.path / ("out" + std::to_string(i))));
        fs::permissions(files.back(), fs::perms(0644));
    }
    auto held_files = [&] {
        std::vector<fs::path> v;
        for (const auto& e : fs::directory_iterator(cdir / sync::coord_quarantine_dir)) v.push_back(e.path());
        return v;
    };
    sync::ImportOptions opts;
    opts.max_held_files = 2;
    for (int i = 0; i < 2; ++i) CHECK_THAT(sync::import_batch(*c, files[i], opts).reason, ContainsSubstring("held for enrollment"));
    auto third = sync::import_batch(*c, files[2], opts);
    CHECK(third.status == ImportStatus::rejected);
    CHECK_THAT(third.reason, ContainsSubstring("not held"));
    CHECK(held_files().size() == 2);
    for (const auto& f : held_files()) CHECK(mode_of(f) == 0600);
    // The size cap: what is held plus this file must fit.
    opts.max_held_files = 100;
    opts.max_held_bytes = fs::file_size(files[0]) + fs::file_size(files[1]) + fs::file_size(files[2]) - 1;
    CHECK_THAT(sync::import_batch(*c, files[2], opts).reason, ContainsSubstring("not held"));
    CHECK(held_files().size() == 2);
    opts.max_held_bytes += 1;
    CHECK_THAT(sync::import_batch(*c, files[2], opts).reason, ContainsSubstring("held for enrollment"));
    CHECK(held_files().size() == 3);
    // Waiting for a gap of an enrolled kiosk does not count against the cap, and is 0600 too.
    Enrolled e;
    const fs::path gap = resign(*e.k, e.second, e.tmp.path / "gap", 3);
    fs::permissions(gap, fs::perms(0644));
    CHECK(sync::import_batch(*e.c, gap).status == ImportStatus::quarantined);
    for (const auto& f : fs::directory_iterator(e.cdir / sync::coord_quarantine_dir)) CHECK(mode_of(f.path()) == 0600);
}

TEST_CASE("reports survive any value a batch could have stored: far seqs, minutes up to 2^63, empty and huge strings",
          "[sync][report][bounds]") {
    Enrolled e;
    REQUIRE(sync::import_batch(*e.c, e.second).status == ImportStatus::accepted);
    auto& db = e.c->db();
    // Rows the importer now refuses, written directly as an older version or another writer could have.
    REQUIRE(db.exec("INSERT INTO quarantine(kiosk, seq, batch_hash, file_hash, stored_file, reason, added_at) VALUES "
                    "(1, 1099511627776, x'01', x'01', 'a.embatch', '', 0),"
                    "(1, 9223372036854775807, x'02', x'02', 'b.embatch', '', 0),"
                    "(1, -1, x'03', x'03', 'c.embatch', '', 0),"
                    "(1, 4, x'04', x'04', 'd.embatch', '', 0)")
                .ok());
    REQUIRE(db.exec("UPDATE signatures SET unix_minute = 4611686018427387904 WHERE id = 1").ok());
    REQUIRE(db.exec("UPDATE signatures SET unix_minute = 9223372036854775807 WHERE id = 2").ok());
    REQUIRE(db.exec("UPDATE events SET name = '', city = hex(zeroblob(100000))").ok());
    REQUIRE(db.exec("UPDATE kiosks SET name = ''").ok());
    REQUIRE(db.exec("INSERT INTO alarms(kind, kiosk, seq, batch_hash, detail, raised_at, last_seen, repeats) "
                    "VALUES('fork', 1, -1, x'00', '', 9223372036854775807, -9223372036854775808, 9223372036854775807)")
                .ok());
    auto rep = sync::build_report(*e.c, std::int64_t{1} << 62);
    REQUIRE(rep.ok());
    REQUIRE(rep->kiosks.size() == 1);
    const auto& k = rep->kiosks[0];
    REQUIRE(k.gaps.size() == 4);
    CHECK(k.missing == "3, 5..1099511627775, 1099511627777..9223372036854775806, 9223372036854775808..18446744073709551614");
    std::string text, csv, html;
    REQUIRE_NOTHROW(text = sync::report_text(*rep));
    REQUIRE_NOTHROW(csv = sync::report_csv(*rep));
    REQUIRE_NOTHROW(html = sync::report_html(*rep));
    CHECK_THAT(text, ContainsSubstring("MISSING batch 3, 5..1099511627775"));
    CHECK_THAT(csv, ContainsSubstring("9223372036854775808..18446744073709551614"));
    CHECK_THAT(html, ContainsSubstring("9223372036854775808..18446744073709551614"));
    // Bounded by what is stored (two 200 kB event keys and a few lines), not by the numbers.
    CHECK(text.size() < 10000);
    CHECK(csv.size() < 1000000);
    CHECK(html.size() < 2000000);
}

TEST_CASE("schema 6 folds repeated alarms into one counted row per kiosk, seq and kind", "[sync][schema][alarm]") {
    test::TempDir t;
    registry::SecretBytes key(32);
    randombytes_buf(key.data(), 32);
    auto db = registry::Database::open(t.path / "registry.db", key);
    REQUIRE(db.ok());
    registry::Database& d = **db;
    REQUIRE(sync::coord_migrate_to(d, 3).ok());
    REQUIRE(d.exec("INSERT INTO kiosks(public_key, fingerprint, name, enrolled_at, last_batch_hash, log_head) "
                   "VALUES(x'01', 'FP', 'k', 1, x'00', x'00');"
                   "INSERT INTO alarms(kind, kiosk, seq, batch_hash, detail, raised_at) VALUES"
                   "('fork', 1, 3, x'a1', 'first', 100), ('fork', 1, 3, x'a2', 'second', 300), ('fork', 1, 3, x'a3', 'third', 200),"
                   "('log', 1, 3, x'a1', 'log', 150), ('fork', 1, 4, x'b1', 'other seq', 400)")
                .ok());
    REQUIRE(sync::coord_migrate_to(d, sync::coord_schema_latest()).ok());
    auto q = [&](const std::string& sql) {
        auto v = d.query_int(sql);
        REQUIRE(v.ok());
        return *v;
    };
    CHECK(q("SELECT count(*) FROM alarms") == 3);
    CHECK(q("SELECT repeats FROM alarms WHERE kind = 'fork' AND seq = 3") == 3);
    CHECK(q("SELECT raised_at FROM alarms WHERE kind = 'fork' AND seq = 3") == 100);
    CHECK(q("SELECT last_seen FROM alarms WHERE kind = 'fork' AND seq = 3") == 300);
    CHECK(q("SELECT count(*) FROM alarms WHERE kind = 'fork' AND seq = 3 AND detail = 'first' AND batch_hash = x'a1'") == 1);
    CHECK(q("SELECT repeats FROM alarms WHERE kind = 'log'") == 1);
    CHECK_FALSE(d.exec("INSERT INTO alarms(kind, kiosk, seq, batch_hash, detail, raised_at, last_seen) "
                       "VALUES('fork', 1, 4, x'c1', 'again', 1, 1)")
                    .ok());  // one row per (kiosk, seq, kind)
}
