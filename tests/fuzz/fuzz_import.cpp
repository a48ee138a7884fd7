// Fuzz the importer's second pass on signed batches (issue 9): the fuzzer's bytes are the record
// frames of a batch's plaintext (docs/batch-format.md 4.1). Frames that decode become records,
// renumbered to continue the test kiosk's record sequence; the log head is computed from them as an
// honest kiosk's would be, and the batch is written by the real BatchWriter, signed with the fixed
// test kiosk key (fuzz_keys.hpp), for the fixed test coordinator and imported into a temporary registry that knows one pack
// and the kiosk. So every input passes verification and reaches the content checks, deduplication
// and the registry writes. The registry is recreated every 512 inputs to keep each run small.
#include "embassy/registry/pack.hpp"
#include "embassy/registry/record.hpp"
#include "embassy/sync/batch.hpp"
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/coord_packs.hpp"
#include "embassy/sync/import.hpp"
#include "embassy/sync/kiosk_export.hpp"
#include "batch_support.hpp"
#include "fuzz_keys.hpp"
#include "fuzz_pack.hpp"

#include <sodium.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

namespace {

using namespace embassy;
namespace fs = std::filesystem;

struct World {
    fs::path root;
    sync::CoordinatorKeys keys;
    registry::SecretBytes db_key{32};
    Bytes pack_file;
    std::unique_ptr<sync::Coordinator> coord;
    int runs = 0;

    World() {
        const auto& k = fuzz_keys::keys();
        keys.identity.name = "Fuzz coordinator";
        keys.identity.box_key = k.coord_box_pk;
        keys.identity.sign_key = k.coord_sign_pk;
        keys.box_secret = registry::SecretBytes(k.coord_box_sk.data(), k.coord_box_sk.size());
        keys.sign_secret = registry::SecretBytes(k.coord_sign_sk.data(), k.coord_sign_sk.size());
        randombytes_buf(db_key.data(), db_key.size());
        auto bytes = registry::pack_write(fuzz_keys::fuzz_pack(), keys.sign_secret);
        if (!bytes) abort();
        pack_file = *bytes;
        std::string tmpl = ((fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()) / "embassy-fuzz-import-XXXXXX").string();
        if (mkdtemp(tmpl.data()) == nullptr) abort();
        root = tmpl;
        fresh();
    }
    ~World() {
        coord.reset();
        std::error_code ec;
        fs::remove_all(root, ec);
    }
    void fresh() {
        coord.reset();
        std::error_code ec;
        fs::remove_all(root / "coord", ec);
        auto c = sync::Coordinator::open_with(root / "coord", keys, db_key);
        if (!c) abort();
        coord = std::move(*c);
        if (!sync::record_pack(*coord, pack_file)) abort();
        if (!coord->enroll(fuzz_keys::keys().kiosk_pk, "fuzz kiosk")) abort();
    }
};

World& world() {
    static World w;
    return w;
}

// Frames: u8 type, u32 little-endian length, body. Stops at the first frame that does not decode.
std::vector<sync::Record> records_of(const std::uint8_t* data, std::size_t size) {
    std::vector<sync::Record> out;
    std::size_t i = 0;
    while (size - i >= 5 && out.size() < 256) {
        const std::uint8_t type = data[i];
        const std::uint32_t len = static_cast<std::uint32_t>(data[i + 1]) | static_cast<std::uint32_t>(data[i + 2]) << 8 |
                                  static_cast<std::uint32_t>(data[i + 3]) << 16 | static_cast<std::uint32_t>(data[i + 4]) << 24;
        i += 5;
        if (len > size - i) break;
        auto r = sync::decode_record(type, std::span<const std::uint8_t>(data + i, len));
        i += len;
        if (!r) break;
        out.push_back(std::move(*r));
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    World& w = world();
    if (++w.runs % 512 == 0) w.fresh();
    const auto kiosk = w.coord->kiosk_by_key(fuzz_keys::keys().kiosk_pk);
    if (!kiosk) abort();
    std::vector<sync::Record> recs = records_of(data, size);
    // Record numbers continue the kiosk's sequence, so the chain checks pass and the content is reached.
    std::uint64_t seq = kiosk->last_record_seq;
    for (auto& r : recs) std::visit([&](auto& x) { x.seq = ++seq; }, r);
    sync::ManifestFields f;
    f.kiosk_public_key = fuzz_keys::keys().kiosk_pk;
    f.coordinator_key_id = w.keys.identity.key_id();
    f.seq = kiosk->last_seq + 1;
    f.previous_batch_hash = kiosk->last_batch_hash;
    f.log = batch_test::log_over(recs, {kiosk->log_size, kiosk->log_head});   // what an honest kiosk signs
    sync::BatchId id{};
    id[0] = static_cast<std::uint8_t>(w.runs);
    id[1] = static_cast<std::uint8_t>(w.runs >> 8);
    const auto& k = fuzz_keys::keys();
    // Written by the real BatchWriter, as a kiosk writes it.
    std::error_code ec;
    fs::remove_all(w.root / "in", ec);
    auto written = batch_test::write_batch_file(w.root / "in", k.coord_box_pk, recs, f, [&k](std::span<const std::uint8_t> m) {
        Bytes sig(crypto_sign_BYTES);
        crypto_sign_detached(sig.data(), nullptr, m.data(), m.size(), k.kiosk_sk.data());
        return sig;
    }, id);
    if (!written) return 0;  // a record the writer refuses (e.g. strokes in typed-name mode)
    const fs::path path = *written;
    const auto o = sync::import_batch(*w.coord, path);
    // A batch the kiosk key signed with continuing numbers is either imported or rejected; it is
    // never quarantined (no gap) and never already imported (a fresh batch id).
    if (o.status == sync::ImportStatus::quarantined || o.status == sync::ImportStatus::already_imported) abort();
    return 0;
}
