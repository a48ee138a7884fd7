// Signature records: the canonical encoding round-trips and refuses damage (docs/record-encoding.md).
#include "embassy/registry/record.hpp"
#include "embassy/registry/strokes.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace embassy;
using namespace embassy::registry;

TEST_CASE("signature records round-trip and refuse damage", "[registry][record]") {
    SignatureRecord r;
    r.seq = 7;
    r.event_id = 2;
    r.event_name = "Rally";
    r.appeal_id = "free-elections";
    r.lang = "be";
    r.signed_minute = 29000000;
    r.strokes = encode_strokes({{{1, 2}, {3, 4}}});
    r.registrant = {"Аляксандр", "Новік", "PL", "Warszawa", "a@b.pl", "+48123456", "be"};
    r.joined_registry = true;
    r.consents.push_back({Purpose::sign_appeal, Hash{}, "be"});
    Bytes enc = encode_record(r);
    auto back = decode_record(enc);
    REQUIRE(back.ok());
    CHECK(encode_record(*back) == enc);
    CHECK(log_record_hash(*back) == log_record_hash(r));
    for (std::size_t n = 0; n < enc.size(); ++n) CHECK_FALSE(decode_record(std::span(enc.data(), n)).ok());
    r.registrant.family_name = "Novik";
    CHECK(log_record_hash(r) != log_record_hash(*back));
}
