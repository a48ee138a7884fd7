// A ready kiosk for tests: coordinator keys, a two-appeal pack in two languages, one active event.
// The expensive part (two Argon2id runs) happens once per process; each test gets a copy of the
// data directory and pays one unlock.
#pragma once

#include "embassy/registry/db.hpp"
#include "embassy/registry/pack.hpp"
#include "embassy/registry/store.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace embassy::registry {
// The database behind a KioskStore, for tests that inspect or damage it; store.hpp keeps it private
// so that no module but the store touches the kiosk's tables.
struct KioskStoreTestAccess {
    static Database& db(KioskStore& s) { return *s.db_; }
};
}  // namespace embassy::registry

namespace embassy::test {

inline registry::Database& kiosk_db(registry::KioskStore& s) { return registry::KioskStoreTestAccess::db(s); }

inline constexpr const char* kPassphrase = "correct horse battery staple";

struct TempDir {
    std::filesystem::path path;
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

struct TestKiosk {
    TempDir dir;
    std::unique_ptr<registry::KioskStore> store;
    registry::AppealPack pack;
};

std::unique_ptr<TestKiosk> make_test_kiosk();

// An unsigned two-appeal pack (en, be) with all four consents and its hashes computed.
registry::AppealPack test_pack(const std::string& pack_id);

// A valid submission for the first appeal in `lang` ("en" or "be").
registry::Submission sample_submission(const registry::AppealPack& pack, std::string given, std::string family,
                                       const std::string& lang = "en");

// Does any file under dir contain `needle` (raw bytes)?
int count_hits_in_dir(const std::filesystem::path& dir, std::string_view needle);

}  // namespace embassy::test
