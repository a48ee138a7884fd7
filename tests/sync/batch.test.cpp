// Batch format: round trip, tampering, truncation, chunk surgery, wrong keys, crafted manifests,
// atomic writing and bounded memory (THREAT-MODEL rows 3, 5, 8, 11, 12; docs/threat-model.md).
#include "batch_support.hpp"
#include "doc_layout.hpp"
#include "file_limit.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <malloc.h>
#include <regex>

using namespace batch_test;

namespace {

Bytes slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(f), {});
}

void spit(const std::filesystem::path& p, std::span<const std::uint8_t> b) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));  // NOLINT
}

BatchInfo write_batch(const std::filesystem::path& path, const Keys& k, const std::vector<Record>& recs,
                      std::uint64_t seq = 1) {
    auto w = BatchWriter::open(path, k.box_pk);
    REQUIRE(w.ok());
    for (const auto& r : recs) REQUIRE(w->add(r).ok());
    auto info = w->finish(k.fields(seq), k.signer());
    REQUIRE(info.ok());
    return *info;
}

// A file the real writer wrote, with `plaintext` in place of its own (batch_support.hpp's reseal):
// for streams no writer makes (crafted manifests, another format version).
Bytes around(const Keys& k, std::span<const std::uint8_t> plaintext, std::uint32_t header_version = kBatchFormatVersion) {
    const auto dir = temp_dir("reseal");
    const auto info = write_batch(dir / random_batch_file_name(), k, make_records(1));
    Bytes out = reseal(slurp(info.path), plaintext, k.box_pk, {k.box_sk.data(), k.box_sk.size()}, header_version);
    std::filesystem::remove_all(dir);
    REQUIRE_FALSE(out.empty());
    return out;
}

// Offsets of each chunk's length prefix, and the file end.
std::vector<std::size_t> chunk_offsets(const Bytes& file) {
    std::vector<std::size_t> offs;
    std::size_t pos = kBatchHeaderSize;
    while (pos + 4 <= file.size()) {
        offs.push_back(pos);
        pos += 4 + get_u32(file.data() + pos);
    }
    REQUIRE(pos == file.size());
    return offs;
}

Bytes plaintext_of(const std::vector<Record>& recs) {
    Bytes p;
    for (const auto& r : recs) REQUIRE(encode_record(r, p).ok());
    return p;
}

// A plaintext stream with a manifest we choose, signed by whoever we choose.
Bytes crafted_stream(const std::vector<Record>& recs, const Manifest& m, const registry::SecretBytes& signer_sk) {
    Bytes p = plaintext_of(recs);
    const Bytes mb = sync::detail::encode_manifest(m);
    p.push_back(0xFF);
    put_u32(p, static_cast<std::uint32_t>(mb.size()));
    p.insert(p.end(), mb.begin(), mb.end());
    const Bytes msg = sync::detail::manifest_signing_message(mb);
    std::uint8_t sig[64];
    crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), signer_sk.data());
    p.insert(p.end(), sig, sig + 64);
    p.resize(static_cast<std::size_t>(sync::padded_plaintext_size(p.size())), 0);   // as an honest v2 writer pads
    return p;
}

// The manifest an honest writer would produce for these records.
Manifest honest_manifest(const Keys& k, const std::vector<Record>& recs) {
    Manifest m;
    m.fields = k.fields(1);
    m.batch_id.fill(9);
    const Bytes p = plaintext_of(recs);
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, 32);
    const std::string dom = "embassy-batch-payload-v1";
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(dom.data()), dom.size());  // NOLINT
    crypto_generichash_update(&st, p.data(), p.size());
    crypto_generichash_final(&st, m.payload_hash.data(), 32);
    for (const auto& r : recs) ++m.counts[static_cast<std::size_t>(record_type(r)) - 1];
    m.first_record_seq = record_seq(recs.front());
    m.last_record_seq = record_seq(recs.back());
    return m;
}

std::string verify_error(const Bytes& file, const Keys& k) {
    auto v = sync::detail::verify_batch_bytes(file, k.box_sk, k.box_pk);
    return v.ok() ? std::string("ACCEPTED") : v.message();
}

bool contains(const Bytes& hay, std::string_view needle) {
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

}  // namespace

TEST_CASE("a batch round-trips thousands of records byte for byte", "[sync][batch]") {
    Keys k;
    auto dir = temp_dir("roundtrip");
    const auto recs = make_records(3000);
    const auto path = dir / random_batch_file_name();
    const auto info = write_batch(path, k, recs);
    CHECK(info.file_size == std::filesystem::file_size(path));
    CHECK(info.file_size > 3 * kChunkSize);              // several chunks
    CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 1);  // no temp file left
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));

    auto r = BatchReader::open(path, k.box_sk, k.box_pk, k.fields().coordinator_key_id);
    REQUIRE(r.ok());
    auto v = r->verify();
    REQUIRE(v.ok());
    CHECK(v->batch_hash == info.batch_hash);
    CHECK(v->manifest.batch_id == info.batch_id);
    CHECK(v->manifest.counts == info.counts);
    CHECK(v->manifest.record_count() == 3000);
    CHECK(v->manifest.fields.kiosk_public_key == k.kiosk_pk);
    CHECK(v->manifest.fields.log == k.fields().log);
    CHECK(v->manifest.first_record_seq == record_seq(recs.front()));
    CHECK(v->manifest.last_record_seq == record_seq(recs.back()));
    {
        // verify() hashes the file as it reads it: the same BLAKE2b-256 as over the bytes on disk.
        std::ifstream in(path, std::ios::binary);
        std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        Hash whole{};
        crypto_generichash(whole.data(), whole.size(), bytes.data(), bytes.size(), nullptr, 0);
        CHECK(v->file_hash == whole);
    }

    std::vector<Record> got;
    REQUIRE(r->for_each_record([&](const Record& rec) { got.push_back(rec); return Status{}; }).ok());
    REQUIRE(got.size() == recs.size());
    CHECK(got == recs);
    CHECK(plaintext_of(got) == plaintext_of(recs));
    std::filesystem::remove_all(dir);
}

TEST_CASE("a batch file shows no names, no kiosk key and a neutral file name", "[sync][batch][threat3]") {
    Keys k;
    auto dir = temp_dir("canary");
    const auto name = random_batch_file_name();
    CHECK(std::regex_match(name, std::regex("[0-9a-f]{16}\\.embatch")));
    CHECK(name != random_batch_file_name());
    const auto path = dir / name;
    write_batch(path, k, make_records(200));
    const Bytes file = slurp(path);
    CHECK_FALSE(contains(file, kCanaryGiven));
    CHECK_FALSE(contains(file, kCanaryFamily));
    CHECK_FALSE(contains(file, "canary@example.org"));
    CHECK_FALSE(contains(file, std::string_view(reinterpret_cast<const char*>(k.kiosk_pk.data()), 8)));  // NOLINT
    std::filesystem::remove_all(dir);
}

TEST_CASE("every single-bit flip of a small batch is rejected", "[sync][batch][tamper]") {
    Keys k;
    auto dir = temp_dir("flip");
    const auto path = dir / random_batch_file_name();
    const auto recs = make_records(2);       // a registrant and a consent: ~600 bytes, padded to 64 KiB
    write_batch(path, k, recs);
    const Bytes file = slurp(path);
    REQUIRE(verify_error(file, k) == "ACCEPTED");
    // Every bit of the header, the chunk length, the ciphertext of the records, manifest and
    // signature, and the tag; the ciphertext of the zero padding (one chunk, one tag, ~64,000
    // bytes alike) by 2,000 sampled flips, so the test stays at seconds.
    const std::size_t content = kBatchHeaderSize + 4 + plaintext_of(recs).size() + 5 + kManifestSize + kSignatureSize;
    const std::size_t tag = file.size() - crypto_secretstream_xchacha20poly1305_ABYTES;
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < content; ++i) offsets.push_back(i);
    for (std::size_t i = tag; i < file.size(); ++i) offsets.push_back(i);
    std::size_t rejected = 0, total = 0;
    for (std::size_t i : offsets)
        for (int bit = 0; bit < 8; ++bit) {
            Bytes t = file;
            t[i] ^= static_cast<std::uint8_t>(1u << bit);
            ++total;
            if (verify_error(t, k) != "ACCEPTED") ++rejected;
        }
    std::mt19937_64 rng(99);
    for (int n = 0; n < 2000; ++n) {
        Bytes t = file;
        t[content + rng() % (tag - content)] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        ++total;
        if (verify_error(t, k) != "ACCEPTED") ++rejected;
    }
    INFO(total << " flips");
    CHECK(total == offsets.size() * 8 + 2000);
    CHECK(rejected == total);
    std::filesystem::remove_all(dir);
}

TEST_CASE("10,000 sampled bit flips of a multi-chunk batch are rejected", "[sync][batch][tamper]") {
    Keys k;
    auto dir = temp_dir("flip-large");
    const auto path = dir / random_batch_file_name();
    write_batch(path, k, make_records(400));
    const Bytes file = slurp(path);
    REQUIRE(chunk_offsets(file).size() >= 2);
    std::mt19937_64 rng(1234);
    std::size_t rejected = 0;
    for (int n = 0; n < 10000; ++n) {
        Bytes t = file;
        t[rng() % t.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        if (verify_error(t, k) != "ACCEPTED") ++rejected;
    }
    CHECK(rejected == 10000);
    std::filesystem::remove_all(dir);
}

TEST_CASE("truncation at every chunk boundary and at 1,000 random offsets is rejected", "[sync][batch][tamper]") {
    Keys k;
    auto dir = temp_dir("trunc");
    const auto path = dir / random_batch_file_name();
    write_batch(path, k, make_records(500));
    const Bytes file = slurp(path);
    const auto offs = chunk_offsets(file);
    REQUIRE(offs.size() >= 3);
    for (auto off : offs) {
        INFO("cut at chunk boundary " << off);
        const auto msg = verify_error(Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(off)), k);
        CHECK(msg.find("truncated: no final chunk") != std::string::npos);
    }
    std::mt19937_64 rng(99);
    std::size_t rejected = 0;
    for (int n = 0; n < 1000; ++n) {
        const auto len = static_cast<std::ptrdiff_t>(rng() % file.size());
        if (verify_error(Bytes(file.begin(), file.begin() + len), k) != "ACCEPTED") ++rejected;
    }
    CHECK(rejected == 1000);
    std::filesystem::remove_all(dir);
}

TEST_CASE("swapped, duplicated and dropped chunks are rejected", "[sync][batch][tamper]") {
    Keys k;
    auto dir = temp_dir("chunks");
    const auto path = dir / random_batch_file_name();
    write_batch(path, k, make_records(500));
    const Bytes file = slurp(path);
    auto offs = chunk_offsets(file);
    REQUIRE(offs.size() >= 3);
    offs.push_back(file.size());
    auto chunk = [&](std::size_t i) { return Bytes(file.begin() + static_cast<std::ptrdiff_t>(offs[i]), file.begin() + static_cast<std::ptrdiff_t>(offs[i + 1])); };
    const std::size_t n = offs.size() - 1;
    auto assemble = [&](const std::vector<std::size_t>& order) {
        Bytes out(file.begin(), file.begin() + kBatchHeaderSize);
        for (auto i : order) { auto c = chunk(i); out.insert(out.end(), c.begin(), c.end()); }
        return out;
    };
    std::vector<std::size_t> ident(n);
    for (std::size_t i = 0; i < n; ++i) ident[i] = i;
    REQUIRE(assemble(ident) == file);

    for (std::size_t i = 0; i + 1 < n; ++i) {            // swap neighbours
        auto o = ident; std::swap(o[i], o[i + 1]);
        CHECK(verify_error(assemble(o), k) != "ACCEPTED");
    }
    for (std::size_t i = 0; i < n; ++i) {                // duplicate one
        auto o = ident; o.insert(o.begin() + static_cast<std::ptrdiff_t>(i), i);
        const auto msg = verify_error(assemble(o), k);
        CHECK(msg != "ACCEPTED");
        if (i == n - 1) CHECK(msg.find("data after the final chunk") != std::string::npos);
    }
    for (std::size_t i = 0; i < n; ++i) {                // drop one
        auto o = ident; o.erase(o.begin() + static_cast<std::ptrdiff_t>(i));
        CHECK(verify_error(assemble(o), k) != "ACCEPTED");
    }
    // A chunk from another batch, at the same position, does not fit either.
    const auto path2 = dir / random_batch_file_name();
    write_batch(path2, k, make_records(500));
    const Bytes other = slurp(path2);
    const auto offs2 = chunk_offsets(other);
    Bytes mixed(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(offs[1]));
    mixed.insert(mixed.end(), other.begin() + static_cast<std::ptrdiff_t>(offs2[1]), other.end());
    CHECK(verify_error(mixed, k) != "ACCEPTED");
    std::filesystem::remove_all(dir);
}

TEST_CASE("batch reader messages name the cause", "[sync][batch]") {
    Keys k;
    auto dir = temp_dir("messages");
    const auto path = dir / random_batch_file_name();
    write_batch(path, k, make_records(20));
    const Bytes file = slurp(path);
    const std::string name = path.filename().string();

    SECTION("another coordinator's key") {
        Keys other;
        auto r = BatchReader::open(path, other.box_sk, other.box_pk);
        REQUIRE_FALSE(r.ok());
        CHECK(r.message() == "batch " + name + ": encrypted to another coordinator (or the file key is damaged)");
    }
    SECTION("not a batch") {
        Bytes t = file; t[0] = 'X';
        spit(path, t);
        auto r = BatchReader::open(path, k.box_sk, k.box_pk);
        REQUIRE_FALSE(r.ok());
        CHECK(r.message() == "batch " + name + ": not a batch file (bad magic)");
    }
    SECTION("data after the final chunk") {
        Bytes t = file; t.push_back(0);
        spit(path, t);
        auto r = BatchReader::open(path, k.box_sk, k.box_pk);
        REQUIRE(r.ok());
        auto v = r->verify();
        REQUIRE_FALSE(v.ok());
        CHECK(v.message() == "batch " + name + ": data after the final chunk");
    }
    SECTION("truncated") {
        spit(path, Bytes(file.begin(), file.end() - 10));
        auto r = BatchReader::open(path, k.box_sk, k.box_pk);
        REQUIRE(r.ok());
        auto v = r->verify();
        REQUIRE_FALSE(v.ok());
        CHECK(v.message() == "batch " + name + ": truncated: no final chunk");
    }
    SECTION("the wrong expected coordinator key id") {
        Hash other_id{};
        other_id.fill(1);
        auto r = BatchReader::open(path, k.box_sk, k.box_pk, other_id);
        REQUIRE(r.ok());
        auto v = r->verify();
        REQUIRE_FALSE(v.ok());
        CHECK(v.message().find("another coordinator key id") != std::string::npos);
    }
    SECTION("records before verify") {
        auto r = BatchReader::open(path, k.box_sk, k.box_pk);
        REQUIRE(r.ok());
        CHECK_FALSE(r->for_each_record([](const Record&) { return Status{}; }).ok());
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("crafted manifests are rejected with a specific reason", "[sync][batch][forgery]") {
    Keys k;
    const auto recs = make_records(30);
    const Manifest good = honest_manifest(k, recs);
    auto check = [&](const Bytes& stream, const std::string& expect) {
        auto v = sync::detail::parse_plaintext_stream(stream);
        if (expect.empty()) {
            CHECK(v.ok());
        } else {
            REQUIRE_FALSE(v.ok());
            CHECK(v.message().find(expect) != std::string::npos);
        }
        // And the same through the encrypted layer.
        const auto msg = verify_error(around(k, stream), k);
        CHECK((expect.empty() ? msg == "ACCEPTED" : msg.find(expect) != std::string::npos));
    };
    check(crafted_stream(recs, good, k.kiosk_sk), "");

    SECTION("signed by another kiosk key than the one it names") {
        Keys thief;
        check(crafted_stream(recs, good, thief.kiosk_sk), "signature does not verify");
    }
    SECTION("counts that differ from the records") {
        Manifest m = good; m.counts[2] += 1;
        check(crafted_stream(recs, m, k.kiosk_sk), "record count mismatch");
    }
    SECTION("a dropped record") {
        auto fewer = recs; fewer.erase(fewer.begin() + 5);
        check(crafted_stream(fewer, good, k.kiosk_sk), "record count mismatch");
    }
    SECTION("a payload hash that differs") {
        Manifest m = good; m.payload_hash[0] ^= 1;
        check(crafted_stream(recs, m, k.kiosk_sk), "payload hash mismatch");
    }
    SECTION("first/last record sequence that differs") {
        Manifest m = good; m.last_record_seq += 1;
        check(crafted_stream(recs, m, k.kiosk_sk), "first/last record sequence mismatch");
    }
    SECTION("seq 2 without a previous batch hash") {
        Manifest m = good; m.fields.seq = 2;
        check(crafted_stream(recs, m, k.kiosk_sk), "zero previous batch hash");
    }
    SECTION("records out of order") {
        auto swapped = recs; std::swap(swapped[3], swapped[4]);
        check(crafted_stream(swapped, good, k.kiosk_sk), "record sequence does not increase");
    }
    SECTION("a record too large, before allocation") {
        Bytes s{3};
        put_u32(s, static_cast<std::uint32_t>(kMaxRecordBody + 1));
        check(s, "record too large");
    }
    SECTION("an unknown record type") {
        Bytes s = crafted_stream(recs, good, k.kiosk_sk);
        s[0] = 9;
        check(s, "unknown record type");
    }
    SECTION("bytes after the padding") {
        Bytes s = crafted_stream(recs, good, k.kiosk_sk);
        s.push_back(0);
        check(s, "padding runs past its size bucket");
    }
    SECTION("a non-zero padding byte") {
        Bytes s = crafted_stream(recs, good, k.kiosk_sk);
        s.back() = 1;
        check(s, "padding byte is not zero");
    }
    SECTION("padding that stops short of its bucket") {
        Bytes s = crafted_stream(recs, good, k.kiosk_sk);
        s.pop_back();
        check(s, "padding stops short of its size bucket");
    }
    SECTION("no manifest") {
        check(plaintext_of(recs), "truncated: no manifest");
    }
    SECTION("no records") {
        Manifest m = good; m.counts = {}; m.first_record_seq = m.last_record_seq = 0;
        check(crafted_stream({}, m, k.kiosk_sk), "no records");
    }
}

TEST_CASE("the writer refuses what a reader would reject", "[sync][batch]") {
    Keys k;
    auto dir = temp_dir("writer-refuses");
    auto w = BatchWriter::open(dir / "a.embatch", k.box_pk);
    REQUIRE(w.ok());
    SECTION("no records") { CHECK_FALSE(w->finish(k.fields(), k.signer()).ok()); }
    SECTION("a decreasing record sequence") {
        REQUIRE(w->add(EventRecord{5, 1, "e", "c", "PL", "2024-01-01"}).ok());
        CHECK_FALSE(w->add(EventRecord{5, 1, "e", "c", "PL", "2024-01-01"}).ok());
    }
    SECTION("a string over 1 KiB, invalid UTF-8, strokes over 64 KiB") {
        CHECK_FALSE(w->add(EventRecord{1, 1, std::string(1025, 'a'), "c", "PL", "d"}).ok());
        CHECK_FALSE(w->add(EventRecord{1, 1, "\xC0\xAF", "c", "PL", "d"}).ok());
        SignatureRecord s; s.seq = 1; s.strokes.assign(kMaxStrokes + 1, 1);
        CHECK_FALSE(w->add(s).ok());
        CHECK(w->record_count() == 0);
    }
    SECTION("a signer whose key is not the manifest's") {
        REQUIRE(w->add(EventRecord{5, 1, "e", "c", "PL", "2024-01-01"}).ok());
        Keys thief;
        auto f = k.fields();
        auto info = w->finish(f, thief.signer());
        REQUIRE_FALSE(info.ok());
        CHECK(info.message().find("signer's key does not match") != std::string::npos);
    }
    SECTION("seq 0, and seq 2 with a zero previous hash") {
        REQUIRE(w->add(EventRecord{5, 1, "e", "c", "PL", "2024-01-01"}).ok());
        auto f = k.fields(); f.seq = 0;
        CHECK_FALSE(w->finish(f, k.signer()).ok());
        f.seq = 2;
        CHECK_FALSE(w->finish(f, k.signer()).ok());
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("an aborted or abandoned writer leaves no file behind", "[sync][batch][threat11]") {
    Keys k;
    auto dir = temp_dir("abort");
    const auto path = dir / random_batch_file_name();
    {
        auto w = BatchWriter::open(path, k.box_pk);
        REQUIRE(w.ok());
        REQUIRE(w->add(EventRecord{1, 1, "e", "c", "PL", "2024-01-01"}).ok());
        CHECK(std::filesystem::exists(w->temp_path()));
        CHECK(w->temp_path().parent_path() == dir);
        CHECK(w->temp_path().filename().string().rfind(path.filename().string() + ".", 0) == 0);
        w->abort();
        CHECK_FALSE(std::filesystem::exists(w->temp_path()));
    }
    {
        auto w = BatchWriter::open(path, k.box_pk);
        REQUIRE(w.ok());
        REQUIRE(w->add(EventRecord{1, 1, "e", "c", "PL", "2024-01-01"}).ok());
    }   // destroyed without finish
    CHECK(std::filesystem::is_empty(dir));
    // A crash leaves a .tmp (today's name, or an older writer's): it is cleaned up, never read as a batch.
    spit(dir / "0123456789abcdef.embatch.tmp", Bytes{1, 2, 3});
    spit(dir / "0123456789abcdef.embatch.a1b2c3d4e5f6.tmp", Bytes{1, 2, 3});
    spit(dir / "keep.txt", Bytes{1});
    spit(dir / "keep.key.a1b2c3d4e5f6.tmp", Bytes{1});   // another file's temp: not the exporter's to remove
    auto removed = remove_stale_batch_temps(dir);
    REQUIRE(removed.ok());
    CHECK(*removed == 2);
    CHECK(std::filesystem::exists(dir / "keep.txt"));
    CHECK(std::filesystem::exists(dir / "keep.key.a1b2c3d4e5f6.tmp"));
    std::filesystem::remove(dir / "keep.key.a1b2c3d4e5f6.tmp");
    // A file under the old fixed temp name does not stop a writer (O_EXCL on a fixed name did).
    spit(path.string() + ".tmp", Bytes{9});
    {
        auto w = BatchWriter::open(path, k.box_pk);
        REQUIRE(w.ok());
        CHECK(w->temp_path() != std::filesystem::path(path.string() + ".tmp"));
    }
    std::filesystem::remove(path.string() + ".tmp");
    // An existing final file is never overwritten.
    write_batch(path, k, make_records(2));
    CHECK_FALSE(BatchWriter::open(path, k.box_pk).ok());
    std::filesystem::remove_all(dir);
}

TEST_CASE("a writer that meets a full disk fails naming the file and leaves neither a batch nor a temp file", "[sync][batch][diskfull]") {
    Keys k;
    auto dir = temp_dir("diskfull");
    const auto path = dir / random_batch_file_name();
    const auto recs = make_records(400);   // several chunks: the limit bites in the middle
    {
        test::FileSizeLimit full(96 * 1024);
        REQUIRE(full.ok());
        auto w = BatchWriter::open(path, k.box_pk);
        REQUIRE(w.ok());
        Status s;
        for (const auto& r : recs)
            if (s = w->add(r); !s) break;
        std::string message = s.ok() ? std::string() : s.message();
        if (s.ok()) {
            auto f = w->finish(k.fields(), k.signer());
            REQUIRE_FALSE(f.ok());
            message = f.message();
        }
        CHECK(message == "batch " + path.string() + ": write failed: File too large");
        CHECK_FALSE(w->finish(k.fields(), k.signer()).ok());   // closed after the failure
    }
    CHECK(std::filesystem::is_empty(dir));
    // With room again the same batch is written.
    const auto info = write_batch(path, k, recs);
    CHECK(info.file_size == std::filesystem::file_size(path));
    std::filesystem::remove_all(dir);
}

TEST_CASE("the writer's heap does not grow with the number of records", "[sync][batch][memory]") {
    Keys k;
    auto dir = temp_dir("memory");
    auto w = BatchWriter::open(dir / "m.embatch", k.box_pk);
    REQUIRE(w.ok());
    const auto sample = make_records(700);
    std::uint64_t seq = 1;
    auto add_n = [&](std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            Record r = sample[i % sample.size()];
            std::visit([&](auto& x) { x.seq = seq++; }, r);
            REQUIRE(w->add(r).ok());
        }
    };
    add_n(2000);
    const auto before = mallinfo2().uordblks;
    add_n(40000);                                        // ~ 30 MB of records through the writer
    const auto after = mallinfo2().uordblks;
    INFO("heap in use before " << before << " after " << after);
    CHECK(after <= before + 64 * 1024);
    CHECK(w->finish(k.fields(), k.signer()).ok());
    std::filesystem::remove_all(dir);
}

TEST_CASE("between the passes: a large file changed is refused, a small one's verified bytes are what pass 2 hands out",
          "[sync][batch]") {
    Keys k;
    auto dir = temp_dir("swap");
    const auto path = dir / random_batch_file_name();
    const auto original = make_records(50);
    write_batch(path, k, original);
    struct RestoreLimit {
        std::uint64_t was;
        ~RestoreLimit() { detail::set_retained_plaintext_limit(was); }
    } restore{detail::set_retained_plaintext_limit(kRetainedPlaintextLimit)};
    std::vector<Record> seen;
    auto collect = [&](const Record& r) {
        seen.push_back(r);
        return Status{};
    };
    SECTION("read twice (larger than the retained limit): the swap is caught") {
        detail::set_retained_plaintext_limit(0);
        auto r = BatchReader::open(path, k.box_sk, k.box_pk);
        REQUIRE(r.ok());
        REQUIRE(r->verify().ok());
        // A different, validly signed batch under the same header is impossible (fresh file key),
        // so the header check must catch the swap.
        std::filesystem::remove(path);
        write_batch(path, k, make_records(50, 8));
        CHECK_FALSE(r->for_each_record(collect).ok());
        CHECK(seen.empty());
        SECTION("control: unchanged, the same reader gives every record") {
            std::filesystem::remove(path);
            write_batch(path, k, original);
            auto again = BatchReader::open(path, k.box_sk, k.box_pk);
            REQUIRE(again.ok());
            REQUIRE(again->verify().ok());
            REQUIRE(again->for_each_record(collect).ok());
            CHECK(seen == original);
        }
    }
    SECTION("retained (small file): pass 2 gives exactly the records verify() checked, whatever the file became") {
        auto r = BatchReader::open(path, k.box_sk, k.box_pk);
        REQUIRE(r.ok());
        REQUIRE(r->verify().ok());
        std::filesystem::remove(path);
        write_batch(path, k, make_records(50, 8));
        REQUIRE(r->for_each_record(collect).ok());
        CHECK(seen == original);
        // The plaintext is released after one pass; a second pass reads the (changed) file and fails.
        CHECK(r->retained_plaintext_bytes() == 0);
        seen.clear();
        CHECK_FALSE(r->for_each_record(collect).ok());
        CHECK(seen.empty());
    }
    SECTION("retained, then given up before pass 2: the file is read again and the swap is caught") {
        auto r = BatchReader::open(path, k.box_sk, k.box_pk);
        REQUIRE(r.ok());
        REQUIRE(r->verify().ok());
        CHECK(r->retained_plaintext_bytes() > 0);
        r->drop_retained_plaintext();
        CHECK(r->retained_plaintext_bytes() == 0);
        std::filesystem::remove(path);
        write_batch(path, k, make_records(50, 8));
        CHECK_FALSE(r->for_each_record(collect).ok());
        CHECK(seen.empty());
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("record decoding rejects hostile bodies", "[sync][batch][records]") {
    auto [type, body, why] = GENERATE(table<std::uint8_t, Bytes, std::string>({
        {0, Bytes(8, 1), "unknown record type"},
        {8, Bytes(8, 1), "unknown record type"},
        {4, Bytes(47, 1), "runs past the record"},
        {4, Bytes(49, 1), "trailing bytes"},
        {4, Bytes(48, 0), "seq is 0"},
        {5, Bytes{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x04}, "longer than 1024"},
        {5, Bytes{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0xED, 0xA0, 0, 0, 0, 0, 0, 0}, "not valid UTF-8"},
    }));
    auto r = decode_record(type, body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message().find(why) != std::string::npos);
}

TEST_CASE("a batch's size shows only its bucket: 1, 2, 10 and 30 signatures all make a 64 KiB file", "[sync][batch][size]") {
    Keys k;
    auto dir = temp_dir("buckets");
    // The documented rule (batch-format.md 4.4): plaintext padded to max(64 KiB, next power of two).
    CHECK(sync::padded_plaintext_size(1) == 65536);
    CHECK(sync::padded_plaintext_size(65536) == 65536);
    CHECK(sync::padded_plaintext_size(65537) == 131072);
    CHECK(sync::padded_plaintext_size(3u << 20) == 4u << 20);
    // A full chunk costs 4 + 17 bytes of framing, so a bucket of B bytes is a file of
    // 116 + B + 21 * B / 65536 bytes, whatever the records.
    auto file_for = [](std::uint64_t bucket) { return kBatchHeaderSize + bucket + 21 * (bucket / kChunkSize); };
    // A signature with its registrant, consent, event and appeal reference, as the kiosk exports it.
    auto batch_of = [](std::size_t signatures) {
        std::vector<Record> out;
        std::uint64_t seq = 0;
        out.push_back(EventRecord{++seq, 1, "Rally", "Vilnius", "LT", "2024-08-09"});
        out.push_back(AppealRefRecord{++seq, "political-prisoners", 1, Hash{}, Hash{}});
        for (std::size_t i = 0; i < signatures; ++i) {
            const std::uint64_t reg = ++seq;
            out.push_back(RegistrantRecord{reg, 1, 28000000, kCanaryGiven, kCanaryFamily, "PL", "Warszawa", "", "", "be", false});
            out.push_back(ConsentRecord{++seq, reg, 1, Hash{}, "be", 28000000});
            SignatureRecord s;
            s.seq = ++seq; s.registrant_seq = reg; s.appeal_id = "political-prisoners"; s.lang = "be"; s.event_id = 1;
            s.unix_minute = 28000000; s.strokes.assign(600, 7); s.log_position = i + 1; s.log_salt.fill(5);
            out.push_back(s);
        }
        return out;
    };
    std::uint64_t unpadded_30 = 0;
    for (std::size_t n : {1u, 2u, 10u, 30u, 100u}) {
        const auto recs = batch_of(n);
        const auto path = dir / random_batch_file_name();
        const auto info = write_batch(path, k, recs);
        const std::uint64_t unpadded = plaintext_of(recs).size() + 5 + kManifestSize + kSignatureSize;
        if (n == 30) unpadded_30 = unpadded;
        INFO(n << " signatures: " << unpadded << " bytes before padding, file " << info.file_size);
        CHECK(info.file_size == file_for(sync::padded_plaintext_size(unpadded)));
        if (n <= 30) CHECK(info.file_size == file_for(65536));
        else CHECK(info.file_size == file_for(131072));
        auto r = BatchReader::open(path, k.box_sk, k.box_pk);
        REQUIRE(r.ok());
        REQUIRE(r->verify().ok());
        std::vector<Record> got;
        REQUIRE(r->for_each_record([&](const Record& x) { got.push_back(x); return Status{}; }).ok());
        CHECK(got == recs);
    }
    CHECK(unpadded_30 > 20000);   // the figure an unpadded file would have shown
    std::filesystem::remove_all(dir);
}

TEST_CASE("a version 1 batch from before the upgrade is still read, as version 1", "[sync][batch][v1]") {
    Keys k;
    auto recs = make_records(30);
    Manifest m;
    m.fields = k.fields(1);
    m.batch_id.fill(9);
    auto v1 = sync::detail::make_plaintext_stream(recs, k.fields(1), m.batch_id, k.signer(), 1);
    REQUIRE(v1.ok());
    const Bytes file = around(k, *v1, 1);
    CHECK(verify_error(file, k) == "ACCEPTED");
    std::vector<Record> got;
    auto p = sync::detail::parse_plaintext_stream(*v1, [&](const Record& x) { got.push_back(x); return Status{}; });
    REQUIRE(p.ok());
    CHECK(p->manifest.format_version == 1);
    CHECK(got == recs);                      // no salt in v1: every signature's log_salt reads as zero
    SECTION("unpadded, and nothing may follow its signature") {
        Bytes t = *v1;
        t.push_back(0);
        CHECK(verify_error(around(k, t, 1), k).find("data after the signature") !=
              std::string::npos);
    }
    SECTION("a v1 header on a v2 stream (or the reverse) is refused") {
        // The plaintext the real writer makes for the same records.
        const auto dir = temp_dir("v2");
        const Bytes v2 = plaintext_of(slurp(write_batch(dir / random_batch_file_name(), k, recs).path), k.box_pk,
                                      {k.box_sk.data(), k.box_sk.size()});
        std::filesystem::remove_all(dir);
        REQUIRE_FALSE(v2.empty());
        // Caught by the padding rule of the header's version, before the manifest is even read.
        CHECK(verify_error(around(k, v2, 1), k).find("data after the signature") !=
              std::string::npos);
        CHECK(verify_error(around(k, *v1, 2), k).find("padding stops short") !=
              std::string::npos);
        // An exactly bucket-sized v1 stream has no padding to tell: the signed manifest version does.
        Bytes exact = *v1;
        exact.resize(65536, 0);
        CHECK(sync::detail::parse_plaintext_stream(exact).message().find("data after the signature") != std::string::npos);
    }
    SECTION("a salt cannot be written in format 1") {
        auto salted = recs;
        for (auto& r : salted)
            if (auto* s = std::get_if<SignatureRecord>(&r)) s->log_salt.fill(1);
        CHECK_FALSE(sync::detail::make_plaintext_stream(salted, k.fields(1), m.batch_id, k.signer(), 1).ok());
    }
}

TEST_CASE("the outer header's field offsets are the table of the spec", "[sync][batch][layout]") {
    namespace H = batch_header_layout;
    const std::map<std::string, std::size_t> code = {{"magic", H::magic}, {"version", H::version}, {"sealed_key", H::sealed_key},
                                                     {"stream_header", H::stream_header}, {"chunks", H::chunks}};
    CHECK(doc_layout::offsets("## 3. Outer layout") == code);
}
