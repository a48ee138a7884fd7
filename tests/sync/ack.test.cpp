// Acknowledgements: round trip, and every tampered or foreign file refused before its content is used.
#include "embassy/sync/ack.hpp"
#include "doc_layout.hpp"

#include <catch2/catch_test_macros.hpp>
#include <sodium.h>

using namespace embassy;
using namespace embassy::sync;

namespace {
struct Coordinator {
    SignPublicKey pk{};
    registry::SecretBytes sk{crypto_sign_SECRETKEYBYTES};
    Coordinator() { registry::crypto_init(); crypto_sign_keypair(pk.data(), sk.data()); }
};
Ack sample() {
    Ack a;
    a.kiosk_public_key.fill(0x5A);
    a.first_seq = 1;
    a.last_seq = 17;
    a.last_batch_hash.fill(0x77);
    a.last_record_seq = 123456;
    a.timestamp_unix = 1700000000;
    return a;
}
}  // namespace

TEST_CASE("an acknowledgement round-trips", "[sync][ack]") {
    Coordinator c;
    auto bytes = ack_write(sample(), c.sk);
    REQUIRE(bytes.ok());
    CHECK(bytes->size() == kAckSize);
    auto a = ack_read(*bytes, c.pk);
    REQUIRE(a.ok());
    CHECK(*a == sample());
}

TEST_CASE("every single-bit flip of an acknowledgement is rejected", "[sync][ack][tamper]") {
    Coordinator c;
    const Bytes good = *ack_write(sample(), c.sk);
    std::size_t rejected = 0;
    for (std::size_t i = 0; i < good.size(); ++i)
        for (int b = 0; b < 8; ++b) {
            Bytes t = good;
            t[i] ^= static_cast<std::uint8_t>(1u << b);
            if (!ack_read(t, c.pk).ok()) ++rejected;
        }
    CHECK(rejected == good.size() * 8);
}

TEST_CASE("an acknowledgement from another coordinator or of the wrong shape is refused", "[sync][ack]") {
    Coordinator c, other;
    const Bytes good = *ack_write(sample(), c.sk);
    auto r = ack_read(good, other.pk);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message().find("signed by another coordinator") != std::string::npos);

    // Another coordinator's key written in the file, signed by that coordinator: still refused.
    const Bytes forged = *ack_write(sample(), other.sk);
    CHECK_FALSE(ack_read(forged, c.pk).ok());

    // The right key id but a signature by someone else.
    Bytes spliced = good;
    std::copy(forged.end() - 64, forged.end(), spliced.end() - 64);
    auto s = ack_read(spliced, c.pk);
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("signature does not verify") != std::string::npos);

    Bytes longer = good; longer.push_back(0);
    CHECK_FALSE(ack_read(longer, c.pk).ok());
    CHECK_FALSE(ack_read(Bytes(good.begin(), good.end() - 1), c.pk).ok());
    CHECK_FALSE(ack_read(Bytes{}, c.pk).ok());
    Ack empty = sample(); empty.last_seq = 0;
    CHECK_FALSE(ack_write(empty, c.sk).ok());
}

TEST_CASE("the acknowledgement's field offsets are the table of the spec", "[sync][ack][layout]") {
    const auto doc = doc_layout::offsets("## 6. Acknowledgement");
    const std::map<std::string, std::size_t> code = {
        {"magic", ack_layout::magic}, {"version", ack_layout::version}, {"coordinator_key", ack_layout::coordinator_key},
        {"kiosk_public_key", ack_layout::kiosk_public_key}, {"first_seq", ack_layout::first_seq},
        {"last_seq", ack_layout::last_seq}, {"last_batch_hash", ack_layout::last_batch_hash},
        {"last_record_seq", ack_layout::last_record_seq}, {"timestamp", ack_layout::timestamp},
        {"signature", ack_layout::signature}};
    CHECK(doc == code);
}
