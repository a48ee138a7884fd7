// Synthetic load: realistic submissions and whole kiosks producing batches, for load tests,
// benchmarks and demonstrations. Everything goes through the real kiosk path (KioskStore::submit,
// export_batch), so the batches are exactly what a kiosk at a rally would write.
#pragma once

#include "embassy/registry/identity.hpp"
#include "embassy/registry/keyfile.hpp"
#include "embassy/registry/model.hpp"
#include "embassy/result.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace embassy::sync {

// A plausible signature drawing (1-3 strokes, 40-120 points each) on the kiosk canvas.
registry::Strokes synthetic_strokes(std::mt19937_64& rng);

// Synthetic person number `index`: a Belarusian name in Cyrillic or Łacinka, country, city, and
// sometimes an email or phone. Person i is always the same, so drawing indexes from a pool makes the
// same person turn up at several kiosks, as real people do.
struct SyntheticPerson {
    std::string given, family, country, city, email, phone;
};
SyntheticPerson synthetic_person(std::uint64_t index);

// One valid submission for an appeal of `pack` (consents in the chosen language; ~5% typed names).
Result<registry::Submission> synthetic_submission(std::mt19937_64& rng, const registry::AppealPack& pack,
                                                  const std::vector<std::string>& appeal_ids, const SyntheticPerson& who);

struct SimulateOptions {
    int kiosks = 1;
    std::uint64_t records_per_kiosk = 100;
    std::uint64_t batches_per_kiosk = 1;     // the records of a kiosk are split evenly over its batches
    std::uint64_t people = 0;                // size of the person pool (0: 200,000)
    std::uint64_t seed = 1;
    registry::PublicIdentity coordinator;
    Bytes pack;                              // an appeal pack signed by that coordinator
    std::filesystem::path out_dir;
    registry::KdfParams kdf;                 // for the temporary kiosks' key files
    std::function<void(int kiosk, std::uint64_t done, std::uint64_t total)> progress;
};

struct SimulatedKiosk {
    std::string fingerprint;
    SignPublicKey public_key{};
    std::filesystem::path key_file;          // <out>/<fingerprint>.kiosk-key: the 64-hex public key, for enroll
    std::vector<std::filesystem::path> batches;
    std::vector<std::string> receipts;       // receipt codes, in submission order
};

// Create each kiosk in a temporary directory (removed afterwards: it held synthetic personal data),
// submit, export into out_dir, and write its public key file.
Result<std::vector<SimulatedKiosk>> simulate_batches(const SimulateOptions& opts);

}  // namespace embassy::sync
