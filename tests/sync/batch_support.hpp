// Shared helpers for the batch tests: keys, sample records, writing a batch.
#pragma once

#include "embassy/sync/batch.hpp"

#include <sodium.h>

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace batch_test {

using namespace embassy;
using namespace embassy::sync;

struct Keys {
    BoxPublicKey box_pk{};
    registry::SecretBytes box_sk{crypto_box_SECRETKEYBYTES};
    SignPublicKey kiosk_pk{};
    registry::SecretBytes kiosk_sk{crypto_sign_SECRETKEYBYTES};
    Keys() {
        registry::crypto_init();
        crypto_box_keypair(box_pk.data(), box_sk.data());
        crypto_sign_keypair(kiosk_pk.data(), kiosk_sk.data());
    }
    Signer signer() const {
        return [this](std::span<const std::uint8_t> msg) {
            Bytes sig(crypto_sign_BYTES);
            crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), kiosk_sk.data());
            return sig;
        };
    }
    ManifestFields fields(std::uint64_t seq = 1) const {
        ManifestFields f;
        f.kiosk_public_key = kiosk_pk;
        f.coordinator_key_id.fill(0xC0);
        f.seq = seq;
        if (seq > 1) f.previous_batch_hash.fill(0x11);
        f.log.size = 42;
        f.log.hash.fill(0x42);
        return f;
    }
};

inline const char* kCanaryGiven = "Canaryhanna";
inline const char* kCanaryFamily = "Zzyzxcanary";

// A realistic mix: events, appeal refs, registrants, consents, signatures with strokes, withdrawals.
inline std::vector<Record> make_records(std::size_t n, std::uint32_t seed = 7) {
    std::mt19937 rng(seed);
    std::vector<Record> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t seq = 10 + 3 * i;     // gaps are allowed, order is not
        Hash h{};
        for (auto& b : h) b = static_cast<std::uint8_t>(rng());
        switch (i % 7) {
            case 0: out.push_back(RegistrantRecord{seq, 5, 28000000 + i, kCanaryGiven, kCanaryFamily, "PL", "Warszawa",
                                                   "canary@example.org", "+48 600 000 000", "be", i % 2 == 0});
                    break;
            case 1: out.push_back(ConsentRecord{seq, seq - 3, static_cast<std::uint8_t>(1 + i % 4), h, "be", 28000000 + i}); break;
            case 2: {
                SignatureRecord s;
                s.seq = seq; s.registrant_seq = seq - 6; s.appeal_id = "political-prisoners"; s.appeal_version = 3;
                s.appeal_text_hash = h; s.lang = "be-Latn"; s.event_id = -2; s.unix_minute = 28000000 + i;
                if (i % 5 == 0) {
                    s.mode = SignatureMode::typed_name;
                    s.typed_name = "Ганна Канарэйка";
                } else {
                    s.strokes.resize(100 + rng() % 5000);
                    for (auto& b : s.strokes) b = static_cast<std::uint8_t>(rng());
                }
                s.receipt_commitment = h; s.log_position = i;
                out.push_back(s);
                break;
            }
            case 3: out.push_back(ReceiptCommitmentRecord{seq, seq - 1, h}); break;
            case 4: out.push_back(EventRecord{seq, static_cast<std::int64_t>(i), "Rally", "Vilnius", "LT", "2024-08-09"}); break;
            case 5: out.push_back(AppealRefRecord{seq, "new-elections", 2, h, h}); break;
            default: out.push_back(WithdrawalRecord{seq, seq - 4, h, 28000000 + i}); break;
        }
    }
    return out;
}

inline std::filesystem::path temp_dir(const std::string& name) {
    auto d = std::filesystem::temp_directory_path() / ("embassy-batch-test-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

}  // namespace batch_test
