// A real coordinator for the coordinator-side tests: an identity made with coordinator_init (once
// per process, at the Argon2id floor), a pack it signed, and kiosks bound to it. Kiosk templates
// are created once; each test gets a fresh copy of a kiosk's directory (one unlock) and a fresh
// coordinator registry (no key derivation at all: Coordinator::open_with).
#pragma once

#include "kiosk_fixture.hpp"

#include "../batch_support.hpp"

#include "embassy/registry/pack.hpp"
#include "embassy/registry/store.hpp"
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/import.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace coord_test {

namespace fs = std::filesystem;
using namespace embassy;

struct World {
    test::TempDir dir;
    fs::path coord_dir;               // coordinator.key + identity.pub
    sync::CoordinatorKeys keys;
    registry::SecretBytes db_key;
    Bytes pack_file;
};
const World& world();

// A registry in `dir` (created) for the shared coordinator identity, with the shared pack recorded.
std::unique_ptr<sync::Coordinator> open_coordinator(const fs::path& dir);

// Kiosk `index` (0..3: four distinct identities) bound to the shared coordinator, pack loaded,
// event "Rally" active with both appeals. A fresh copy of its directory each call.
struct Kiosk {
    test::TempDir dir;
    std::unique_ptr<registry::KioskStore> store;
    registry::AppealPack pack;
    SignPublicKey public_key{};
    std::string fingerprint;
};
std::unique_ptr<Kiosk> make_kiosk(int index);

// A submission for appeal `appeal` (0 or 1) in "en"; pass_name adds the pass_name_to_addressee
// consent.
registry::Submission submission(const registry::AppealPack& pack, const std::string& given, const std::string& family,
                                int appeal = 0, bool pass_name = false, const std::string& country = "PL");

// Submit and return the receipt code (REQUIREs success).
std::string submit(Kiosk& k, const registry::Submission& s);
// Export a batch (REQUIREs one was written) and return its path, in out_dir.
fs::path export_one(Kiosk& k, const fs::path& out_dir);

// The registry files' bytes (registry.db and, if present, -wal and -journal), for "changed nothing" checks.
std::string registry_bytes(const fs::path& dir);

std::int64_t count(sync::Coordinator& c, const std::string& sql);

// A whole file as bytes in a string, and back (for tampering with one).
std::string slurp(const fs::path& p);
void spit(const fs::path& p, const std::string& s);

// The shared pack as the kiosks hold it (hashes filled in).
const registry::AppealPack& world_pack();

// batch_test::rewrite_batch for kiosk `k` of the shared world: a real batch of k's, changed, signed
// again with k's real key (REQUIREs success).
fs::path rewrite(Kiosk& k, const fs::path& real, const fs::path& out_dir, const batch_test::Rewrite& how);
// Only the manifest's batch number changed (and, through the writer, the batch id and hash).
fs::path resign(Kiosk& k, const fs::path& real, const fs::path& out_dir, std::uint64_t seq);
// What the batch holds (REQUIREs it reads).
batch_test::BatchContent content_of(const fs::path& file);

}  // namespace coord_test
