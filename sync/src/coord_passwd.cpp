#include "embassy/sync/coord_passwd.hpp"

#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/coordinator.hpp"

#include "embassy/registry/bytes.hpp"

namespace embassy::sync {
namespace fs = std::filesystem;
using registry::KeyFileKind;

namespace {

// Through the atomic writer (the target is old or new, durably), then the source removed: a kill
// in between leaves a registry.key.next the new passphrase opens, and the next open copies it again.
Status move_durably(const fs::path& from, const fs::path& to) {
    if (auto s = copy_file_atomic(from.string(), to.string()); !s) return s;
    std::error_code ec;
    fs::remove(from, ec);
    if (ec) return make_error(from.string() + ": cannot remove it after the passphrase change");
    return {};
}

}  // namespace

Status change_coordinator_passphrase(const fs::path& dir, std::string_view old_passphrase, std::string_view new_passphrase,
                                     registry::KdfParams params) {
    const fs::path coord_key = dir / coordinator_key_file;
    const fs::path reg_key = dir / coord_registry_key_file;
    const fs::path next = dir / coord_registry_key_next_file;
    // 1. The old passphrase opens both (and any interrupted change is settled first).
    if (auto k = coordinator_unlock(dir, old_passphrase); !k) return k.error();
    if (auto s = finish_passphrase_change(dir, old_passphrase); !s) return s;
    std::error_code ec;
    const bool has_registry = fs::exists(reg_key, ec);
    if (has_registry) {
        auto db_key = registry::keyfile_unlock(reg_key, KeyFileKind::kiosk_database, old_passphrase);
        if (!db_key) return make_error(reg_key.string() + ": " + db_key.message());
        // 2. The registry key under the new passphrase, beside the old.
        if (auto s = registry::keyfile_create(next, KeyFileKind::kiosk_database, new_passphrase, *db_key, params); !s) return s;
    }
    // 3. The commit point.
    if (auto s = registry::keyfile_rewrap(coord_key, KeyFileKind::coordinator_secrets, old_passphrase, new_passphrase, params); !s) {
        fs::remove(next, ec);
        return s;
    }
    // 4.
    if (has_registry) return move_durably(next, reg_key);
    return {};
}

Status finish_passphrase_change(const fs::path& dir, std::string_view passphrase) {
    const fs::path next = dir / coord_registry_key_next_file;
    std::error_code ec;
    if (!fs::exists(next, ec)) return {};
    if (registry::keyfile_unlock(next, KeyFileKind::kiosk_database, passphrase))
        return move_durably(next, dir / coord_registry_key_file);  // killed after step 3: finish it
    fs::remove(next, ec);                                               // killed before step 3: undo it
    if (ec) return make_error(next.string() + ": cannot remove an unfinished passphrase change");
    return {};
}

}  // namespace embassy::sync
