// The importer refuses content the kiosk would refuse (issue 9, item 4; threats 9 and 15): signed
// batches from an enrolled kiosk key, written with the real BatchWriter, each carrying one hostile
// field. Every one is rejected whole with the registry byte-identical and no alarm; the message
// names the record and the field, never the value.
#include "coord_fixture.hpp"

#include "embassy/registry/record.hpp"
#include "embassy/registry/strokes.hpp"
#include "embassy/registry/validate.hpp"
#include "embassy/sync/batch.hpp"
#include "embassy/sync/coord_packs.hpp"
#include "embassy/sync/kiosk_export.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <sodium.h>
#include <sys/resource.h>

#include <ctime>
#include <functional>
#include <map>

using namespace coord_test;
using Catch::Matchers::ContainsSubstring;
using sync::ImportStatus;

namespace {

// A kiosk key of our own (what a kiosk key holder has): any records, validly signed.
struct KeyHolder {
    SignPublicKey pk{};
    registry::SecretBytes sk{crypto_sign_SECRETKEYBYTES};
    KeyHolder() { crypto_sign_keypair(pk.data(), sk.data()); }
    sync::Signer signer() const {
        return [this](std::span<const std::uint8_t> m) {
            Bytes sig(crypto_sign_BYTES);
            crypto_sign_detached(sig.data(), nullptr, m.data(), m.size(), sk.data());
            return sig;
        };
    }
};

Bytes good_strokes() {
    registry::Stroke st;
    for (int i = 0; i < 60; ++i) st.push_back({static_cast<std::uint16_t>(200 + i * 40), static_cast<std::uint16_t>(800 + (i % 7) * 60)});
    return registry::encode_strokes({st});
}

std::uint64_t now_minute() { return static_cast<std::uint64_t>(std::time(nullptr)) / 60; }

// What an honest kiosk writes for one signer: event, appeal reference, registrant, sign_appeal
// consent, signature.
std::vector<sync::Record> honest_records() {
    const registry::Appeal& a = world_pack().appeals.front();
    const std::uint64_t minute = now_minute();
    std::vector<sync::Record> r;
    r.push_back(sync::EventRecord{1, 1, "Rally", "Warszawa", "PL", "2026-11-28"});
    r.push_back(sync::AppealRefRecord{2, a.id, a.version, a.content_hash, world_pack().pack_hash});
    r.push_back(sync::RegistrantRecord{3, 1, minute, "Alena", "Kavalenka", "PL", "Warszawa", "", "", "en", false});
    r.push_back(sync::ConsentRecord{4, 3, 1, world_pack().consent(registry::Purpose::sign_appeal, "en")->hash, "en", minute});
    sync::SignatureRecord s;
    s.seq = 5;
    s.registrant_seq = 3;
    s.appeal_id = a.id;
    s.appeal_version = a.version;
    s.appeal_text_hash = a.text("en")->hash;
    s.lang = "en";
    s.event_id = 1;
    s.unix_minute = minute;
    s.strokes = good_strokes();
    s.receipt_commitment.fill(0x5A);
    s.log_position = 1;
    r.push_back(s);
    return r;
}

template <typename T>
T& first(std::vector<sync::Record>& recs) {
    for (auto& r : recs)
        if (auto* x = std::get_if<T>(&r)) return *x;
    FAIL("no such record");
    throw 0;
}

// Signs `recs` as batch 1 of `k`, with the log head the records give (so only content is wrong),
// written by the real BatchWriter.
Result<fs::path> write_batch(const KeyHolder& k, const std::vector<sync::Record>& recs, const fs::path& dir) {
    sync::ManifestFields f;
    f.kiosk_public_key = k.pk;
    f.coordinator_key_id = world().keys.identity.key_id();
    f.seq = 1;
    f.log = batch_test::log_over(recs);
    return batch_test::write_batch_file(dir, world().keys.identity.box_key, recs, f, k.signer());
}

struct Hostile {
    const char* what;
    std::function<void(std::vector<sync::Record>&)> mutate;
    const char* names;  // what the message must name (record type and field)
};

// A name case applied to a registrant field.
Hostile registrant_name(const char* what, std::string value, const char* names) {
    return {what, [value](std::vector<sync::Record>& r) { first<sync::RegistrantRecord>(r).family_name = value; }, names};
}

}  // namespace

TEST_CASE("an honest kiosk's batch with every kind of record imports (control row)", "[sync][import][content]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    KeyHolder k;
    REQUIRE(c->enroll(k.pk, "key holder").ok());
    auto recs = honest_records();
    // Also a second signer with all four consents, a typed name and an email and phone.
    const std::uint64_t minute = now_minute();
    recs.push_back(sync::RegistrantRecord{6, 1, minute, "Ян", "Мельнік", "LT", "Vilnius", "jan@example.org", "+37060000000", "be", true});
    std::uint64_t seq = 7;
    for (int p = 1; p <= 4; ++p)
        recs.push_back(sync::ConsentRecord{seq++, 6, static_cast<std::uint8_t>(p), world_pack().consent(static_cast<registry::Purpose>(p), "be")->hash, "be", minute});
    sync::SignatureRecord s = std::get<sync::SignatureRecord>(recs[4]);
    s.seq = seq;
    s.registrant_seq = 6;
    s.lang = "be";
    s.appeal_text_hash = world_pack().appeals.front().text("be")->hash;
    s.mode = sync::SignatureMode::typed_name;
    s.strokes.clear();
    s.typed_name = "Ян Мельнік";
    s.receipt_commitment.fill(0x6B);
    s.log_position = 2;
    recs.push_back(s);
    auto file = write_batch(k, recs, tmp.path / "b");
    REQUIRE(file.ok());
    auto o = sync::import_batch(*c, *file);
    INFO(o.reason);
    CHECK(o.status == ImportStatus::accepted);
    CHECK(o.signatures == 2);
}

TEST_CASE("a signed batch with content the kiosk would refuse is rejected whole, registry byte-identical",
          "[sync][import][content]") {
    const Hostile c = GENERATE_COPY(values<Hostile>({
        // The kiosk's hostile-name table (tests/registry/text.test.cpp), in the family name.
        registrant_name("1,024-byte name", std::string(1024, 'a'), "registrant record 3: family name"),
        registrant_name("101 characters", std::string(101, 'a'), "registrant record 3: family name"),
        registrant_name("empty name", "", "registrant record 3: family name"),
        registrant_name("BEL", "Kaval\x07" "enka", "registrant record 3: family name"),
        registrant_name("ESC", "Kaval\x1B[8menka", "registrant record 3: family name"),
        registrant_name("NUL", std::string("Kaval\0enka", 10), "registrant record 3: family name"),
        registrant_name("right-to-left override", "Kaval\xE2\x80\xAE" "enka", "registrant record 3: family name"),
        registrant_name("right-to-left mark", "Kaval\xE2\x80\x8F" "enka", "registrant record 3: family name"),
        registrant_name("zero width space", "Kaval\xE2\x80\x8B" "enka", "registrant record 3: family name"),
        registrant_name("digit", "Kavalenka2", "registrant record 3: family name"),
        registrant_name("not NFC (decomposed)", "Rene\xCC\x81", "registrant record 3: family name: not in the kiosk's normal form"),
        registrant_name("untrimmed", " Kavalenka", "registrant record 3: family name: not in the kiosk's normal form"),
        {"control character in the given name", [](auto& r) { first<sync::RegistrantRecord>(r).given_name = "Al\x07" "ena"; },
         "registrant record 3: given name"},
        {"control character in the city", [](auto& r) { first<sync::RegistrantRecord>(r).city = "War\x1bszawa"; },
         "registrant record 3: city"},
        {"email with a space", [](auto& r) { first<sync::RegistrantRecord>(r).email = "a b@example.org"; }, "registrant record 3: email"},
        {"email not lowercased", [](auto& r) { first<sync::RegistrantRecord>(r).email = "a@Example.org"; }, "registrant record 3: email"},
        {"phone not normalized", [](auto& r) { first<sync::RegistrantRecord>(r).phone = "+48 600 000 000"; }, "registrant record 3: phone"},
        {"country XX", [](auto& r) { first<sync::RegistrantRecord>(r).country = "XX"; }, "registrant record 3: country"},
        {"language zz", [](auto& r) { first<sync::RegistrantRecord>(r).lang = "zz"; }, "registrant record 3: language"},
        {"registrant minute 2^62", [](auto& r) { first<sync::RegistrantRecord>(r).unix_minute = std::uint64_t{1} << 62; },
         "registrant record 3: time"},
        {"signature minute 2^62", [](auto& r) { first<sync::SignatureRecord>(r).unix_minute = std::uint64_t{1} << 62; },
         "signature record 5: time"},
        {"consent minute 0 (1970)", [](auto& r) { first<sync::ConsentRecord>(r).unix_minute = 0; }, "consent record 4: time"},
        // Events.
        {"event date 2026-02-31", [](auto& r) { first<sync::EventRecord>(r).date = "2026-02-31"; }, "event record 1: date"},
        {"event country XX", [](auto& r) { first<sync::EventRecord>(r).country = "XX"; }, "event record 1: country"},
        {"event name with ESC", [](auto& r) { first<sync::EventRecord>(r).name = "Rally\x1b[8m"; }, "event record 1: event name"},
        // Appeals and texts: only what a pack this coordinator signed holds.
        {"unknown appeal id", [](auto& r) { first<sync::SignatureRecord>(r).appeal_id = "made-up-appeal"; }, "signature record 5: appeal_id"},
        {"unknown appeal version", [](auto& r) { first<sync::SignatureRecord>(r).appeal_version = 2; }, "signature record 5: appeal_id"},
        {"unknown text hash", [](auto& r) { first<sync::SignatureRecord>(r).appeal_text_hash[0] ^= 1; }, "appeal_text_hash"},
        {"text hash of another language", [](auto& r) { first<sync::SignatureRecord>(r).lang = "be"; }, "signature record 5: appeal_id"},
        {"signature language zz", [](auto& r) { first<sync::SignatureRecord>(r).lang = "zz"; }, "signature record 5: lang"},
        {"appeal ref with an unknown pack hash", [](auto& r) { first<sync::AppealRefRecord>(r).pack_hash[0] ^= 1; },
         "appeal reference record 2: pack_hash"},
        {"appeal ref with an unknown appeal", [](auto& r) { first<sync::AppealRefRecord>(r).appeal_id = "made-up-appeal"; },
         "appeal reference record 2: appeal_id"},
        {"appeal ref with another content hash", [](auto& r) { first<sync::AppealRefRecord>(r).content_hash[0] ^= 1; },
         "appeal reference record 2"},
        // Consents.
        {"a signature without the sign_appeal consent",
         [](auto& r) {
             auto& consent = first<sync::ConsentRecord>(r);
             consent.purpose = static_cast<std::uint8_t>(registry::Purpose::join_registry);
             consent.text_hash = world_pack().consent(registry::Purpose::join_registry, "en")->hash;
         },
         "signature record 5: consent 'sign_appeal' is required"},
        {"a forged pass_name_to_addressee consent (text hash from no pack)",
         [](auto& r) {
             Hash forged{};
             forged.fill(0xF0);
             r.insert(r.begin() + 4, sync::ConsentRecord{5, 3, 4, forged, "en", now_minute()});
             first<sync::SignatureRecord>(r).seq = 6;
         },
         "consent record 5: text_hash"},
        {"a consent purpose given twice",
         [](auto& r) {
             auto again = first<sync::ConsentRecord>(r);
             again.seq = 5;
             r.insert(r.begin() + 4, again);
             first<sync::SignatureRecord>(r).seq = 6;
         },
         "consent record 5: consent 'sign_appeal' given twice"},
        {"consent language zz", [](auto& r) { first<sync::ConsentRecord>(r).lang = "zz"; }, "consent record 4: lang"},
        // Signatures.
        {"strokes that do not decode", [](auto& r) { first<sync::SignatureRecord>(r).strokes = Bytes{9, 9, 9}; }, "signature record 5: strokes"},
        {"strokes with too little ink",
         [](auto& r) { first<sync::SignatureRecord>(r).strokes = registry::encode_strokes({{{10, 10}, {12, 12}}}); },
         "signature record 5: strokes"},
        {"a typed name with RLO",
         [](auto& r) {
             auto& s = first<sync::SignatureRecord>(r);
             s.mode = sync::SignatureMode::typed_name;
             s.strokes.clear();
             s.typed_name = "Alena\xE2\x80\xAE Kavalenka";
         },
         "signature record 5: typed name"},
    }));
    CAPTURE(c.what);
    test::TempDir tmp;
    const fs::path cdir = tmp.path / "coord";
    KeyHolder k;
    {
        auto co = open_coordinator(cdir);
        REQUIRE(co->enroll(k.pk, "key holder").ok());
    }
    auto recs = honest_records();
    c.mutate(recs);
    auto file = write_batch(k, recs, tmp.path / "b");
    INFO((file.ok() ? std::string() : file.message()));
    REQUIRE(file.ok());
    const std::string before = registry_bytes(cdir);
    auto co = open_coordinator(cdir);
    auto o = sync::import_batch(*co, *file);
    INFO(o.reason);
    CHECK(o.status == ImportStatus::rejected);
    CHECK_FALSE(o.alarm);
    CHECK_THAT(o.reason, ContainsSubstring(c.names));
    for (const char* value : {"Kaval", "enka", "Alena", "Warszawa", "Rally", "made-up", "2026-02-31", "example.org"})
        CHECK(o.reason.find(value) == std::string::npos);  // the message names fields, never values
    co.reset();
    CHECK(registry_bytes(cdir) == before);
}

TEST_CASE("a 10 kB name or invalid UTF-8 cannot even be written into a batch (format limits)", "[sync][import][content]") {
    // The batch format itself (docs/batch-format.md: strings at most 1,024 bytes of valid UTF-8)
    // refuses these before any content check; its reader refuses them the same way (batch.test.cpp).
    const std::string value = GENERATE(std::string(10 * 1024, 'a'), std::string("Ann\xC0\xAF"), std::string("Ann\xED\xA0\x80"));
    test::TempDir tmp;
    KeyHolder k;
    auto recs = honest_records();
    first<sync::RegistrantRecord>(recs).family_name = value;
    auto file = write_batch(k, recs, tmp.path / "b");
    REQUIRE_FALSE(file.ok());
    CHECK_THAT(file.message(), ContainsSubstring("family_name"));
}

namespace {

long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// One registrant with `flood` consents after its sign_appeal one (purposes 2, 3, 4, 2, 3, …),
// then its signature; streamed into the writer, so writing costs no memory per record.
void consent_flood(std::uint64_t flood) {
    test::TempDir tmp;
    KeyHolder k;
    auto co = open_coordinator(tmp.path / "coord");
    REQUIRE(co->enroll(k.pk, "key holder").ok());
    auto recs = honest_records();
    fs::path file;
    {
        auto w = sync::BatchWriter::open(tmp.path / sync::random_batch_file_name(), world().keys.identity.box_key);
        REQUIRE(w.ok());
        for (std::size_t i = 0; i < 4; ++i) REQUIRE(w->add(recs[i]).ok());
        std::uint64_t seq = 5;
        Hash hashes[5]{};
        for (int p = 2; p <= 4; ++p) hashes[p] = world_pack().consent(static_cast<registry::Purpose>(p), "en")->hash;
        for (std::uint64_t i = 0; i < flood; ++i) {
            const std::uint8_t p = static_cast<std::uint8_t>(2 + i % 3);
            REQUIRE(w->add(sync::ConsentRecord{seq++, 3, p, hashes[p], "en", now_minute()}).ok());
        }
        auto s = std::get<sync::SignatureRecord>(recs[4]);
        s.seq = seq;
        REQUIRE(w->add(s).ok());
        sync::ManifestFields f;
        f.kiosk_public_key = k.pk;
        f.coordinator_key_id = world().keys.identity.key_id();
        f.seq = 1;
        f.log.size = 1;
        auto info = w->finish(f, k.signer());
        REQUIRE(info.ok());
        file = info->path;
    }
    const long before = peak_rss_kib();
    auto o = sync::import_batch(*co, file);
    const long after = peak_rss_kib();
    INFO(o.reason);
    CHECK(o.status == ImportStatus::rejected);
    // Records 4, 5, 6, 7 are purposes 1, 2, 3, 4; record 8, the 5th consent, repeats purpose 2.
    CHECK_THAT(o.reason, ContainsSubstring("consent record 8: consent 'join_registry' given twice"));
    CHECK(count(*co, "SELECT count(*) FROM registrations") == 0);
    WARN("consent flood of " << flood << " records (" << fs::file_size(file) / 1024 << " KiB file): peak RSS "
                             << before / 1024 << " MiB before the import, " << after / 1024 << " MiB after");
}

}  // namespace

TEST_CASE("a consent flood on one registrant is refused at its 5th consent", "[sync][import][content]") {
    // 3,000,000 consents on one registrant were accepted (933 MB peak). One consent per purpose
    // bounds a registrant to 4 consent records; the 5th is refused, whatever follows it.
    consent_flood(20000);
}

// The figure, by hand: ./test_sync "[flood]" (a 150 MB batch file in the temp directory).
TEST_CASE("a flood of 3,000,000 consents is refused at its 5th consent", "[.][flood]") { consent_flood(3000000); }
