// Import from a USB stick as it comes back from an event (import_tree.hpp): a tree with subfolders,
// macOS and Windows litter, junk, links to a batch and to /etc/passwd, an empty file, a FIFO and a
// folder link loop. Every entry gets its expected outcome; nothing blocks, nothing outside is read.
#include "coord_fixture.hpp"

#include "embassy/sync/batch.hpp"
#include "embassy/sync/import_tree.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <map>

using namespace coord_test;
using Catch::Matchers::ContainsSubstring;
using sync::ImportStatus;

namespace {

// What a Mac writes as "._<name>": an AppleDouble header (magic 0x00051607, version 2) and padding.
std::string apple_double() {
    std::string s("\x00\x05\x16\x07\x00\x02\x00\x00", 8);
    s.resize(4096, '\0');
    return s;
}

void put(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    spit(p, bytes);
}

// The stick: three batches of one kiosk, in the order a walk meets them 1, 3, 2 (so batch 3 waits
// for batch 2 within the run), among everything else a stick collects.
struct Stick {
    test::TempDir tmp;
    fs::path root = tmp.path / "stick";
    std::map<std::string, std::string> expect;   // shown name → expected status (for the batches, "accepted")

    explicit Stick(coord_test::Kiosk& k) {
        std::vector<std::string> real;
        const char* given[] = {"Alena", "Barys", "Wiktar"};
        for (int i = 0; i < 3; ++i) {
            submit(k, submission(k.pack, given[i], "Ściapanava", 0, false));
            real.push_back(slurp(export_one(k, tmp.path / ("export" + std::to_string(i)))));
        }
        put(root / "b1.embatch", real[0]);
        put(root / "sub" / "b3.embatch", real[2]);
        put(root / "sub" / "deeper" / "b2.embatch", real[1]);
        expect["b1.embatch"] = expect["sub/b3.embatch"] = expect["sub/deeper/b2.embatch"] = "accepted";

        // AppleDouble: a real header beside b1, an exact copy of a batch beside b3 (skipped by name,
        // not by what it holds).
        put(root / "._b1.embatch", apple_double());
        put(root / "sub" / "._b3.embatch", real[2]);
        expect["._b1.embatch"] = expect["sub/._b3.embatch"] = "skipped";
        // System folders holding batch copies: not entered, one skip each.
        put(root / ".Trashes" / "501" / "b1.embatch", real[0]);
        put(root / ".Spotlight-V100" / "Store-V2" / "store.db", "spotlight");
        put(root / "System Volume Information" / "IndexerVolumeGuid", "guid");
        put(root / "$RECYCLE.BIN" / "S-1-5-21" / "b2.embatch", real[1]);
        put(root / ".DS_Store", "Bud1");
        for (const char* n : {".Trashes", ".Spotlight-V100", "System Volume Information", "$RECYCLE.BIN", ".DS_Store"})
            expect[n] = "skipped";
        // Junk: a text file (skipped), junk under the batch name (refused: bad magic), an empty file.
        put(root / "README.txt", "what is on this stick");
        put(root / "notes.embatch", "not a batch at all");
        put(root / "sub" / "empty.embatch", "");
        expect["README.txt"] = "skipped";
        expect["notes.embatch"] = "rejected";
        expect["sub/empty.embatch"] = "skipped";
        // Links: to /etc/passwd and to a real batch under the batch name (refused, never followed);
        // a folder link loop and a link to a folder (skipped, never entered).
        fs::create_symlink("/etc/passwd", root / "passwd.embatch");
        fs::create_symlink("b1.embatch", root / "link.embatch");
        fs::create_symlink(".", root / "loop");
        fs::create_symlink("..", root / "sub" / "up");
        expect["passwd.embatch"] = expect["link.embatch"] = "rejected";
        expect["loop"] = expect["sub/up"] = "skipped";
        // A FIFO named like a batch: opening it for reading would wait for a writer forever.
        REQUIRE(::mkfifo((root / "sub" / "fifo.embatch").c_str(), 0600) == 0);
        expect["sub/fifo.embatch"] = "skipped";
    }
};

}  // namespace

TEST_CASE("a USB stick tree: batches in subfolders imported, litter skipped, links and junk refused", "[sync][import][usb]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    auto k = make_kiosk(0);
    REQUIRE(c->enroll(k->public_key, "kiosk A").ok());
    Stick stick(*k);

    SECTION("the walk alone: what it finds, skips and refuses, without opening a file") {
        const sync::ImportTree t = sync::walk_import_tree({stick.root});
        std::vector<std::string> files;
        for (const auto& e : t.files) files.push_back(e.shown);
        CHECK(files == std::vector<std::string>{"b1.embatch", "notes.embatch", "sub/b3.embatch", "sub/deeper/b2.embatch"});
        std::map<std::string, std::string> why;
        for (const auto& e : t.skipped) why[e.shown] = "skipped: " + e.reason;
        for (const auto& e : t.rejected) why[e.shown] = "rejected: " + e.reason;
        CHECK(t.skipped.size() == 12);
        CHECK(t.rejected.size() == 2);  // the two links; notes.embatch is refused when it is read
        CHECK_THAT(why["._b1.embatch"], ContainsSubstring("AppleDouble"));
        CHECK_THAT(why["passwd.embatch"], ContainsSubstring("rejected: a symbolic link; not followed"));
        CHECK_THAT(why["loop"], ContainsSubstring("skipped: a symbolic link"));
        CHECK_THAT(why["sub/fifo.embatch"], ContainsSubstring("FIFO"));
        CHECK_THAT(why["sub/empty.embatch"], ContainsSubstring("empty"));
        CHECK_THAT(why["System Volume Information"], ContainsSubstring("system folder"));
    }

    SECTION("the import: every entry's outcome, the counts, the progress over all files") {
        std::vector<std::pair<std::size_t, std::size_t>> progress;
        sync::ImportOptions opts;
        opts.files_progress = [&](std::size_t done, std::size_t total) { progress.emplace_back(done, total); };
        const auto out = sync::import_paths(*c, {stick.root}, opts);
        std::map<std::string, std::string> got;
        std::map<ImportStatus, int> n;
        for (const auto& o : out) {
            INFO(o.file << ": " << o.reason);
            CHECK(got.count(o.file) == 0);   // one outcome per entry
            got[o.file] = sync::import_status_name(o.status);
            ++n[o.status];
            // The name once: in `file`, not again in the reason.
            if (o.status == ImportStatus::rejected) CHECK_THAT(o.reason, !ContainsSubstring(fs::path(o.file).filename().string()));
        }
        CHECK(got == stick.expect);
        CHECK(n[ImportStatus::accepted] == 3);
        CHECK(n[ImportStatus::rejected] == 3);
        CHECK(n[ImportStatus::skipped] == 12);
        CHECK(count(*c, "SELECT last_seq FROM kiosks") == 3);
        CHECK(count(*c, "SELECT count(*) FROM signatures") == 3);
        // Total known before the first import: 4 batch files (notes.embatch is one by its name).
        REQUIRE(progress.size() == 5);
        CHECK(progress.front() == std::pair<std::size_t, std::size_t>{0, 4});
        CHECK(progress.back() == std::pair<std::size_t, std::size_t>{4, 4});
        for (std::size_t i = 0; i < progress.size(); ++i) CHECK(progress[i].first == i);
        // Nothing from the system folders or the links made it into the quarantine either.
        std::error_code ec;
        CHECK((!fs::exists(tmp.path / "coord" / "quarantine", ec) || fs::is_empty(tmp.path / "coord" / "quarantine", ec)));
    }
}

TEST_CASE("a batch file is read only as a regular file: a link or FIFO swapped in is refused, never followed or waited on",
          "[sync][import][usb]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    auto k = make_kiosk(1);
    REQUIRE(c->enroll(k->public_key, "kiosk B").ok());
    submit(*k, submission(k->pack, "Link", "Target"));
    const fs::path real = export_one(*k, tmp.path / "out");
    // What a race after the walk leaves where a batch was: a link to a real batch, a FIFO.
    const fs::path link = tmp.path / "swapped.embatch";
    fs::create_symlink(real, link);
    const fs::path fifo = tmp.path / "fifo.embatch";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);

    auto l = sync::open_regular_file(link);
    REQUIRE_FALSE(l.ok());
    CHECK_THAT(l.message(), ContainsSubstring("symbolic link"));
    auto f = sync::open_regular_file(fifo);      // returns at once: O_NONBLOCK, then fstat refuses it
    REQUIRE_FALSE(f.ok());
    CHECK_THAT(f.message(), ContainsSubstring("FIFO"));
    auto r = sync::open_regular_file(real);
    REQUIRE(r.ok());
    ::close(*r);

    // The importer goes through it: a link given by path is refused with the link named once.
    auto o = sync::import_batch(*c, link);
    CHECK(o.status == ImportStatus::rejected);
    CHECK_THAT(o.reason, ContainsSubstring("symbolic link"));
    CHECK(count(*c, "SELECT count(*) FROM batches") == 0);
    auto p = sync::import_paths(*c, {link, fifo, "/dev/null", tmp.path / "missing.embatch"});
    REQUIRE(p.size() == 4);
    std::map<std::string, std::string> got;
    for (const auto& x : p) got[x.file] = std::string(sync::import_status_name(x.status)) + ": " + x.reason;
    CHECK_THAT(got[link.string()], ContainsSubstring("rejected: a symbolic link"));
    CHECK_THAT(got[fifo.string()], ContainsSubstring("skipped: a FIFO"));
    CHECK_THAT(got["/dev/null"], ContainsSubstring("skipped: a device"));
    CHECK_THAT(got[(tmp.path / "missing.embatch").string()], ContainsSubstring("rejected: no such file"));
    CHECK(sync::import_batch(*c, real).status == ImportStatus::accepted);
}
