// Signatories export, acknowledgements, published receipts (coord_ops.hpp). Index:
//   [SECTION] Signatories
//   [SECTION] Acknowledgement
//   [SECTION] Published receipts
#include "embassy/sync/coord_ops.hpp"

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/receipt.hpp"
#include "embassy/registry/text.hpp"

#include <algorithm>

#include <cstdio>
#include <ctime>

namespace embassy::sync {
namespace fs = std::filesystem;

// [SECTION] Signatories

// The one rule for a CSV text cell (THREAT-MODEL row 18):
//  1. control, bidi and invalid-UTF-8 bytes are escaped by terminal_safe (no raw tab, CR or LF is
//     left to split a row or a cell);
//  2. a formula can start at the beginning of the cell and after any character a spreadsheet may
//     split on or quote with — , ; | and " (Polish, German and Lithuanian locales split on ;) —
//     optionally after spaces: where = + - @ stands there, a ' goes before it;
//  3. the cell is always quoted, inner quotes doubled (RFC 4180).
// So "x;=2+5;" becomes "x;'=2+5;", and a name is unchanged but for the quotes.
std::string csv_cell(std::string_view s) {
    const std::string v = registry::terminal_safe(s);
    std::string out = "\"";
    bool may_start = true;   // a formula could start at the next non-space character
    for (char ch : v) {
        if (may_start && (ch == '=' || ch == '+' || ch == '-' || ch == '@')) out += '\'';
        if (ch == '"') out += "\"\"";
        else out += ch;
        if (ch == ',' || ch == ';' || ch == '|' || ch == '"') may_start = true;
        else if (ch != ' ') may_start = false;
    }
    out += '"';
    return out;
}

namespace {

// Rows gathered into 64 KiB writes through the one atomic writer; the first error is kept and every
// later put() is a no-op. (The buffer holds names: the executables' operator delete wipes it when freed.)
struct CsvOut {
    explicit CsvOut(AtomicFile f) : file(std::move(f)) {}
    AtomicFile file;
    std::string buf;
    Status status;
    void put(std::string_view s) {
        buf.append(s);
        if (buf.size() >= (1 << 16)) flush();
    }
    void flush() {
        if (status.ok() && !buf.empty()) status = file.write(buf);
        buf.clear();
    }
};

}  // namespace

Result<SignatoriesResult> export_signatories(Coordinator& c, std::string_view appeal_id, const fs::path& csv) {
    return export_signatories(c, appeal_id, csv, SignatoriesOptions{});
}

namespace {
Status refuse_existing(const fs::path& csv) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(csv, ec)))
        return make_error(csv.string() + " exists; not replacing a signatories file (--force replaces it)");
    return {};
}
}  // namespace

Result<SignatoriesResult> export_signatories(Coordinator& c, std::string_view appeal_id, const fs::path& csv,
                                             const SignatoriesOptions& opts) {
    if (opts.keep_existing)
        if (auto s = refuse_existing(csv); !s) return s.error();
    auto& db = c.db();
    SignatoriesResult res;
    {
        auto known = db.prepare("SELECT count(*) FROM signatures WHERE appeal_id = ?1");
        if (!known) return known.error();
        known->bind(1, appeal_id);
        auto row = known->step();
        if (!row) return row.error();
        if (!*row || known->column_int(0) == 0) return make_error("no signature of appeal '" + std::string(appeal_id) + "' was imported");
    }
    // Prepared before the file is created: a failure here leaves nothing to clean up.
    // Consent bit 4 (pass_name_to_addressee) is bit 3 of consent_mask.
    auto st = db.prepare("SELECT duplicate_of IS NOT NULL, withdrawn_at IS NOT NULL, (consent_mask >> 3) & 1, "
                         "given_name, family_name, country, city, date(unix_minute * 60, 'unixepoch') "
                         "FROM signatures WHERE appeal_id = ?1 ORDER BY family_name, given_name, id");
    if (!st) return st.error();
    // The one file that holds names: a fresh temp name beside it, fsync, rename, directory fsync,
    // and the temp file removed on every way out (AtomicFile).
    auto file = AtomicFile::create(csv.string());
    if (!file) return file.error();
    CsvOut w(std::move(*file));
    if (opts.excel_bom) w.put("\xEF\xBB\xBF");
    w.put("given_name,family_name,country,city,signed_on\r\n");
    st->bind(1, appeal_id);
    while (true) {
        auto row = st->step();
        if (!row) return row.error();   // w's AtomicFile removes its temp file
        if (!*row) break;
        if (st->column_int(1) != 0) { ++res.withdrawn; continue; }
        if (st->column_int(0) != 0) { ++res.duplicates; continue; }
        if (st->column_int(2) == 0) { ++res.counted_without_consent; continue; }
        w.put(csv_cell(st->column_text(3)));
        w.put(",");
        w.put(csv_cell(st->column_text(4)));
        w.put(",");
        w.put(csv_cell(st->column_text(5)));
        w.put(",");
        w.put(csv_cell(st->column_text(6)));
        w.put(",");
        w.put(csv_cell(st->column_text(7)));
        w.put("\r\n");
        ++res.written;
    }
    w.flush();
    if (!w.status) return w.status.error();
    if (opts.keep_existing)
        if (auto s = refuse_existing(csv); !s) return s.error();   // created meanwhile: w's AtomicFile removes its temp file
    if (auto done = w.file.commit(); !done) return done.error();
    return res;
}

// [SECTION] Acknowledgement

Result<Bytes> make_ack(Coordinator& c, std::string_view kiosk_fingerprint, std::int64_t now_unix, Ack* out) {
    auto k = c.kiosk_by_fingerprint(kiosk_fingerprint);
    if (!k) return make_error("kiosk " + std::string(kiosk_fingerprint) + " is not enrolled");
    if (k->last_seq == 0) return make_error("nothing was imported from kiosk " + k->fingerprint + " yet");
    Ack ack;
    ack.kiosk_public_key = k->public_key;
    ack.first_seq = 1;
    ack.last_seq = k->last_seq;
    ack.last_batch_hash = k->last_batch_hash;
    ack.last_record_seq = k->last_record_seq;
    ack.timestamp_unix = static_cast<std::uint64_t>(now_unix);
    auto bytes = ack_write(ack, c.keys().sign_secret);
    if (!bytes) return bytes.error();
    if (out != nullptr) *out = ack;
    return bytes;
}

// [SECTION] Published receipts

Result<ReceiptsRoot> publish_receipts(Coordinator& c, const fs::path& out_dir, std::int64_t now_unix) {
    // Every signature received and not withdrawn, duplicates included: whether a receipt is listed
    // must never depend on anyone else's signature, or signing in someone's name and checking one's
    // own receipt would tell whether that person signed (threat model row 16). Deduplication shows
    // only in the report's totals (docs/coordinator-guide.md, section 7).
    std::vector<Hash> leaves;
    auto st = c.db().prepare("SELECT r.commitment FROM signatures s JOIN receipts r ON r.signature = s.id "
                             "WHERE s.withdrawn_at IS NULL");
    if (!st) return st.error();
    while (true) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        Bytes b = st->column_blob(0);
        Hash h{};
        if (b.size() != h.size()) return make_error("registry: a receipt commitment has the wrong size");
        std::copy(b.begin(), b.end(), h.begin());
        leaves.push_back(h);
    }
    // Import refuses a commitment the registry already holds, so two equal ones are a registry
    // written before that rule (or behind the program's back): its signers could not tell their
    // receipts apart. Say so rather than publish one leaf for two.
    {
        std::vector<Hash> sorted = leaves;
        std::sort(sorted.begin(), sorted.end());
        if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
            return make_error("registry: two signatures carry the same receipt commitment; not publishing "
                              "(run coord check; see the coordinator guide, \"Alarms\")");
    }
    // A folder of its own: the files are made world-readable for a web server, and nothing else of
    // the coordinator's may sit beside them (or be copied to the website with them).
    std::error_code ec;
    const fs::path dir_abs = fs::weakly_canonical(out_dir, ec);
    if (!ec && dir_abs == fs::weakly_canonical(c.dir(), ec))
        return make_error(out_dir.string() + ": the coordinator's own directory; publish into a folder of its own (default " +
                          (c.dir() / published_dir_name).string() + ")");
    if (fs::exists(out_dir / coordinator_key_file, ec))
        return make_error(out_dir.string() + " holds a coordinator key; publish into a folder of its own");
    fs::create_directories(out_dir, ec);
    if (ec) return make_error(out_dir.string() + ": cannot create the folder: " + ec.message());
    auto root = receipts_publish(out_dir, std::move(leaves), static_cast<std::uint64_t>(now_unix), c.keys().sign_secret);
    if (!root) return root.error();
    const std::string id = registry::format_public_identity(c.keys().identity);
    if (auto s = write_file_atomic((out_dir / coordinator_identity_file).string(), as_bytes(id)); !s) return s.error();
    // The one writer makes every file 0600; these three are public by design.
    constexpr auto file_mode = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;
    for (const char* f : {kReceiptsLeavesFile, kReceiptsRootFile, coordinator_identity_file}) {
        fs::permissions(out_dir / f, file_mode, fs::perm_options::replace, ec);
        if (ec) return make_error((out_dir / f).string() + ": cannot make it readable by all: " + ec.message());
    }
    fs::permissions(out_dir, file_mode | fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::replace, ec);
    if (ec) return make_error(out_dir.string() + ": cannot make it readable by all: " + ec.message());
    return root;
}

Result<ReceiptVerdict> verify_published_receipt(const fs::path& dir, std::string_view code, const CoordinatorPin& pin) {
    auto parsed = registry::receipt_parse(code);
    if (!parsed) return parsed.error();
    // Whoever hands out the directory can put any identity.pub beside a list they signed: it is only
    // used when it matches the fingerprint the signer was given, never trusted by itself.
    registry::PublicIdentity id;
    if (const auto* pinned = std::get_if<registry::PublicIdentity>(&pin)) {
        id = *pinned;
    } else {
        const std::string want = normalize_fingerprint(std::get<std::string>(pin));
        if (want.empty()) return make_error("the coordinator fingerprint is 20 hex digits (as the tools print it)");
        const fs::path file = dir / coordinator_identity_file;
        auto text = read_file(file.string(), 4096);
        if (!text) return make_error(file.string() + ": " + text.message());
        auto p = registry::parse_public_identity(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()));  // NOLINT
        if (!p) return make_error(file.string() + ": " + p.message());
        if (normalize_fingerprint(p->fingerprint()) != want)
            return make_error(file.string() + " is the identity of coordinator " + p->fingerprint() +
                              ", not of the one you gave: this list was not published by your coordinator");
        id = *p;
    }
    auto pub = receipts_load(dir, id.sign_key);
    if (!pub) return pub.error();
    ReceiptVerdict v;
    v.coordinator_fingerprint = id.fingerprint();
    v.tree_size = pub->root.tree_size;
    v.timestamp_unix = pub->root.timestamp_unix;
    const Hash commitment = registry::receipt_commitment(*parsed);
    auto index = pub->find(commitment);
    if (!index) return v;
    // Check the way a signer with only the root and a proof would: the audit path must lead from this
    // leaf to the signed root.
    auto proof = merkle::inclusion_proof(pub->leaves, *index);
    if (!merkle::verify_inclusion(commitment, *index, pub->root.tree_size, proof, pub->root.root))
        return make_error("published receipts: the inclusion proof does not lead to the signed root");
    v.counted = true;
    return v;
}

// [SECTION] Integrity check

Result<RegistryCheck> check_registry(Coordinator& c) {
    auto& db = c.db();
    if (auto s = db.quick_check(); !s) return make_error("registry check: " + s.message());
    struct Rule {
        const char* what;
        const char* sql;  // counts the rows that break the rule
    };
    static const Rule rules[] = {
        {"foreign keys", "SELECT count(*) FROM pragma_foreign_key_check"},
        {"a receipt row for every signature",
         "SELECT (SELECT count(*) FROM signatures s WHERE NOT EXISTS (SELECT 1 FROM receipts r WHERE r.signature = s.id)) + "
         "(SELECT count(*) FROM receipts r WHERE NOT EXISTS (SELECT 1 FROM signatures s WHERE s.id = r.signature))"},
        {"receipts say who signed what",
         "SELECT count(*) FROM receipts r JOIN signatures s ON s.id = r.signature "
         "WHERE r.member <> s.member OR r.appeal_id <> s.appeal_id"},
        {"batch signature counts",
         "SELECT count(*) FROM batches b LEFT JOIN (SELECT batch, count(*) AS n FROM signatures GROUP BY batch) s "
         "ON s.batch = b.id WHERE b.signatures <> coalesce(s.n, 0)"},
        {"kiosk log sizes", "SELECT count(*) FROM kiosks k WHERE k.log_size <> (SELECT count(*) FROM signatures s WHERE s.kiosk = k.id)"},
        {"receipt commitments are unique",
         "SELECT count(*) FROM (SELECT 1 FROM receipts GROUP BY commitment HAVING count(*) > 1)"},
        {"one counted signature per member and appeal",
         "SELECT count(*) FROM (SELECT 1 FROM signatures WHERE duplicate_of IS NULL AND withdrawn_at IS NULL "
         "GROUP BY member, appeal_id HAVING count(*) > 1)"},
        {"duplicates point at a counted signature of the same member and appeal",
         "SELECT count(*) FROM signatures d LEFT JOIN signatures o ON o.id = d.duplicate_of WHERE d.duplicate_of IS NOT NULL "
         "AND (o.id IS NULL OR o.member <> d.member OR o.appeal_id <> d.appeal_id OR o.duplicate_of IS NOT NULL "
         "OR o.withdrawn_at IS NOT NULL)"},
        {"a merged member holds no signature or registration",
         "SELECT (SELECT count(*) FROM receipts r JOIN members m ON m.id = r.member WHERE m.merged_into IS NOT NULL) + "
         "(SELECT count(*) FROM registrations g JOIN members m ON m.id = g.member WHERE m.merged_into IS NOT NULL)"},
    };
    for (const Rule& r : rules) {
        auto bad = db.query_int(r.sql);
        if (!bad) return make_error(std::string("registry check (") + r.what + "): " + bad.message());
        if (*bad != 0) return make_error(std::string("registry check failed: ") + r.what + " (" + std::to_string(*bad) + " rows)");
    }
    RegistryCheck out;
    auto b = db.query_int("SELECT count(*) FROM batches");
    auto s = db.query_int("SELECT count(*) FROM signatures");
    auto m = db.query_int("SELECT count(*) FROM members WHERE merged_into IS NULL");
    if (!b || !s || !m) return make_error("registry check: cannot count rows");
    out.batches = *b;
    out.signatures = *s;
    out.members = *m;
    return out;
}

}  // namespace embassy::sync
