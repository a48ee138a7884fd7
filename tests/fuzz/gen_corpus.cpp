// Writes small valid seed inputs for every fuzz target into <dir>/<target>/ (tests/fuzz/corpus).
// Run by scripts/fuzz when a corpus folder is empty; the output is kept in the repository.
#include "embassy/sync/ack.hpp"
#include "embassy/sync/batch.hpp"
#include "embassy/sync/merkle.hpp"
#ifdef EMBASSY_FUZZ_HAVE_PACK
#include "embassy/registry/pack.hpp"
#endif
#include "batch_support.hpp"
#include "fuzz_keys.hpp"
#include "fuzz_pack.hpp"
#include "embassy/registry/strokes.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace embassy;
using namespace embassy::sync;
namespace fs = std::filesystem;

namespace {

void put(const fs::path& dir, const std::string& name, std::uint8_t prefix, bool with_prefix, const Bytes& b) {
    fs::create_directories(dir);
    std::ofstream f(dir / name, std::ios::binary | std::ios::trunc);
    if (with_prefix) f.put(static_cast<char>(prefix));
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));  // NOLINT
}

std::vector<Record> sample_records(std::size_t n, bool salted = true) {
    std::vector<Record> v;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t seq = i + 1;
        Hash h{};
        h.fill(static_cast<std::uint8_t>(i));
        switch (i % 7) {
            case 0: v.push_back(RegistrantRecord{seq, 1, 28000000, "Ганна", "Тэст", "PL", "Kraków", "", "", "be", true}); break;
            case 1: v.push_back(ConsentRecord{seq, seq - 1, 1, h, "be", 28000000}); break;
            case 2: {
                SignatureRecord s;
                s.seq = seq; s.registrant_seq = seq - 2; s.appeal_id = "a"; s.appeal_text_hash = h; s.lang = "be";
                s.strokes = Bytes{1, 2, 3, 4, 5, 6, 7, 8}; s.receipt_commitment = h; s.log_position = i;
                if (salted) s.log_salt.fill(static_cast<std::uint8_t>(0x50 + i));   // format 2 only
                v.push_back(s);
                break;
            }
            case 3: v.push_back(ReceiptCommitmentRecord{seq, seq - 1, h}); break;
            case 4: v.push_back(EventRecord{seq, 1, "Rally", "Vilnius", "LT", "2024-08-09"}); break;
            case 5: v.push_back(AppealRefRecord{seq, "a", 1, h, h}); break;
            default: v.push_back(WithdrawalRecord{seq, seq - 4, h, 28000001}); break;
        }
    }
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    const fs::path out = argv[1];
    const auto& k = fuzz_keys::keys();
    const Signer signer = [&](std::span<const std::uint8_t> msg) {
        Bytes sig(crypto_sign_BYTES);
        crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), k.kiosk_sk.data());
        return sig;
    };
    ManifestFields f;
    f.kiosk_public_key = k.kiosk_pk;
    f.seq = 1;
    BatchId id{};

    // The importer (fuzz_import): record frames an honest kiosk writes for one and for two signers
    // of the fuzz pack (its target renumbers, signs and seals them).
    {
        const auto pack = fuzz_keys::fuzz_pack();
        const auto& a = pack.appeals.front();
        embassy::registry::Stroke st;
        for (int i = 0; i < 60; ++i) st.push_back({static_cast<std::uint16_t>(200 + i * 40), static_cast<std::uint16_t>(800 + (i % 7) * 60)});
        Bytes frames;
        std::uint64_t seq = 0;
        auto add = [&](const Record& r) { (void)encode_record(r, frames); };
        add(EventRecord{++seq, 1, "Rally", "Warszawa", "PL", "2026-11-28"});
        for (int n = 0; n < 2; ++n) {
            const char* lang = n == 0 ? "en" : "be";
            const std::uint64_t reg = ++seq, minute = 29000000;
            add(RegistrantRecord{reg, 1, minute, n == 0 ? "Alena" : "Ян", n == 0 ? "Kavalenka" : "Мельнік", "PL", "Warszawa", "", "", lang, n == 1});
            add(ConsentRecord{++seq, reg, 1, pack.consent(embassy::registry::Purpose::sign_appeal, lang)->hash, lang, minute});
            SignatureRecord s;
            s.seq = ++seq; s.registrant_seq = reg; s.appeal_id = a.id; s.appeal_version = a.version;
            s.appeal_text_hash = a.text(lang)->hash; s.lang = lang; s.event_id = 1; s.unix_minute = minute;
            s.strokes = embassy::registry::encode_strokes({st}); s.receipt_commitment.fill(static_cast<std::uint8_t>(0x40 + n));
            s.log_position = static_cast<std::uint64_t>(n + 1);
            add(s);
            put(out / "fuzz_import", "signers-" + std::to_string(n + 1), 0, false, frames);
        }
    }

    // Batches: whole files written by the real BatchWriter (mode 0), and their plaintext streams
    // (modes 1 and 2), taken out of those files.
    const fs::path scratch = fs::temp_directory_path() / ("embassy-gen-corpus-" + std::to_string(::getpid()));
    const std::span<const std::uint8_t> box_sk(k.coord_box_sk.data(), k.coord_box_sk.size());
    Bytes real;   // one real file, the wrapper of the format-1 stream below
    for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{30}}) {
        auto path = batch_test::write_batch_file(scratch, k.coord_box_pk, sample_records(n), f, signer, id);
        if (!path) { std::fprintf(stderr, "%s\n", path.message().c_str()); return 1; }
        const Bytes file = batch_test::read_bytes(*path);
        const Bytes pt = batch_test::plaintext_of(file, k.coord_box_pk, box_sk);
        if (pt.empty()) { std::fprintf(stderr, "batch %zu does not decrypt\n", n); return 1; }
        const auto name = std::to_string(n);
        put(out / "fuzz_batch_reader", "plain-" + name, 1, true, pt);
        put(out / "fuzz_batch_reader", "sealed-" + name, 2 + 4 * 3, true, pt);
        put(out / "fuzz_batch_reader", "file-" + name, 0, true, file);
        real = file;
    }
    fs::remove_all(scratch);
    {   // A format-1 batch, as kiosks wrote before the log salt and the padding: still read.
        auto pt = detail::make_plaintext_stream(sample_records(7, false), f, id, signer, 1);
        if (!pt) { std::fprintf(stderr, "%s\n", pt.message().c_str()); return 1; }
        put(out / "fuzz_batch_reader", "plain-v1-7", 1, true, *pt);
        put(out / "fuzz_batch_reader", "file-v1-7", 0, true, batch_test::reseal(real, *pt, k.coord_box_pk, box_sk, 1));
    }

    // Acknowledgement.
    Ack a;
    a.kiosk_public_key = k.kiosk_pk;
    a.last_seq = 3;
    a.last_record_seq = 99;
    a.timestamp_unix = 1700000000;
    put(out / "fuzz_ack_reader", "ack", 0, false, *ack_write(a, k.coord_sign_sk));

    // Published receipts.
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{33}}) {
        std::vector<Hash> leaves(n);
        for (std::size_t i = 0; i < n; ++i) leaves[i].fill(static_cast<std::uint8_t>(i * 7 + 1));
        ReceiptsRoot r{n, merkle::root(leaves), 1700000000};
        put(out / "fuzz_receipts_reader", "root-" + std::to_string(n), 0, true, *receipts_root_write(r, k.coord_sign_sk));
        put(out / "fuzz_receipts_reader", "leaves-" + std::to_string(n), 1, true, *receipts_leaves_write(leaves));
    }

#ifdef EMBASSY_FUZZ_HAVE_PACK
    registry::AppealPack p;
    p.pack_id = "fuzz-pack";
    p.created_unix = 1700000000;
    registry::Appeal ap;
    ap.id = "political-prisoners";
    ap.addressee = "Parliament";
    ap.texts.push_back({"be", "Вызваліце", "Тэкст звароту.", {}});
    ap.texts.push_back({"en", "Release them", "Appeal text.", {}});
    p.appeals.push_back(ap);
    p.consents.push_back({registry::Purpose::sign_appeal, 1, "be", "Я падпісваю.", {}});
    p.consents.push_back({registry::Purpose::sign_appeal, 1, "en", "I sign.", {}});
    p.consents.push_back({registry::Purpose::join_registry, 1, "en", "Join.", {}});
    p.consents.push_back({registry::Purpose::join_registry, 1, "be", "Далучыцца.", {}});
    registry::compute_pack_hashes(p);
    auto packed = registry::pack_write(p, k.coord_sign_sk);
    if (packed) put(out / "fuzz_pack_reader", "pack", 0, false, *packed);
    else std::fprintf(stderr, "pack_write: %s\n", packed.message().c_str());
#endif
    return 0;
}
