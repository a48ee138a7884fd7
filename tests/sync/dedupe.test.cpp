// Deduplication at the coordinator: one member per person across kiosks and events, one counted
// signature per member and appeal, and precision/recall on the labelled name pairs.
#include "coord_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/receipt.hpp"
#include "embassy/sync/coord_ops.hpp"
#include "embassy/sync/dedupe.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <fstream>
#include <random>
#include <sstream>

using namespace coord_test;
using sync::ImportStatus;

TEST_CASE("the dedupe rule: name key, country, contact keys; empty keys never match", "[sync][dedupe]") {
    auto k = [](const char* g, const char* f, const char* c, const char* e = "", const char* p = "") {
        return sync::member_keys(g, f, c, e, p);
    };
    CHECK(sync::same_member(k("Сяргей", "Зянковіч", "PL"), k("Siarhei", "Ziankovich", "PL")));
    CHECK_FALSE(sync::same_member(k("Сяргей", "Зянковіч", "PL"), k("Siarhei", "Ziankovich", "LT")));
    // Another country, but the same email: the same person who moved.
    CHECK(sync::same_member(k("Сяргей", "Зянковіч", "PL", "s.z@example.org"), k("Siarhei", "Ziankovich", "LT", "S.Z@example.org")));
    // Same name and country, different emails: two people.
    CHECK_FALSE(sync::same_member(k("Ян", "Новік", "PL", "a@example.org"), k("Ян", "Новік", "PL", "b@example.org")));
    CHECK_FALSE(sync::same_member(k("Ян", "Новік", "PL", "", "+48600100200"), k("Ян", "Новік", "PL", "", "+48600999999")));
    // Same email, different name: a shared family address, not one person.
    CHECK_FALSE(sync::same_member(k("Ян", "Новік", "PL", "home@example.org"), k("Ганна", "Новік", "PL", "home@example.org")));
    // Nothing to match on.
    CHECK_FALSE(sync::same_member(k("", "", "PL"), k("", "", "PL")));
    CHECK_FALSE(sync::same_member(k("123", "", "PL"), k("123", "", "PL")));
}

TEST_CASE("one person at two kiosks and events becomes one member and counts once per appeal", "[sync][dedupe]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    auto a = make_kiosk(0);  // Warszawa
    auto b = make_kiosk(1);  // Vilnius
    REQUIRE(c->enroll(a->public_key, "A").ok());
    REQUIRE(c->enroll(b->public_key, "B").ok());
    submit(*a, submission(a->pack, "Аляксандра", "Ціханоўская", 0));   // appeal 0
    submit(*a, submission(a->pack, "Maryja", "Kalesnikava", 0));
    submit(*b, submission(b->pack, "Aliaksandra", "Tsikhanouskaya", 0)); // same person, same appeal: duplicate
    submit(*b, submission(b->pack, "Александра", "Тихановская", 1));     // same person, other appeal: counted
    submit(*b, submission(b->pack, "Maryja", "Kalesnikava", 1, false, "LT")); // other country: another member
    REQUIRE(sync::import_batch(*c, export_one(*a, tmp.path / "a")).status == ImportStatus::accepted);
    auto ob = sync::import_batch(*c, export_one(*b, tmp.path / "b"));
    REQUIRE(ob.status == ImportStatus::accepted);
    CHECK(ob.duplicates == 1);
    CHECK(count(*c, "SELECT count(*) FROM signatures") == 5);
    CHECK(count(*c, "SELECT count(*) FROM members") == 3);
    CHECK(count(*c, "SELECT count(*) FROM signatures WHERE duplicate_of IS NOT NULL") == 1);
    // Both rows are kept; the later one points at the earlier one.
    CHECK(count(*c, "SELECT count(*) FROM signatures d JOIN signatures o ON o.id = d.duplicate_of "
                    "WHERE d.member = o.member AND d.appeal_id = o.appeal_id AND d.id > o.id") == 1);
    CHECK(count(*c, "SELECT count(*) FROM signatures WHERE appeal_id = 'political-prisoners' AND duplicate_of IS NULL") == 2);
    CHECK(count(*c, "SELECT count(*) FROM signatures WHERE appeal_id = 'free-elections' AND duplicate_of IS NULL") == 2);
}

TEST_CASE("the counted signature follows withdrawals: same object, reopened, and another process's", "[sync][dedupe]") {
    // Which signature counts is kept in memory (CountedIndex); the database rows are the truth.
    test::TempDir tmp;
    const fs::path dir = tmp.path / "coord";
    auto c = open_coordinator(dir);
    auto k = make_kiosk(0);
    REQUIRE(c->enroll(k->public_key, "A").ok());
    auto commitment = [](const std::string& code) {
        auto p = registry::receipt_parse(code);
        REQUIRE(p.ok());
        return registry::receipt_commitment(*p);
    };
    auto where = [&](const std::string& code) { return " WHERE r.commitment = x'" + to_hex(commitment(code)) + "'"; };
    auto id_of = [&](sync::Coordinator& co, const std::string& code) {
        return count(co, "SELECT r.signature FROM receipts r" + where(code));
    };
    auto duplicate_of = [&](sync::Coordinator& co, const std::string& code) {
        return count(co, "SELECT coalesce(s.duplicate_of, 0) FROM receipts r JOIN signatures s ON s.id = r.signature" + where(code));
    };
    auto withdraw = [&](sync::Coordinator& co, const std::string& code) {
        auto w = sync::withdraw_signature(co, commitment(code), 1800000000);
        REQUIRE(w.ok());
        REQUIRE(*w);
    };
    auto import = [&](sync::Coordinator& co, const char* out) {
        auto o = sync::import_batch(co, export_one(*k, tmp.path / out));
        REQUIRE(o.status == ImportStatus::accepted);
    };
    // One counted signature per member and appeal among those not withdrawn, and every duplicate
    // points at it.
    auto consistent = [&](sync::Coordinator& co) {
        CHECK(count(co, "SELECT count(*) FROM (SELECT 1 FROM signatures WHERE duplicate_of IS NULL AND withdrawn_at IS NULL "
                        "GROUP BY member, appeal_id HAVING count(*) > 1)") == 0);
        CHECK(count(co, "SELECT count(*) FROM signatures d JOIN signatures o ON o.id = d.duplicate_of "
                        "WHERE o.duplicate_of IS NOT NULL OR o.withdrawn_at IS NOT NULL OR o.member <> d.member") == 0);
    };

    const std::string s1 = submit(*k, submission(k->pack, "Аляксандра", "Ціханоўская", 0));
    const std::string s2 = submit(*k, submission(k->pack, "Aliaksandra", "Tsikhanouskaya", 0));
    const std::string other = submit(*k, submission(k->pack, "Aliaksandra", "Tsikhanouskaya", 1));
    import(*c, "b1");
    CHECK(duplicate_of(*c, s2) == id_of(*c, s1));
    CHECK(duplicate_of(*c, other) == 0);  // another appeal counts on its own

    withdraw(*c, s1);  // the count moves to s2
    CHECK(duplicate_of(*c, s2) == 0);
    const std::string s3 = submit(*k, submission(k->pack, "Aliaksandra", "Tsikhanouskaya", 0));
    import(*c, "b2");  // the same object: its index followed the withdrawal
    CHECK(duplicate_of(*c, s3) == id_of(*c, s2));
    consistent(*c);

    {
        auto other_process = open_coordinator(dir);  // a second connection, its own index
        withdraw(*other_process, s2);                // the count moves to s3 behind c's back
        CHECK(duplicate_of(*other_process, s3) == 0);
    }
    const std::string s4 = submit(*k, submission(k->pack, "Aliaksandra", "Tsikhanouskaya", 0));
    import(*c, "b3");  // c notices the withdrawal it did not make and reloads
    CHECK(duplicate_of(*c, s4) == id_of(*c, s3));
    consistent(*c);

    c.reset();
    auto reopened = open_coordinator(dir);  // a fresh index, loaded from the tables
    withdraw(*reopened, s4);                // a duplicate: the count stays with s3
    const std::string s5 = submit(*k, submission(k->pack, "Aliaksandra", "Tsikhanouskaya", 0));
    const std::string other2 = submit(*k, submission(k->pack, "Аляксандра", "Ціханоўская", 1));
    import(*reopened, "b4");
    CHECK(duplicate_of(*reopened, s5) == id_of(*reopened, s3));
    CHECK(duplicate_of(*reopened, other2) == id_of(*reopened, other));
    consistent(*reopened);
    CHECK(count(*reopened, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
    auto rep = sync::build_report(*reopened, 1800000000);
    REQUIRE(rep.ok());
    CHECK(rep->members == 1);
    for (const auto& a : rep->appeals) CHECK(a.counted == 1);
}

TEST_CASE("precision and recall of the coordinator's dedupe on the labelled name pairs", "[sync][dedupe]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    std::ifstream in(std::string(EMBASSY_TEST_DATA) + "/name-pairs.tsv");
    REQUIRE(in);
    std::string line;
    int tp = 0, fp = 0, fn = 0, tn = 0, pairs = 0;
    bool header = true;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (header) {
            header = false;
            continue;
        }
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, '\t')) f.push_back(cell);
        REQUIRE(f.size() == 5);
        const bool same = f[4] == "same";
        // Through the real index path: the first registration creates a member, the second looks
        // it up; then roll back so pairs do not see each other.
        registry::Transaction tx(c->db());
        REQUIRE(tx.begun().ok());
        auto m1 = sync::find_or_create_member(c->db(), sync::member_keys(f[0], f[1], "PL", "", ""));
        auto m2 = sync::find_or_create_member(c->db(), sync::member_keys(f[2], f[3], "PL", "", ""));
        REQUIRE(m1.ok());
        REQUIRE(m2.ok());
        const bool matched = m1->member == m2->member;
        CHECK(matched == sync::same_member(sync::member_keys(f[0], f[1], "PL", "", ""), sync::member_keys(f[2], f[3], "PL", "", "")));
        ++pairs;
        if (same && matched) ++tp;
        else if (!same && matched) ++fp;
        else if (same && !matched) ++fn;
        else ++tn;
    }  // each Transaction rolls back
    REQUIRE(pairs >= 60);
    CHECK(count(*c, "SELECT count(*) FROM members") == 0);
    const double precision = tp + fp ? double(tp) / (tp + fp) : 1.0;
    const double recall = tp + fn ? double(tp) / (tp + fn) : 1.0;
    WARN("coordinator dedupe on " << pairs << " labelled pairs: precision " << precision << ", recall " << recall << " (tp " << tp
                                  << ", fp " << fp << ", fn " << fn << ", tn " << tn << ")");
    CHECK(precision >= 0.95);
    CHECK(recall >= 0.85);
}

// [SECTION] The member index against the rule
namespace {

// The rule's answer, by brute force over every member: the lowest id among those same_member()
// accepts through an equal email, else through an equal phone, else the lowest it accepts at all.
std::int64_t expected_member(const std::vector<std::pair<std::int64_t, sync::MemberKeys>>& members, const sync::MemberKeys& k) {
    std::int64_t by_email = 0, by_phone = 0, any = 0;
    for (const auto& [id, m] : members) {
        if (!sync::same_member(k, m)) continue;
        if (by_email == 0 && !k.email_key.empty() && k.email_key == m.email_key) by_email = id;
        if (by_phone == 0 && !k.phone_key.empty() && k.phone_key == m.phone_key) by_phone = id;
        if (any == 0) any = id;
    }
    return by_email != 0 ? by_email : by_phone != 0 ? by_phone : any;
}

}  // namespace

TEST_CASE("the member index gives the rule's member for random registrations, also after members learn keys",
          "[sync][dedupe][property]") {
    const std::uint32_t seed = GENERATE(1u, 2u, 3u, 4u);
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    std::mt19937 rng(seed);
    auto pick = [&](std::initializer_list<const char*> v) {
        return std::string(*(v.begin() + std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)));
    };
    // Few values, so registrations collide on every key and members learn emails and phones.
    // Contacts are drawn from more values than names, so buckets hold members that contradict
    // each other and some of them later learn a key and leave the buckets of members without one.
    auto contact = [&](char tag) {
        const int v = std::uniform_int_distribution<int>(0, 29)(rng);
        return v < 12 ? std::string() : std::string(1, tag) + std::to_string(v);
    };
    auto random_keys = [&] {
        return sync::MemberKeys{pick({"", "ales", "ales", "yan", "hanna"}), pick({"", "PL", "PL", "LT"}), contact('e'), contact('p')};
    };
    auto index = std::make_unique<sync::MemberIndex>();
    std::vector<std::pair<std::int64_t, sync::MemberKeys>> members;  // the model, in id order
    for (int round = 0; round < 60; ++round) {
        const auto before = members;
        registry::Transaction tx(c->db());
        REQUIRE(tx.begun().ok());
        REQUIRE(index->sync(c->db()).ok());
        for (int i = 0; i < 25; ++i) {
            const sync::MemberKeys k = random_keys();
            const std::int64_t want = expected_member(members, k);
            auto got = index->find_or_create(c->db(), k);
            REQUIRE(got.ok());
            INFO("seed " << seed << " round " << round << " keys [" << k.name_key << "|" << k.country << "|" << k.email_key
                         << "|" << k.phone_key << "]");
            if (want == 0) {
                REQUIRE(got->created);
                members.emplace_back(got->member, k);
            } else {
                REQUIRE_FALSE(got->created);
                REQUIRE(got->member == want);
                for (auto& [id, m] : members)
                    if (id == want) {
                        if (m.email_key.empty()) m.email_key = k.email_key;  // a member learns keys it lacked
                        if (m.phone_key.empty()) m.phone_key = k.phone_key;
                    }
            }
        }
        if (round % 4 == 3) {  // rolled back: the index forgets with the transaction
            index->rollback();
            members = before;
        } else {
            REQUIRE(tx.commit().ok());
            index->commit();
        }
        CHECK(index->scans() == 0);  // every answer came from its bucket, none from the fallback
        if (round % 10 == 9) index = std::make_unique<sync::MemberIndex>();  // reopened: loaded from the table
    }
    CHECK(count(*c, "SELECT count(*) FROM members") == static_cast<std::int64_t>(members.size()));
}

TEST_CASE("registrations under one name key with contradicting contacts cost one member row read each at most",
          "[sync][dedupe][bounds]") {
    // 8,000 registrations that share a name key and country but whose emails and phones contradict
    // each other (so thousands of members share that name key), against 8,000 distinct names. The
    // old index read every member with the name key for each lookup: 8,000²/2 rows.
    constexpr int kN = 8000;
    auto rows_for = [&](bool same_name) {
        test::TempDir tmp;
        auto c = open_coordinator(tmp.path / "coord");
        sync::MemberIndex index;
        registry::Transaction tx(c->db());
        REQUIRE(tx.begun().ok());
        for (int i = 0; i < kN; ++i) {
            const std::string name = same_name ? std::string("ales bialiatski") : "name " + std::to_string(i);
            const std::string e = i % 3 == 2 ? "" : "e" + std::to_string(i), p = i % 3 == 1 ? "" : "p" + std::to_string(i);
            REQUIRE(index.find_or_create(c->db(), sync::MemberKeys{name, "PL", e, p}).ok());
            if (i % 1000 == 999) {  // a batch commits
                REQUIRE(tx.commit().ok());
                index.commit();
                REQUIRE(c->db().exec("BEGIN").ok());
            }
        }
        REQUIRE(c->db().exec("COMMIT").ok());
        return std::pair{index.rows_read(), count(*c, "SELECT count(*) FROM members")};
    };
    const auto [same_rows, same_members] = rows_for(true);
    const auto [distinct_rows, distinct_members] = rows_for(false);
    CHECK(distinct_members == kN);
    CHECK(same_members > kN / 2);  // most contradict every earlier one
    CHECK(same_rows <= static_cast<std::uint64_t>(kN));  // the old index: about 10⁷
    CHECK(distinct_rows <= static_cast<std::uint64_t>(kN));
}
