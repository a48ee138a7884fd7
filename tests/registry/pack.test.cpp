// Appeal packs: round trip, signatures, hostile files (registry/src/pack.cpp, docs/appeal-pack.md).
#include "embassy/registry/pack.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <sodium.h>

#include <cstring>

using namespace embassy;
using namespace embassy::registry;
using Catch::Matchers::ContainsSubstring;

namespace {

struct Signer {
    SignPublicKey pk{};
    SecretBytes sk{64};
    Signer() {
        crypto_init();
        crypto_sign_keypair(pk.data(), sk.data());
    }
};

AppealPack small_pack() {
    AppealPack p;
    p.pack_id = "test-1";
    p.created_unix = 1764320000;
    p.languages = {"be", "en"};
    Appeal a;
    a.id = "political-prisoners";
    a.version = 2;
    a.addressee = "PACE";
    a.texts.push_back({"be", "Вызваліць", "Тэкст.\n\nДругі абзац.", {}});
    a.texts.push_back({"en", "Release", "Text.\n\nSecond paragraph.", {}});
    p.appeals.push_back(a);
    p.consents.push_back({Purpose::sign_appeal, 1, "be", "Я падпісваю.", {}});
    p.consents.push_back({Purpose::sign_appeal, 1, "en", "I sign.", {}});
    p.consents.push_back({Purpose::join_registry, 1, "be", "Далучыць.", {}});
    p.consents.push_back({Purpose::join_registry, 1, "en", "Join.", {}});
    return p;
}

// A file with an arbitrary body, correctly signed: for testing what the parser does with content
// the signature vouches for.
Bytes sign_raw(const Bytes& body, const Signer& s) {
    Bytes f = {'E', 'M', 'B', 'P', 'A', 'C', 'K', '1'};
    put_u16(f, 1);
    put_u16(f, 0);
    f.insert(f.end(), s.pk.begin(), s.pk.end());
    put_u32(f, static_cast<std::uint32_t>(body.size()));
    f.insert(f.end(), body.begin(), body.end());
    Bytes msg(std::string_view("embassy-appeal-pack-v1").size());
    std::memcpy(msg.data(), "embassy-appeal-pack-v1", msg.size());
    msg.insert(msg.end(), f.begin(), f.end());
    std::uint8_t sig[64];
    crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), s.sk.data());
    f.insert(f.end(), sig, sig + 64);
    return f;
}

Bytes body_of(const Bytes& file) {
    const std::uint32_t n = get_u32(file.data() + 44);
    return Bytes(file.begin() + 48, file.begin() + 48 + n);
}

bool is_zero(const Hash& h) {
    for (auto b : h)
        if (b) return false;
    return true;
}

}  // namespace

TEST_CASE("a written pack reads back identically with its hashes filled in", "[registry][pack]") {
    Signer s;
    const AppealPack p = small_pack();
    auto file = pack_write(p, s.sk);
    REQUIRE(file.ok());
    CHECK(std::memcmp(file->data(), "EMBPACK1", 8) == 0);
    CHECK(file->size() == 48 + get_u32(file->data() + 44) + 64);

    auto back = pack_read(*file, s.pk);
    REQUIRE(back.ok());
    CHECK(back->pack_id == "test-1");
    CHECK(back->created_unix == 1764320000);
    CHECK(back->languages == std::vector<LangTag>{"be", "en"});
    REQUIRE(back->appeals.size() == 1);
    const Appeal& a = back->appeals[0];
    CHECK(a.id == "political-prisoners");
    CHECK(a.version == 2);
    CHECK(a.addressee == "PACE");
    REQUIRE(a.texts.size() == 2);
    CHECK(a.texts[0].title == "Вызваліць");
    CHECK(a.texts[1].body == "Text.\n\nSecond paragraph.");
    CHECK(a.texts[0].hash == appeal_text_hash(a, a.texts[0]));
    CHECK_FALSE(is_zero(a.texts[0].hash));
    CHECK(a.texts[0].hash != a.texts[1].hash);
    CHECK(a.content_hash == appeal_content_hash(a));
    REQUIRE(back->consents.size() == 4);
    CHECK(back->consents[2].purpose == Purpose::join_registry);
    CHECK(back->consents[2].text == "Далучыць.");
    CHECK(back->consents[2].hash == consent_text_hash(back->consents[2]));
    CHECK_FALSE(is_zero(back->pack_hash));

    // The encoding is canonical and Ed25519 deterministic: writing what was read gives the same bytes.
    auto again = pack_write(*back, s.sk);
    REQUIRE(again.ok());
    CHECK(*again == *file);
}

TEST_CASE("a pack signed by another coordinator is refused with both fingerprints", "[registry][pack]") {
    Signer s, other;
    auto file = pack_write(small_pack(), other.sk);
    REQUIRE(file.ok());
    auto r = pack_read(*file, s.pk);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.message(), ContainsSubstring("signed by another coordinator"));
    CHECK_THAT(r.message(), ContainsSubstring(fingerprint(other.pk)));
    CHECK_THAT(r.message(), ContainsSubstring("expected " + fingerprint(s.pk)));

    // Swapping in the expected key does not help: the signature is checked against it.
    Bytes forged = *file;
    std::memcpy(forged.data() + 12, s.pk.data(), 32);
    auto f = pack_read(forged, s.pk);
    REQUIRE_FALSE(f.ok());
    CHECK_THAT(f.message(), ContainsSubstring("signature does not verify"));
}

TEST_CASE("every single-byte change of a pack is refused", "[registry][pack]") {
    Signer s;
    auto file = pack_write(small_pack(), s.sk);
    REQUIRE(file.ok());
    REQUIRE(pack_read(*file, s.pk).ok());
    const std::uint8_t mask = GENERATE(std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xFF});
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < file->size(); ++i) {
        Bytes bad = *file;
        bad[i] = static_cast<std::uint8_t>(bad[i] ^ mask);
        if (pack_read(bad, s.pk).ok()) ++accepted;
    }
    CHECK(accepted == 0);
}

TEST_CASE("every truncation and any appended byte is refused", "[registry][pack]") {
    Signer s;
    auto file = pack_write(small_pack(), s.sk);
    REQUIRE(file.ok());
    for (std::size_t n = 0; n < file->size(); ++n) {
        auto r = pack_read(std::span<const std::uint8_t>(file->data(), n), s.pk);
        REQUIRE_FALSE(r.ok());
    }
    Bytes longer = *file;
    longer.push_back(0);
    auto r = pack_read(longer, s.pk);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.message(), ContainsSubstring("header says"));
}

TEST_CASE("a header claiming a 4 GB body is refused before anything is read", "[registry][pack]") {
    Signer s;
    auto file = pack_write(small_pack(), s.sk);
    REQUIRE(file.ok());
    Bytes bad(file->begin(), file->begin() + 48);
    bad[44] = bad[45] = bad[46] = bad[47] = 0xFF;
    bad.resize(48 + 64);
    auto r = pack_read(bad, s.pk);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.message(), ContainsSubstring("4294967295"));
    CHECK_THAT(r.message(), ContainsSubstring("16 MiB"));
}

TEST_CASE("signed bodies with oversized inner lengths are refused without allocating", "[registry][pack]") {
    // The signature only says the coordinator made the file, not that the coordinator's tool was
    // correct: inner lengths are checked against their limits and the bytes left.
    Signer s;
    auto file = pack_write(small_pack(), s.sk, 1);  // sign_raw writes format 1 headers
    REQUIRE(file.ok());
    const Bytes body = body_of(*file);

    // Layout: id_len(1) id(6) created(8) lang_count(1) "be"(1+2) "en"(1+2) appeal_count(2)
    //         appeal id_len(1) id(19) version(4) addressee_len(2) "PACE"(4) text_count(1)
    //         lang_len(1) "be"(2) title_len(2) title(18) body_len(4) ...
    const std::size_t title_len_at = 1 + 6 + 8 + 1 + 3 + 3 + 2 + 1 + 19 + 4 + 2 + 4 + 1 + 1 + 2;
    REQUIRE(get_u16(body.data() + title_len_at) == std::string_view("Вызваліць").size());
    const std::size_t body_len_at = title_len_at + 2 + std::string_view("Вызваліць").size();
    REQUIRE(get_u32(body.data() + body_len_at) == std::string_view("Тэкст.\n\nДругі абзац.").size());

    SECTION("an appeal body claiming 4 GB") {
        Bytes b = body;
        b[body_len_at] = b[body_len_at + 1] = b[body_len_at + 2] = b[body_len_at + 3] = 0xFF;
        auto r = pack_read(sign_raw(b, s), s.pk);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.message(), ContainsSubstring("appeal body"));
        CHECK_THAT(r.message(), ContainsSubstring("exceeds its limit"));
    }
    SECTION("an appeal body within its limit but past the end") {
        Bytes b = body;
        b[body_len_at] = 0x00;
        b[body_len_at + 1] = 0xF0;  // 61440 bytes, under 64 KiB
        b[body_len_at + 2] = b[body_len_at + 3] = 0;
        auto r = pack_read(sign_raw(b, s), s.pk);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.message(), ContainsSubstring("runs past the end"));
    }
    SECTION("a title longer than 1 KiB") {
        Bytes b = body;
        b[title_len_at] = 0xFF;
        b[title_len_at + 1] = 0xFF;
        auto r = pack_read(sign_raw(b, s), s.pk);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.message(), ContainsSubstring("title"));
    }
    SECTION("65535 appeals") {
        const std::size_t count_at = 1 + 6 + 8 + 1 + 3 + 3;
        Bytes b = body;
        b[count_at] = b[count_at + 1] = 0xFF;
        auto r = pack_read(sign_raw(b, s), s.pk);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.message(), ContainsSubstring("65535 appeals"));
    }
    SECTION("invalid UTF-8 in a signed title") {
        Bytes b = body;
        b[title_len_at + 2] = 0xFF;
        auto r = pack_read(sign_raw(b, s), s.pk);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.message(), ContainsSubstring("not valid UTF-8"));
    }
    SECTION("the unmodified body, re-signed, still reads (the offsets above are right)") {
        CHECK(pack_read(sign_raw(body, s), s.pk).ok());
    }
}

TEST_CASE("pack_write refuses packs that break the rules", "[registry][pack]") {
    Signer s;
    AppealPack p = small_pack();
    std::string expect;
    SECTION("missing text in a declared language") {
        p.appeals[0].texts.pop_back();
        expect = "has no text for language 'en'";
    }
    SECTION("a language outside the allowed set") {
        p.languages.push_back("fr");
        expect = "'fr' is not one of";
    }
    SECTION("no sign_appeal consent for a language") {
        p.consents.erase(p.consents.begin() + 1);
        expect = "consent sign_appeal has no text for language 'en'";
    }
    SECTION("an optional consent offered in one language only") {
        p.consents.pop_back();
        expect = "consent join_registry has no text for language 'en'";
    }
    SECTION("a bad pack id") {
        p.pack_id = "Test Pack";
        expect = "pack id";
    }
    SECTION("a duplicate appeal id") {
        p.appeals.push_back(p.appeals[0]);
        expect = "appears twice";
    }
    SECTION("a control character in a title") {
        p.appeals[0].texts[1].title = "Re\x1Blease";
        expect = "control character";
    }
    SECTION("a line break in a title") {
        p.appeals[0].texts[1].title = "Re\nlease";
        expect = "line break";
    }
    SECTION("overlong UTF-8 in a body") {
        p.appeals[0].texts[1].body = "A\xC0\xAF";
        expect = "not valid UTF-8";
    }
    SECTION("a UTF-8 encoded surrogate") {
        p.appeals[0].texts[1].body = "A\xED\xA0\x80";
        expect = "not valid UTF-8";
    }
    SECTION("a body over 64 KiB") {
        p.appeals[0].texts[1].body = std::string(64 * 1024 + 1, 'a');
        expect = "longer than 64 KiB";
    }
    SECTION("65 appeals") {
        for (int i = 0; i < 64; ++i) {
            Appeal a = p.appeals[0];
            a.id = "a" + std::to_string(i);
            p.appeals.push_back(a);
        }
        expect = "too many appeals";
    }
    auto r = pack_write(p, s.sk);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.message(), ContainsSubstring(expect));
}

TEST_CASE("content hashes bind the text and ignore the order texts are listed in", "[registry][pack]") {
    AppealPack p = small_pack();
    Appeal a = p.appeals[0];
    const Hash text0 = appeal_text_hash(a, a.texts[0]);
    const Hash content = appeal_content_hash(a);

    Appeal reordered = a;
    std::swap(reordered.texts[0], reordered.texts[1]);
    CHECK(appeal_content_hash(reordered) == content);

    Appeal edited = a;
    edited.texts[0].body += " ";
    CHECK(appeal_text_hash(edited, edited.texts[0]) != text0);
    CHECK(appeal_content_hash(edited) != content);

    Appeal bumped = a;
    bumped.version = 3;
    CHECK(appeal_text_hash(bumped, bumped.texts[0]) != text0);

    // Moving a byte between title and body must change the hash (fields are length-prefixed).
    AppealText t1{"en", "ab", "c", {}}, t2{"en", "a", "bc", {}};
    CHECK(appeal_text_hash(a, t1) != appeal_text_hash(a, t2));

    ConsentText c1 = p.consents[0];
    ConsentText c2 = c1;
    c2.purpose = Purpose::join_registry;
    CHECK(consent_text_hash(c1) != consent_text_hash(c2));
}


// [SECTION] Format 2: receipt instructions and per-language addressees

namespace {
AppealPack pack_v2() {
    AppealPack p = small_pack();
    p.appeals[0].texts[0].addressee = "ПАСЕ";
    p.receipts = {{"be", "https://example.org/receipts/be", "withdraw@example.org"},
                  {"en", "https://example.org/receipts/en", "withdraw@example.org, +48 600 000 000"}};
    return p;
}
}  // namespace

TEST_CASE("format 2 carries receipt instructions and addressees per language", "[registry][pack][v2]") {
    Signer s;
    auto file = pack_write(pack_v2(), s.sk);
    REQUIRE(file.ok());
    CHECK(get_u16(file->data() + 8) == 2);
    auto back = pack_read(*file, s.pk);
    REQUIRE(back.ok());
    REQUIRE(back->receipts.size() == 2);
    CHECK(back->receipts[1].lang == "en");
    CHECK(back->receipts[1].list_url == "https://example.org/receipts/en");
    CHECK(back->receipts[1].withdraw_contact == "withdraw@example.org, +48 600 000 000");
    CHECK(back->appeals[0].texts[0].addressee == "ПАСЕ");
    CHECK(back->appeals[0].texts[1].addressee.empty());
    // The addressee in the signer's language is part of the text they sign.
    const Appeal& a = back->appeals[0];
    AppealText without = a.texts[0];
    without.addressee.clear();
    CHECK(a.texts[0].hash != appeal_text_hash(a, without));
    // Łacinka and Russian readers fall back as texts do: be-Latn to be; ru (not in the pack) to en.
    REQUIRE(back->receipt_for("be-Latn"));
    CHECK(back->receipt_for("be-Latn")->lang == "be");
    REQUIRE(back->receipt_for("ru"));
    CHECK(receipt_check_url(*back->receipt_for("en"), "7K3M-Q2ZD-0000-C") ==
          "https://example.org/receipts/en#7K3M-Q2ZD-0000-C");
    auto again = pack_write(*back, s.sk);
    REQUIRE(again.ok());
    CHECK(*again == *file);
}

TEST_CASE("a format 1 pack still loads, without receipt instructions, with the same text hashes", "[registry][pack][v2]") {
    Signer s;
    auto v1 = pack_write(small_pack(), s.sk, 1);
    REQUIRE(v1.ok());
    CHECK(get_u16(v1->data() + 8) == 1);
    auto old = pack_read(*v1, s.pk);
    REQUIRE(old.ok());
    CHECK(old->receipts.empty());
    CHECK(old->receipt_for("be") == nullptr);
    for (const auto& t : old->appeals[0].texts) CHECK(t.addressee.empty());
    // Signatures made on a format 1 pack keep matching the texts of the same pack in format 2.
    auto v2 = pack_read(*pack_write(small_pack(), s.sk), s.pk);
    REQUIRE(v2.ok());
    CHECK(v2->appeals[0].texts[0].hash == old->appeals[0].texts[0].hash);
    CHECK(v2->appeals[0].content_hash == old->appeals[0].content_hash);

    // Format 1 cannot hold the new fields: the writer says so instead of dropping them.
    auto refused = pack_write(pack_v2(), s.sk, 1);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.message(), ContainsSubstring("format 1 has no receipt instructions"));
}

TEST_CASE("a pack of a newer format is refused with a clear message", "[registry][pack][v2]") {
    Signer s;
    auto file = pack_write(small_pack(), s.sk);
    REQUIRE(file.ok());
    Bytes f = *file;
    f[8] = 3;  // the version field; the signature then fails too, but the version is checked first
    auto r = pack_read(f, s.pk);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.message(), ContainsSubstring("unsupported format version 3"));
    CHECK_THAT(r.message(), ContainsSubstring("reads 1 and 2"));
}

TEST_CASE("receipt instructions follow the rules: every language, a plain URL, a contact", "[registry][pack][v2]") {
    Signer s;
    auto refused = [&](AppealPack p, const char* what) {
        auto r = pack_write(p, s.sk);
        INFO(what);
        REQUIRE_FALSE(r.ok());
        CHECK_THAT(r.message(), ContainsSubstring(what));
    };
    AppealPack p = pack_v2();
    p.receipts.pop_back();
    refused(p, "receipt instructions missing for language 'en'");
    p = pack_v2();
    p.receipts[1].lang = "be";
    refused(p, "receipt [be] is given twice");
    p = pack_v2();
    p.receipts[0].list_url = "https://example.org/list#top";
    refused(p, "must not hold '#'");
    p = pack_v2();
    p.receipts[0].list_url = "example.org/list";
    refused(p, "must start with https://");
    p = pack_v2();
    p.receipts[0].list_url = "https://example.org/a list";
    refused(p, "without spaces");
    p = pack_v2();
    p.receipts[0].list_url = "https://example.org/" + std::string(600, 'a');
    refused(p, "longer than 512");
    p = pack_v2();
    p.receipts[0].withdraw_contact.clear();
    refused(p, "withdraw_contact is empty");
    p = pack_v2();
    p.receipts[0].withdraw_contact = "line\nbreak";
    refused(p, "withdraw_contact contains a line break");
    p = pack_v2();
    p.receipts.push_back({"de", "https://example.org/de", "x"});
    refused(p, "does not declare");
    p = pack_v2();
    p.appeals[0].texts[1].addressee = "a\tb";
    refused(p, "addressee contains a line break or tab");
}
