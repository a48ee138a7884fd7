// What one kiosk can do to others' records and to the public receipt list (threat model rows 16
// and 17): the list's answer for a receipt never depends on anyone else's signature; a withdrawal
// record names only the kiosk's own signature; a receipt commitment is unique registry-wide; a
// list is checked against the coordinator the signer was told about, never against the identity.pub
// beside it.
#include "coord_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/record.hpp"
#include "embassy/registry/receipt.hpp"
#include "embassy/sync/batch.hpp"
#include "embassy/sync/coord_ops.hpp"
#include "embassy/sync/kiosk_export.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <sodium.h>

#include <functional>
#include <map>

using namespace coord_test;
using Catch::Matchers::ContainsSubstring;
using sync::ImportStatus;

namespace {

struct Setup {
    test::TempDir tmp;
    fs::path cdir = tmp.path / "coord";
    std::unique_ptr<sync::Coordinator> c = open_coordinator(cdir);
};

Hash commitment_of(const std::string& code) {
    auto parsed = registry::receipt_parse(code);
    REQUIRE(parsed.ok());
    return registry::receipt_commitment(*parsed);
}

// Is this receipt in the list just published (pinned to the real coordinator)?
bool listed(sync::Coordinator& c, const fs::path& dir, const std::string& code) {
    REQUIRE(sync::publish_receipts(c, dir, 1800000000).ok());
    auto v = sync::verify_published_receipt(dir, code, world().keys.identity);
    REQUIRE(v.ok());
    return v->counted;
}

std::vector<sync::Record> records_of(const fs::path& file) { return content_of(file).records; }

// What a kiosk key holder can send that the kiosk's own export never writes (batch_support.hpp's
// rewrite_batch): one of its batches, changed, signed with its real key. With `relog` the kiosk log
// is recomputed over the changed signatures from `log_from`, so the log check passes, as it would
// for malware that rewrites the log too.
fs::path forge(Kiosk& k, const fs::path& honest, const fs::path& out_dir,
               const std::function<void(std::vector<sync::Record>&)>& mutate, bool relog, sync::LogHeadField log_from = {}) {
    return rewrite(k, honest, out_dir, {[&](std::vector<sync::Record>& recs, sync::ManifestFields&) { mutate(recs); }, relog, log_from});
}

std::uint64_t last_record_seq(const std::vector<sync::Record>& recs) {
    std::uint64_t last = 0;
    for (const auto& r : recs) last = std::max(last, sync::record_seq(r));
    return last;
}

std::vector<sync::SignatureRecord*> signatures_in(std::vector<sync::Record>& recs) {
    std::vector<sync::SignatureRecord*> out;
    for (auto& r : recs)
        if (auto* s = std::get_if<sync::SignatureRecord>(&r)) out.push_back(s);
    return out;
}

// Everything an import can change except the alarms, for "the registry stays as it was".
std::string state(sync::Coordinator& c) {
    static const char* const queries[] = {
        "SELECT group_concat(id || ':' || last_seq || ':' || log_size || ':' || hex(log_head) || ':' || last_record_seq, ',') FROM kiosks",
        "SELECT group_concat(id || ':' || seq, ',') FROM batches",
        "SELECT group_concat(id || ':' || coalesce(duplicate_of, '-') || ':' || coalesce(withdrawn_at, '-'), ',') FROM signatures",
        "SELECT group_concat(signature || ':' || hex(commitment), ',') FROM receipts",
        "SELECT count(*) FROM members",
        "SELECT count(*) FROM registrations",
        "SELECT count(*) FROM events",
        "SELECT count(*) FROM appeals",
        "SELECT count(*) FROM quarantine",
    };
    std::string out;
    for (const char* q : queries) {
        auto st = c.db().prepare(q);
        REQUIRE(st.ok());
        auto row = st->step();
        REQUIRE(row.ok());
        out += (*row ? st->column_text(0) : std::string()) + "\n";
    }
    return out;
}

std::int64_t alarms(sync::Coordinator& c, const char* kind, const Kiosk& k, std::uint64_t seq) {
    auto id = c.kiosk_by_key(k.public_key);
    REQUIRE(id.has_value());
    return count(c, "SELECT count(*) FROM alarms WHERE kind = '" + std::string(kind) + "' AND kiosk = " + std::to_string(id->id) +
                        " AND seq = " + std::to_string(seq));
}

}  // namespace

// [SECTION] The published list is not an oracle (row 16)

TEST_CASE("a probe signed in an earlier signer's name is listed whether or not that signer signed", "[sync][receipts][threat16]") {
    const bool with_a = GENERATE(false, true);
    const bool probe_imported_first = GENERATE(false, true);
    Setup s;
    auto k1 = make_kiosk(0), k2 = make_kiosk(1);
    REQUIRE(s.c->enroll(k1->public_key, "kiosk 1").ok());
    REQUIRE(s.c->enroll(k2->public_key, "kiosk 2").ok());
    std::string a_code;
    if (with_a) a_code = submit(*k1, submission(k1->pack, "Aliaksandra", "Tsikhanouskaya", 0, false, "LT"));
    // The probe: the target's name (another spelling of the case) and country, at another kiosk.
    const std::string probe = submit(*k2, submission(k2->pack, "ALIAKSANDRA", "TSIKHANOUSKAYA", 0, false, "LT"));
    const fs::path b2 = export_one(*k2, s.tmp.path / "k2");
    if (probe_imported_first) REQUIRE(sync::import_batch(*s.c, b2).status == ImportStatus::accepted);
    if (with_a) REQUIRE(sync::import_batch(*s.c, export_one(*k1, s.tmp.path / "k1")).status == ImportStatus::accepted);
    if (!probe_imported_first) REQUIRE(sync::import_batch(*s.c, b2).status == ImportStatus::accepted);
    INFO("with A: " << with_a << ", probe imported first: " << probe_imported_first);
    // The deduplication did see one person twice: the totals count them once ...
    CHECK(count(*s.c, "SELECT count(*) FROM signatures WHERE duplicate_of IS NOT NULL") == (with_a ? 1 : 0));
    // ... but the list answers the same for the probe either way, and for A whoever came first.
    CHECK(listed(*s.c, s.tmp.path / "pub", probe));
    if (with_a) CHECK(listed(*s.c, s.tmp.path / "pub", a_code));
    CHECK(count(*s.c, "SELECT count(*) FROM signatures") == (with_a ? 2 : 1));
}

// [SECTION] A withdrawal record names only the kiosk's own signature (row 17)

TEST_CASE("a withdrawal record naming anything but the kiosk's own signature rejects the batch with a scope alarm",
          "[sync][import][threat17]") {
    Setup s;
    auto k1 = make_kiosk(0), k2 = make_kiosk(1);
    REQUIRE(s.c->enroll(k1->public_key, "kiosk 1").ok());
    REQUIRE(s.c->enroll(k2->public_key, "kiosk 2").ok());
    const std::string a = submit(*k1, submission(k1->pack, "Ales", "Bialiatski", 0, false, "LT"));
    const fs::path k1b1 = export_one(*k1, s.tmp.path / "k1");
    REQUIRE(sync::import_batch(*s.c, k1b1).status == ImportStatus::accepted);
    const std::string b = submit(*k2, submission(k2->pack, "Maryja", "Kalesnikava", 0, false, "PL"));
    const fs::path k2b1 = export_one(*k2, s.tmp.path / "k2b1");
    REQUIRE(sync::import_batch(*s.c, k2b1).status == ImportStatus::accepted);
    auto recs_a = records_of(k1b1), recs_b = records_of(k2b1);
    const std::uint64_t a_seq = signatures_in(recs_a).at(0)->seq, b_seq = signatures_in(recs_b).at(0)->seq;
    submit(*k2, submission(k2->pack, "Ihar", "Losik", 1, false, "DE"));
    const fs::path honest = export_one(*k2, s.tmp.path / "k2b2");

    struct Case {
        const char* what;
        Hash commitment;
        std::uint64_t signature_seq;
    };
    const Hash unknown = commitment_of(registry::receipt_generate().formatted());
    // Commitments are public (receipts.leaves); record seqs are small numbers, the same at every kiosk.
    const Case c = GENERATE_COPY(Case{"another kiosk's signature, by its own record seq", commitment_of(a), a_seq},
                                 Case{"another kiosk's signature, by this kiosk's record seq", commitment_of(a), b_seq},
                                 Case{"a commitment nobody holds", unknown, b_seq},
                                 Case{"its own commitment under another record seq", commitment_of(b), b_seq + 1});
    INFO(c.what);
    const std::string before = state(*s.c);
    const fs::path forged = forge(*k2, honest, s.tmp.path / "forged", [&](std::vector<sync::Record>& recs) {
        recs.push_back(sync::WithdrawalRecord{last_record_seq(recs) + 1, c.signature_seq, c.commitment, 29000000});
    }, false);
    auto o = sync::import_batch(*s.c, forged);
    INFO(o.reason);
    CHECK(o.status == ImportStatus::rejected);
    CHECK(o.alarm);
    CHECK_THAT(o.reason, ContainsSubstring("batch 2") && ContainsSubstring(k2->fingerprint) && ContainsSubstring("withdrawal record"));
    CHECK(alarms(*s.c, "scope", *k2, 2) == 1);
    CHECK(state(*s.c) == before);  // only the alarm row was added
    CHECK(listed(*s.c, s.tmp.path / "pub", a));
    REQUIRE(sync::check_registry(*s.c).ok());
    // The kiosk's honest batch 2 still imports: the forged one left nothing behind but the alarm.
    CHECK(sync::import_batch(*s.c, honest).status == ImportStatus::accepted);
}

TEST_CASE("a kiosk's withdrawal of its own signature is accepted; the coordinator withdraws any kiosk's",
          "[sync][import][threat17]") {
    Setup s;
    auto k1 = make_kiosk(0), k2 = make_kiosk(1);
    REQUIRE(s.c->enroll(k1->public_key, "kiosk 1").ok());
    REQUIRE(s.c->enroll(k2->public_key, "kiosk 2").ok());
    const std::string a = submit(*k1, submission(k1->pack, "Ales", "Bialiatski", 0, false, "LT"));
    REQUIRE(sync::import_batch(*s.c, export_one(*k1, s.tmp.path / "k1")).status == ImportStatus::accepted);
    const std::string b = submit(*k2, submission(k2->pack, "Maryja", "Kalesnikava", 0, false, "PL"));
    const fs::path k2b1 = export_one(*k2, s.tmp.path / "k2b1");
    REQUIRE(sync::import_batch(*s.c, k2b1).status == ImportStatus::accepted);
    auto recs1 = records_of(k2b1);
    const std::uint64_t b_seq = signatures_in(recs1).at(0)->seq;
    submit(*k2, submission(k2->pack, "Ihar", "Losik", 1, false, "DE"));
    const fs::path own = forge(*k2, export_one(*k2, s.tmp.path / "k2b2"), s.tmp.path / "own", [&](std::vector<sync::Record>& recs) {
        recs.push_back(sync::WithdrawalRecord{last_record_seq(recs) + 1, b_seq, commitment_of(b), 29000000});
    }, false);
    auto o = sync::import_batch(*s.c, own);
    INFO(o.reason);
    REQUIRE(o.status == ImportStatus::accepted);
    CHECK_FALSE(listed(*s.c, s.tmp.path / "pub", b));
    CHECK(count(*s.c, "SELECT count(*) FROM alarms") == 0);
    // The coordinator's own withdrawal is not scoped to a kiosk.
    auto w = sync::withdraw_signature(*s.c, commitment_of(a), 1);
    REQUIRE(w.ok());
    CHECK(*w);
    CHECK_FALSE(listed(*s.c, s.tmp.path / "pub", a));
    auto none = sync::withdraw_signature(*s.c, commitment_of(registry::receipt_generate().formatted()), 1);
    REQUIRE(none.ok());
    CHECK_FALSE(*none);
    REQUIRE(sync::check_registry(*s.c).ok());
}

// [SECTION] Receipt commitments are unique registry-wide (row 17)

TEST_CASE("a copied or resurrected receipt commitment rejects the batch with a receipt alarm; publication keeps working",
          "[sync][import][threat17]") {
    Setup s;
    auto k1 = make_kiosk(0), k2 = make_kiosk(1);
    REQUIRE(s.c->enroll(k1->public_key, "kiosk 1").ok());
    REQUIRE(s.c->enroll(k2->public_key, "kiosk 2").ok());
    const std::string a = submit(*k1, submission(k1->pack, "Ales", "Bialiatski", 0, false, "LT"));
    const std::string a2 = submit(*k1, submission(k1->pack, "Ihar", "Losik", 1, false, "DE"));
    REQUIRE(sync::import_batch(*s.c, export_one(*k1, s.tmp.path / "k1")).status == ImportStatus::accepted);
    submit(*k2, submission(k2->pack, "Maryja", "Kalesnikava", 0, false, "PL"));
    submit(*k2, submission(k2->pack, "Siarhei", "Tsikhanouski", 1, false, "PL"));
    const fs::path honest = export_one(*k2, s.tmp.path / "k2");

    const int which = GENERATE(0, 1, 2);
    const char* what[] = {"a counted signature's commitment, copied from another kiosk",
                          "a withdrawn signature's commitment, copied to resurrect it",
                          "one new commitment carried by two signatures of the same batch"};
    INFO(what[which]);
    if (which == 1) {
        auto w = sync::withdraw_signature(*s.c, commitment_of(a2), 1);
        REQUIRE(w.ok());
        REQUIRE(*w);
    }
    const std::string before = state(*s.c);
    const fs::path forged = forge(*k2, honest, s.tmp.path / "forged", [&](std::vector<sync::Record>& recs) {
        auto sigs = signatures_in(recs);
        REQUIRE(sigs.size() == 2);
        if (which == 0) sigs[1]->receipt_commitment = commitment_of(a);
        if (which == 1) sigs[1]->receipt_commitment = commitment_of(a2);
        if (which == 2) sigs[1]->receipt_commitment = sigs[0]->receipt_commitment;
    }, true);
    auto o = sync::import_batch(*s.c, forged);
    INFO(o.reason);
    CHECK(o.status == ImportStatus::rejected);
    CHECK(o.alarm);
    CHECK_THAT(o.reason, ContainsSubstring("batch 1") && ContainsSubstring(k2->fingerprint) && ContainsSubstring("receipt commitment"));
    if (which != 2) CHECK_THAT(o.reason, ContainsSubstring("kiosk " + k1->fingerprint + " batch 1"));
    CHECK(alarms(*s.c, "receipt", *k2, 1) == 1);
    CHECK(state(*s.c) == before);
    // Publication keeps working and says what it said before.
    CHECK(listed(*s.c, s.tmp.path / "pub", a));
    CHECK(listed(*s.c, s.tmp.path / "pub", a2) == (which != 1));
    REQUIRE(sync::check_registry(*s.c).ok());
    // The honest batch (distinct commitments) still imports.
    CHECK(sync::import_batch(*s.c, honest).status == ImportStatus::accepted);
    CHECK(count(*s.c, "SELECT count(*) FROM receipts") == 4);
}

TEST_CASE("a commitment that shares only its first 8 bytes with an imported one is accepted", "[sync][import][threat17]") {
    // The index keys on an 8-byte prefix; a prefix match is confirmed against the full commitment,
    // so a near-copy (anyone can make one from the public list) is neither a false alarm nor a scan.
    Setup s;
    auto k1 = make_kiosk(0), k2 = make_kiosk(1);
    REQUIRE(s.c->enroll(k1->public_key, "kiosk 1").ok());
    REQUIRE(s.c->enroll(k2->public_key, "kiosk 2").ok());
    const std::string a = submit(*k1, submission(k1->pack, "Ales", "Bialiatski", 0, false, "LT"));
    REQUIRE(sync::import_batch(*s.c, export_one(*k1, s.tmp.path / "k1")).status == ImportStatus::accepted);
    submit(*k2, submission(k2->pack, "Maryja", "Kalesnikava", 0, false, "PL"));
    Hash near = commitment_of(a);
    near[31] ^= 1;
    const fs::path forged = forge(*k2, export_one(*k2, s.tmp.path / "k2"), s.tmp.path / "forged", [&](std::vector<sync::Record>& recs) {
        signatures_in(recs).at(0)->receipt_commitment = near;
    }, true);
    auto o = sync::import_batch(*s.c, forged);
    INFO(o.reason);
    CHECK(o.status == ImportStatus::accepted);
    CHECK(count(*s.c, "SELECT count(*) FROM alarms") == 0);
    CHECK(listed(*s.c, s.tmp.path / "pub", a));
    // And withdrawing by the near-copy finds nothing: the original stays.
    CHECK(count(*s.c, "SELECT count(*) FROM receipts") == 2);
    Hash unrelated = near;
    unrelated[30] ^= 1;
    auto w = sync::withdraw_signature(*s.c, unrelated, 1);
    REQUIRE(w.ok());
    CHECK_FALSE(*w);
    CHECK(listed(*s.c, s.tmp.path / "pub", a));
}

TEST_CASE("a commitment another process imported is found: the in-memory index catches up", "[sync][import][threat17]") {
    // Each process loads the index from `receipts` once and catches up by id at each transaction:
    // a copy of a commitment that another process imported since is still refused.
    Setup s;
    auto k1 = make_kiosk(0), k2 = make_kiosk(1);
    REQUIRE(s.c->enroll(k1->public_key, "kiosk 1").ok());
    REQUIRE(s.c->enroll(k2->public_key, "kiosk 2").ok());
    auto other = open_coordinator(s.cdir);  // another process, opened before kiosk 1's import
    REQUIRE(sync::withdraw_signature(*other, Hash{}, 1).ok());  // loads its indexes now
    const std::string a = submit(*k1, submission(k1->pack, "Ales", "Bialiatski", 0, false, "LT"));
    REQUIRE(sync::import_batch(*s.c, export_one(*k1, s.tmp.path / "k1")).status == ImportStatus::accepted);
    submit(*k2, submission(k2->pack, "Maryja", "Kalesnikava", 0, false, "PL"));
    const fs::path forged = forge(*k2, export_one(*k2, s.tmp.path / "k2"), s.tmp.path / "forged", [&](std::vector<sync::Record>& recs) {
        signatures_in(recs).at(0)->receipt_commitment = commitment_of(a);
    }, true);
    auto o = sync::import_batch(*other, forged);
    INFO(o.reason);
    CHECK(o.status == ImportStatus::rejected);
    CHECK(alarms(*other, "receipt", *k2, 1) == 1);
    // And withdrawal finds a signature imported by another process.
    auto w = sync::withdraw_signature(*other, commitment_of(a), 1);
    REQUIRE(w.ok());
    CHECK(*w);
}

// [SECTION] verify-receipt is pinned to the coordinator (issue 9, item 9)

TEST_CASE("an impostor's list with its own identity.pub is refused against the real coordinator", "[sync][receipts]") {
    Setup s;
    auto k = make_kiosk(0);
    REQUIRE(s.c->enroll(k->public_key, "kiosk 1").ok());
    const std::string real = submit(*k, submission(k->pack, "Ales", "Bialiatski", 0, false, "LT"));
    REQUIRE(sync::import_batch(*s.c, export_one(*k, s.tmp.path / "k")).status == ImportStatus::accepted);
    const fs::path pub = s.tmp.path / "pub";
    REQUIRE(sync::publish_receipts(*s.c, pub, 1800000000).ok());

    // The impostor: its own key, a list with a made-up code, and its own identity.pub beside it.
    registry::SecretBytes sk(crypto_sign_SECRETKEYBYTES);
    registry::PublicIdentity impostor;
    impostor.name = world().keys.identity.name;  // the same name: only the keys differ
    impostor.box_key = world().keys.identity.box_key;
    crypto_sign_keypair(impostor.sign_key.data(), sk.data());
    const std::string made_up = registry::receipt_generate().formatted();
    const fs::path fake = s.tmp.path / "fake";
    fs::create_directories(fake);
    REQUIRE(sync::receipts_publish(fake, {commitment_of(made_up)}, 1800000000, sk).ok());
    const std::string id_text = registry::format_public_identity(impostor);
    REQUIRE(write_file_atomic((fake / sync::coordinator_identity_file).string(), as_bytes(id_text)).ok());
    // Control: the list is well formed (against its own key it answers "counted").
    auto own = sync::verify_published_receipt(fake, made_up, impostor);
    REQUIRE(own.ok());
    CHECK(own->counted);

    const registry::PublicIdentity& me = world().keys.identity;
    auto by_identity = sync::verify_published_receipt(fake, made_up, me);
    CHECK_FALSE(by_identity.ok());
    auto by_fingerprint = sync::verify_published_receipt(fake, made_up, me.fingerprint());
    REQUIRE_FALSE(by_fingerprint.ok());
    CHECK_THAT(by_fingerprint.message(), ContainsSubstring("not published by your coordinator"));
    // The real list with the real fingerprint.
    auto v = sync::verify_published_receipt(pub, real, me.fingerprint());
    REQUIRE(v.ok());
    CHECK(v->counted);
}
