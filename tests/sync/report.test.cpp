// After import: reports, signatories export, withdrawal, published receipts, acknowledgement and
// the kiosk's purge (threat 14).
#include "coord_fixture.hpp"
#include "file_limit.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/receipt.hpp"
#include "embassy/sync/coord_ops.hpp"
#include "embassy/sync/kiosk_export.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <sodium.h>

#include <cctype>
#include <fstream>
#include <iterator>

using namespace coord_test;
using Catch::Matchers::ContainsSubstring;
using sync::ImportStatus;

namespace {

// Kiosk A: four people (one signs appeal 0 twice), two consent to passing their name on.
struct Imported {
    test::TempDir tmp;
    std::unique_ptr<sync::Coordinator> c = open_coordinator(tmp.path / "coord");
    std::unique_ptr<Kiosk> k = make_kiosk(0);
    std::vector<std::string> codes;
    Imported() {
        REQUIRE(c->enroll(k->public_key, "kiosk A").ok());
        codes.push_back(submit(*k, submission(k->pack, "Canaryanna", "O'Zzyzx", 0, true)));
        codes.push_back(submit(*k, submission(k->pack, "Ales", "Bialiatski", 0, true, "LT")));
        codes.push_back(submit(*k, submission(k->pack, "Maryja", "Kalesnikava", 0, false)));
        codes.push_back(submit(*k, submission(k->pack, "Ales", "Bialiatski", 0, true, "LT")));   // duplicate
        codes.push_back(submit(*k, submission(k->pack, "Ihar", "Losik", 1, true, "DE")));
        auto o = sync::import_batch(*c, export_one(*k, tmp.path / "out"));
        REQUIRE(o.status == ImportStatus::accepted);
    }
};

}  // namespace

TEST_CASE("no plaintext in the coordinator's directory: registry, journal, held files", "[sync][report][canary]") {
    Imported w;
    // Positive control: the name is in the registry, readable through its key.
    CHECK(count(*w.c, "SELECT count(*) FROM signatures WHERE given_name = 'Canaryanna'") == 1);
    // A withdrawal is one more write transaction through the rollback journal.
    auto code = registry::receipt_parse(w.codes[2]);
    REQUIRE(code.ok());
    REQUIRE(sync::withdraw_signature(*w.c, registry::receipt_commitment(*code), 1800000000).ok());
    for (const char* needle : {"Canaryanna", "Zzyzx", "Kalesnikava"}) {
        INFO(needle);
        CHECK(test::count_hits_in_dir(w.c->dir(), needle) == 0);  // open
    }
    const fs::path dir = w.c->dir();
    w.c.reset();
    for (const char* needle : {"Canaryanna", "Zzyzx", "Kalesnikava"}) {
        INFO(needle);
        CHECK(test::count_hits_in_dir(dir, needle) == 0);  // closed
    }
}

TEST_CASE("coord check: a sound registry passes, each broken rule is named", "[sync][report][check]") {
    Imported w;
    auto ok = sync::check_registry(*w.c);
    REQUIRE(ok.ok());
    CHECK(ok->batches == 1);
    CHECK(ok->signatures == 5);
    CHECK(ok->members == 4);
    auto broken = [&](const char* sql, const char* rule) {
        REQUIRE(w.c->db().exec("SAVEPOINT t").ok());
        REQUIRE(w.c->db().exec(sql).ok());
        auto r = sync::check_registry(*w.c);
        CHECK_FALSE(r.ok());
        if (!r.ok()) CHECK_THAT(r.message(), ContainsSubstring(rule));
        CHECK(r.message().find("Canaryanna") == std::string::npos);
        REQUIRE(w.c->db().exec("ROLLBACK TO t; RELEASE t").ok());
    };
    broken("DELETE FROM receipts WHERE signature = (SELECT max(signature) FROM receipts)", "a receipt row for every signature");
    broken("UPDATE receipts SET member = member + 100 WHERE signature = 1", "receipts say who signed what");
    broken("UPDATE batches SET signatures = signatures + 1", "batch signature counts");
    broken("UPDATE kiosks SET log_size = log_size - 1", "kiosk log sizes");
    broken("UPDATE signatures SET duplicate_of = NULL", "one counted signature per member and appeal");
    broken("UPDATE receipts SET commitment = (SELECT commitment FROM receipts WHERE signature = 1) WHERE signature = 5",
           "receipt commitments are unique");
    broken("UPDATE signatures SET duplicate_of = (SELECT min(id) FROM signatures WHERE appeal_id <> 'political-prisoners') "
           "WHERE duplicate_of IS NOT NULL", "duplicates point at a counted signature");
    REQUIRE(sync::check_registry(*w.c).ok());  // all rolled back
}

TEST_CASE("the report counts per appeal, country, kiosk and day without names", "[sync][report]") {
    Imported w;
    auto r = sync::build_report(*w.c, 1800000000);
    REQUIRE(r.ok());
    REQUIRE(r->appeals.size() == 2);
    CHECK(r->appeals[0].key == "free-elections");
    CHECK(r->appeals[0].counted == 1);
    CHECK(r->appeals[1].key == "political-prisoners");
    CHECK(r->appeals[1].received == 4);
    CHECK(r->appeals[1].counted == 3);
    CHECK(r->appeals[1].duplicates == 1);
    CHECK(r->members == 4);
    REQUIRE(r->kiosks.size() == 1);
    CHECK(r->kiosks[0].signatures == 5);
    std::int64_t by_country = 0;
    for (const auto& t : r->countries) by_country += t.counted;
    CHECK(by_country == 4);
    const std::string csv = sync::report_csv(*r), html = sync::report_html(*r), text = sync::report_text(*r);
    CHECK_THAT(csv, ContainsSubstring("section,key,label,appeal,received,counted,duplicates,withdrawn,detail\r\n"));
    CHECK_THAT(csv, ContainsSubstring("appeal,\"political-prisoners\",\"political-prisoners\",\"political-prisoners\",4,3,1,0,\"\"\r\n"));
    CHECK_THAT(csv, ContainsSubstring("total,\"all\",\"all appeals\",\"\",5,4,1,0,\"\"\r\n"));
    CHECK_THAT(html, ContainsSubstring("<svg"));
    CHECK_THAT(html, ContainsSubstring("@media print"));
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("http") == std::string::npos);  // self-contained: nothing fetched
    for (const std::string& doc : {csv, html, text}) {
        CHECK(doc.find("Canaryanna") == std::string::npos);
        CHECK(doc.find("Bialiatski") == std::string::npos);
    }
}

TEST_CASE("signatories: only consenting, counted, not withdrawn; RFC 4180", "[sync][report]") {
    Imported w;
    const fs::path csv = w.tmp.path / "signatories.csv";
    auto r = sync::export_signatories(*w.c, "political-prisoners", csv);
    REQUIRE(r.ok());
    CHECK(r->written == 2);
    CHECK(r->counted_without_consent == 1);
    CHECK(r->duplicates == 1);
    const std::string text = slurp(csv);
    CHECK(text.rfind("given_name,family_name,country,city,signed_on\r\n", 0) == 0);
    CHECK_THAT(text, ContainsSubstring("\"Canaryanna\",\"O'Zzyzx\",\"PL\",\"Warszawa\","));
    CHECK_THAT(text, ContainsSubstring("\"Ales\",\"Bialiatski\",\"LT\","));
    CHECK(text.find("Kalesnikava") == std::string::npos);
    CHECK(text.find("Losik") == std::string::npos);  // other appeal
    CHECK(sync::csv_cell("a\"b") == "\"a\"\"b\"");
    CHECK_FALSE(sync::export_signatories(*w.c, "no-such-appeal", csv).ok());

    SECTION("withdrawing removes from export and counts; a duplicate takes the withdrawn one's place") {
        auto code = registry::receipt_parse(w.codes[1]);
        REQUIRE(code.ok());
        auto wd = sync::withdraw_signature(*w.c, registry::receipt_commitment(*code), 1800000000);
        REQUIRE(wd.ok());
        CHECK(*wd);
        // Ales signed twice: the second signature now counts, so he is still on the list once.
        auto r2 = sync::export_signatories(*w.c, "political-prisoners", csv);
        REQUIRE(r2.ok());
        CHECK(r2->written == 2);
        CHECK(r2->withdrawn == 1);
        CHECK(r2->duplicates == 0);
        // Withdraw the other one too: gone.
        auto code2 = registry::receipt_parse(w.codes[3]);
        REQUIRE(code2.ok());
        REQUIRE(sync::withdraw_signature(*w.c, registry::receipt_commitment(*code2), 1800000000).ok());
        auto r3 = sync::export_signatories(*w.c, "political-prisoners", csv);
        REQUIRE(r3.ok());
        CHECK(r3->written == 1);
        CHECK(slurp(csv).find("Bialiatski") == std::string::npos);
        auto rep = sync::build_report(*w.c, 1800000000);
        REQUIRE(rep.ok());
        CHECK(rep->appeals[1].counted == 2);
        CHECK(rep->appeals[1].withdrawn == 2);
        // Unknown code.
        auto none = sync::withdraw_signature(*w.c, registry::receipt_commitment(registry::receipt_generate()), 1);
        REQUIRE(none.ok());
        CHECK_FALSE(*none);
    }
}

TEST_CASE("the signatories CSV is written through a fresh temp file and leaves nothing on a failed write", "[sync][report][diskfull]") {
    Imported w;
    const fs::path dir = w.tmp.path / "csv";   // ("out" holds the fixture's batches)
    fs::create_directories(dir);
    const fs::path csv = dir / "signatories.csv";
    // A file under the old fixed temp name (another writer's, or planted) is neither truncated nor
    // renamed into place.
    std::ofstream(dir / "signatories.csv.tmp") << "planted";
    REQUIRE(sync::export_signatories(*w.c, "political-prisoners", csv).ok());
    CHECK(slurp(dir / "signatories.csv.tmp") == "planted");
    CHECK_THAT(slurp(csv), ContainsSubstring("Bialiatski"));
    fs::remove(dir / "signatories.csv.tmp");
    fs::remove(csv);

    {   // A full disk (test::FileSizeLimit below the header line's size): the export fails naming
        // the file and no name, and leaves no file at all.
        test::FileSizeLimit full(16);
        REQUIRE(full.ok());
        auto r = sync::export_signatories(*w.c, "political-prisoners", csv);
        REQUIRE_FALSE(r.ok());
        CHECK(r.message() == csv.string() + ": write failed: File too large");
    }
    CHECK(fs::is_empty(dir));
    // Room again: the same export succeeds.
    auto again = sync::export_signatories(*w.c, "political-prisoners", csv);
    REQUIRE(again.ok());
    CHECK(again->written == 2);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
}

TEST_CASE("published receipts: listed, not found, and a tampered root is refused", "[sync][report][receipts]") {
    Imported w;
    const fs::path pub = w.tmp.path / "published";
    const registry::PublicIdentity& me = world().keys.identity;
    // Withdraw one first: it must not be published.
    auto wcode = registry::receipt_parse(w.codes[4]);
    REQUIRE(wcode.ok());
    REQUIRE(sync::withdraw_signature(*w.c, registry::receipt_commitment(*wcode), 1).ok());
    auto root = sync::publish_receipts(*w.c, pub, 1800000000);
    REQUIRE(root.ok());
    CHECK(root->tree_size == 4);  // 5 signatures - 1 withdrawn; the duplicate is listed (threat model row 16)
    for (int i : {0, 1, 2, 3}) {
        auto v = sync::verify_published_receipt(pub, w.codes[static_cast<std::size_t>(i)], me);
        REQUIRE(v.ok());
        CHECK(v->counted);
        CHECK(v->coordinator_fingerprint == me.fingerprint());
    }
    auto withdrawn = sync::verify_published_receipt(pub, w.codes[4], me);
    REQUIRE(withdrawn.ok());
    CHECK_FALSE(withdrawn->counted);
    auto unknown = sync::verify_published_receipt(pub, registry::receipt_generate().formatted(), me);
    REQUIRE(unknown.ok());
    CHECK_FALSE(unknown->counted);
    CHECK_FALSE(sync::verify_published_receipt(pub, "not a code", me).ok());

    SECTION("a flipped byte in the root is refused") {
        std::string r = slurp(pub / "receipts.root");
        r[30] = static_cast<char>(r[30] ^ 1);
        std::ofstream(pub / "receipts.root", std::ios::binary | std::ios::trunc) << r;
        CHECK_FALSE(sync::verify_published_receipt(pub, w.codes[0], me).ok());
    }
    SECTION("a leaf swapped for another is refused") {
        std::string l = slurp(pub / "receipts.leaves");
        l[l.size() - 1] = static_cast<char>(l[l.size() - 1] ^ 1);
        std::ofstream(pub / "receipts.leaves", std::ios::binary | std::ios::trunc) << l;
        CHECK_FALSE(sync::verify_published_receipt(pub, w.codes[0], me).ok());
    }
    SECTION("another coordinator's identity is refused when pinned") {
        registry::PublicIdentity other = me;
        other.sign_key[0] ^= 1;
        CHECK_FALSE(sync::verify_published_receipt(pub, w.codes[0], other).ok());
        CHECK(sync::verify_published_receipt(pub, w.codes[0], me).ok());
    }
    SECTION("the fingerprint, in any spelling, pins identity.pub") {
        std::string fp = me.fingerprint();
        auto v = sync::verify_published_receipt(pub, w.codes[0], fp);
        REQUIRE(v.ok());
        CHECK(v->counted);
        std::erase(fp, ' ');
        for (char& ch : fp) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        CHECK(sync::verify_published_receipt(pub, w.codes[0], fp).ok());
        CHECK_FALSE(sync::verify_published_receipt(pub, w.codes[0], std::string("not a fingerprint")).ok());
    }
}

TEST_CASE("the acknowledgement makes the kiosk purge: 0 personal rows, canary gone", "[sync][report][ack]") {
    Imported w;
    CHECK_FALSE(sync::make_ack(*w.c, "0000 0000 0000 0000 0000", 1).ok());
    sync::Ack ack;
    auto bytes = sync::make_ack(*w.c, w.k->fingerprint, 1800000000, &ack);
    REQUIRE(bytes.ok());
    CHECK(ack.first_seq == 1);
    CHECK(ack.last_seq == 1);
    CHECK(ack.kiosk_public_key == w.k->public_key);
    // Not yet purged: the kiosk still holds the canary (through its own key).
    CHECK(w.k->store->counts().value().registrants == 5);
    auto p = sync::apply_ack(*w.k->store, *bytes);
    INFO((p.ok() ? std::string() : p.message()));
    REQUIRE(p.ok());
    CHECK(p->purged == 5);
    CHECK(w.k->store->counts().value().registrants == 0);
    CHECK(w.k->store->counts().value().signatures == 5);
    auto rows = embassy::test::kiosk_db(*w.k->store).query_int(
        "SELECT count(*) FROM registrants WHERE given_name IS NOT NULL OR family_name IS NOT NULL OR email IS NOT NULL");
    REQUIRE(rows.ok());
    CHECK(*rows == 0);
    auto canary = embassy::test::kiosk_db(*w.k->store).query_int("SELECT count(*) FROM signatures WHERE strokes IS NOT NULL OR typed_name IS NOT NULL");
    REQUIRE(canary.ok());
    CHECK(*canary == 0);
    w.k->store->lock();
    CHECK(test::count_hits_in_dir(w.k->dir.path, "Canaryanna") == 0);
    CHECK(test::count_hits_in_dir(w.k->dir.path, "Zzyzx") == 0);
    // Receipts stay checkable on the coordinator's side.
    CHECK(sync::publish_receipts(*w.c, w.tmp.path / "pub", 1).ok());
    auto v = sync::verify_published_receipt(w.tmp.path / "pub", w.codes[0], world().keys.identity);
    REQUIRE(v.ok());
    CHECK(v->counted);
}

TEST_CASE("an acknowledgement from another coordinator is refused by the kiosk", "[sync][report][ack]") {
    Imported w;
    sync::CoordinatorKeys other;
    other.identity = world().keys.identity;
    other.box_secret = registry::SecretBytes(world().keys.box_secret.data(), 32);
    other.sign_secret = registry::SecretBytes(64);
    SignPublicKey pk{};
    crypto_sign_keypair(pk.data(), other.sign_secret.data());
    other.identity.sign_key = pk;
    auto c2 = sync::Coordinator::open_with(w.tmp.path / "c2", other, world().db_key);
    REQUIRE(c2.ok());
    REQUIRE((*c2)->enroll(w.k->public_key, "A").ok());
    // c2 has imported nothing; build an ack by hand that claims batch 1.
    sync::Ack forged{w.k->public_key, 1, 1, {}, 5, 1};
    auto bytes = sync::ack_write(forged, other.sign_secret);
    REQUIRE(bytes.ok());
    CHECK_FALSE(sync::apply_ack(*w.k->store, *bytes).ok());
    CHECK(w.k->store->counts().value().registrants == 5);
}

TEST_CASE("a CSV cell is quoted, and guarded wherever a spreadsheet could start a formula", "[sync][report][escape]") {
    struct Case { std::string in, out; };
    const auto c = GENERATE(values<Case>({
        {"Ales", "\"Ales\""},
        {"", "\"\""},
        {"Anna-Maria", "\"Anna-Maria\""},                   // a hyphen inside a word starts nothing
        {"=SUM(A1)", "\"'=SUM(A1)\""},
        {"+48 600", "\"'+48 600\""},
        {"-2", "\"'-2\""},
        {"@cmd", "\"'@cmd\""},
        {"x;=2+5;", "\"x;'=2+5;\""},                        // a ;-splitting locale (pl, de, lt)
        {"x,=1", "\"x,'=1\""},
        {"x| -1", "\"x| '-1\""},
        {"say \"=1\"", "\"say \"\"'=1\"\"\""},
        {"a\tb=1", "\"a\\x09b=1\""},                       // no raw tab to split on
        {"line\nbreak", "\"line\\x0Abreak\""},
        {std::string("nul\0x", 5), "\"nul\\x00x\""},
        {"bel\a", "\"bel\\x07\""},
        {"\x1b[8m", "\"\\x1B[8m\""},
        {"\xe2\x80\xaeRLO", "\"\\u{202E}RLO\""},
    }));
    CAPTURE(c.in);
    CHECK(sync::csv_cell(c.in) == c.out);
}

TEST_CASE("withdraw says what happened: withdrawn now, already withdrawn, was a duplicate, not found", "[sync][report][withdraw]") {
    Imported w;   // codes[1] and codes[3]: Ales twice (codes[3] the duplicate); codes[2]: Maryja once
    auto outcome = [&](std::size_t i) {
        auto code = registry::receipt_parse(w.codes[i]);
        REQUIRE(code.ok());
        auto r = sync::withdraw_signature_outcome(*w.c, registry::receipt_commitment(*code), 1800000000);
        REQUIRE(r.ok());
        return *r;
    };
    using S = sync::WithdrawOutcome::Status;
    // The duplicate: withdrawn, and the counted one (batch 1 of kiosk A) still counts.
    auto dup = outcome(3);
    CHECK(dup.status == S::withdrawn);
    CHECK(dup.was_duplicate);
    CHECK(dup.appeal_id == "political-prisoners");
    CHECK(dup.counted_kiosk == w.k->fingerprint);
    CHECK(dup.counted_batch == 1);
    // Again: already withdrawn, nothing changes (and it still knows it had been a duplicate).
    const std::int64_t withdrawn_before = count(*w.c, "SELECT count(*) FROM signatures WHERE withdrawn_at IS NOT NULL");
    auto again = outcome(3);
    CHECK(again.status == S::already_withdrawn);
    CHECK(again.was_duplicate);
    CHECK(count(*w.c, "SELECT count(*) FROM signatures WHERE withdrawn_at IS NOT NULL") == withdrawn_before);
    // A counted one with no other signature of the appeal: one fewer counted, no successor.
    auto alone = outcome(2);
    CHECK(alone.status == S::withdrawn);
    CHECK_FALSE(alone.was_duplicate);
    CHECK(alone.counted_kiosk.empty());
    CHECK(outcome(2).status == S::already_withdrawn);
    // Not found.
    auto none = sync::withdraw_signature_outcome(*w.c, registry::receipt_commitment(registry::receipt_generate()), 1);
    REQUIRE(none.ok());
    CHECK(none->status == S::not_found);
    CHECK(none->appeal_id.empty());
}

TEST_CASE("withdrawing a counted signature names the one counted instead", "[sync][report][withdraw]") {
    Imported w;
    auto code = registry::receipt_parse(w.codes[1]);   // Ales's first (counted); codes[3] is his duplicate
    REQUIRE(code.ok());
    auto r = sync::withdraw_signature_outcome(*w.c, registry::receipt_commitment(*code), 1800000000);
    REQUIRE(r.ok());
    CHECK(r->status == sync::WithdrawOutcome::Status::withdrawn);
    CHECK_FALSE(r->was_duplicate);
    CHECK(r->counted_kiosk == w.k->fingerprint);
    CHECK(r->counted_batch == 1);
}

TEST_CASE("signatories: an existing file is kept unless replacing is allowed; --excel starts with a BOM", "[sync][report][signatories]") {
    Imported w;
    const fs::path csv = w.tmp.path / "names.csv";
    std::ofstream(csv) << "earlier list";
    sync::SignatoriesOptions keep;
    keep.keep_existing = true;
    auto refused = sync::export_signatories(*w.c, "political-prisoners", csv, keep);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.message(), ContainsSubstring("exists"));
    CHECK(slurp(csv) == "earlier list");
    sync::SignatoriesOptions excel;
    excel.excel_bom = true;
    REQUIRE(sync::export_signatories(*w.c, "political-prisoners", csv, excel).ok());
    const std::string text = slurp(csv);
    CHECK(text.rfind("\xEF\xBB\xBFgiven_name,family_name,", 0) == 0);
    REQUIRE(sync::export_signatories(*w.c, "political-prisoners", csv).ok());
    CHECK(slurp(csv).rfind("given_name,", 0) == 0);   // no BOM unless asked
}

TEST_CASE("published receipts are world-readable, in a folder of their own", "[sync][report][receipts]") {
    Imported w;
    const fs::path pub = w.tmp.path / "site" / "published";
    REQUIRE(sync::publish_receipts(*w.c, pub, 1800000000).ok());
    for (const char* f : {"receipts.root", "receipts.leaves", "identity.pub"}) {
        INFO(f);
        CHECK((fs::status(pub / f).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write |
                                                                     fs::perms::group_read | fs::perms::others_read));
    }
    CHECK((fs::status(pub).permissions() & fs::perms::others_exec) != fs::perms::none);
    // Never into the coordinator's own directory (its key is there).
    auto own = sync::publish_receipts(*w.c, w.c->dir(), 1800000000);
    REQUIRE_FALSE(own.ok());
    CHECK_THAT(own.message(), ContainsSubstring("folder of its own"));
    CHECK_FALSE(fs::exists(w.c->dir() / "receipts.root"));
}
