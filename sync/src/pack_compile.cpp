// TOML appeal pack source → AppealPack (pack_compile.hpp; schema in docs/appeal-pack.md).
//
// toml++ is built with exceptions in Debian, so parse errors arrive as toml::parse_error; they are
// caught here and turned into a Result, together with anything else (bad_alloc), so nothing ever
// throws out of pack_from_toml. Unknown keys are errors: a misspelt "adressee" would otherwise
// silently vanish from a signed pack.
#include "embassy/sync/pack_compile.hpp"

#include "embassy/registry/pack.hpp"
#include "embassy/registry/validate.hpp"

#include <toml++/toml.h>

#include <ctime>
#include <exception>
#include <initializer_list>
#include <optional>

namespace embassy::sync {

namespace {

using registry::AppealPack;

constexpr std::size_t max_source = 4 * 1024 * 1024;

// An error in the source: "<file>:<line>: <what>" (no line when toml++ has none for the node).
class Compiler {
public:
    explicit Compiler(std::string_view source_name) : src_(source_name) {}

    Error err(const toml::node* at, const std::string& what) const { return err_line(line_of(at), what); }
    Error err_line(std::uint32_t line, const std::string& what) const {
        if (line == 0) return make_error(src_ + ": " + what);
        return make_error(src_ + ":" + std::to_string(line) + ": " + what);
    }
    static std::uint32_t line_of(const toml::node* n) { return n ? n->source().begin.line : 0; }

    // Every key of `t` must be in `allowed`.
    std::optional<Error> only_keys(const toml::table& t, const std::string& path,
                                   std::initializer_list<std::string_view> allowed) const {
        for (auto&& [k, v] : t) {
            bool ok = false;
            for (auto a : allowed) ok = ok || k.str() == a;
            if (!ok) return err_line(k.source().begin.line ? k.source().begin.line : line_of(&v),
                                     "unknown key '" + join(path, k.str()) + "'");
        }
        return std::nullopt;
    }

    static std::string join(const std::string& path, std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    }

    // A required string at t[key]; `parent` gives the line when it is missing.
    Result<std::string> string_at(const toml::table& t, std::string_view key, const std::string& path,
                                  const toml::node* parent) const {
        const toml::node* n = t.get(key);
        if (!n) return err(parent, "missing key '" + join(path, key) + "'");
        const auto* s = n->as_string();
        if (!s) return err(n, "'" + join(path, key) + "' must be a string");
        return s->get();
    }

    Result<std::uint32_t> version_at(const toml::table& t, const std::string& path) const {
        const toml::node* n = t.get("version");
        if (!n) return std::uint32_t{1};
        const auto* i = n->as_integer();
        if (!i || i->get() < 1 || i->get() > 0xFFFFFFFF)
            return err(n, "'" + join(path, "version") + "' must be a whole number from 1");
        return static_cast<std::uint32_t>(i->get());
    }

private:
    std::string src_;
};

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string trim_end(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
    return s;
}

// Days since 1970-01-01 for a proleptic Gregorian date (era-based arithmetic, valid for all years here).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Result<std::uint64_t> created_at(const toml::table& pack_tbl, const Compiler& c) {
    const toml::node* n = pack_tbl.get("created");
    if (!n) return static_cast<std::uint64_t>(std::time(nullptr));
    std::int64_t secs = 0;
    if (const auto* dt = n->as_date_time()) {
        const auto& v = dt->get();
        if (!v.offset) return c.err(n, "'pack.created' needs a time zone (e.g. 2026-01-15T12:00:00Z)");
        secs = days_from_civil(v.date.year, v.date.month, v.date.day) * 86400 + v.time.hour * 3600 +
               v.time.minute * 60 + v.time.second - std::int64_t{v.offset->minutes} * 60;
    } else if (const auto* d = n->as_date()) {
        const auto& v = d->get();
        secs = days_from_civil(v.year, v.month, v.day) * 86400;
    } else {
        return c.err(n, "'pack.created' must be a date (2026-01-15) or a date-time with a zone");
    }
    if (secs < 0) return c.err(n, "'pack.created' is before 1970");
    return static_cast<std::uint64_t>(secs);
}

Result<AppealPack> compile(const toml::table& root, const Compiler& c) {
    AppealPack pack;
    if (auto e = c.only_keys(root, "", {"pack", "appeals", "consents", "receipt"})) return *e;

    // [pack]
    const toml::node* pack_node = root.get("pack");
    if (!pack_node || !pack_node->is_table()) return c.err(pack_node, "missing table [pack]");
    const auto& pt = *pack_node->as_table();
    if (auto e = c.only_keys(pt, "pack", {"id", "created", "languages"})) return *e;
    auto id = c.string_at(pt, "id", "pack", pack_node);
    if (!id) return id.error();
    pack.pack_id = *id;
    if (pack.pack_id.empty() || pack.pack_id.size() > registry::pack_max_id ||
        pack.pack_id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
        return c.err(pt.get("id"), "'pack.id' must be 1-64 characters of a-z, 0-9 and '-'");
    auto created = created_at(pt, c);
    if (!created) return created.error();
    pack.created_unix = *created;

    const toml::node* langs_node = pt.get("languages");
    if (!langs_node) return c.err(pack_node, "missing key 'pack.languages'");
    const auto* langs = langs_node->as_array();
    if (!langs || langs->empty()) return c.err(langs_node, "'pack.languages' must be a non-empty list of language tags");
    for (const auto& l : *langs) {
        const auto* s = l.as_string();
        if (!s) return c.err(&l, "'pack.languages' must hold strings");
        if (!registry::pack_lang_allowed(s->get()))
            return c.err(&l, "'pack.languages': " + quoted(s->get()) +
                                 " is not one of " + registry::supported_languages_text());
        for (const auto& seen : pack.languages)
            if (seen == s->get()) return c.err(&l, "'pack.languages': " + quoted(seen) + " is listed twice");
        pack.languages.push_back(s->get());
    }

    // [[appeals]]
    const toml::node* appeals_node = root.get("appeals");
    const auto* appeals = appeals_node ? appeals_node->as_array() : nullptr;
    if (!appeals || appeals->empty()) return c.err(appeals_node, "no [[appeals]] in the file");
    if (appeals->size() > registry::pack_max_appeals) return c.err(appeals_node, "more than 64 appeals");
    for (std::size_t i = 0; i < appeals->size(); ++i) {
        const toml::node& an = *appeals->get(i);
        const std::string path = "appeals[" + std::to_string(i) + "]";
        const auto* at = an.as_table();
        if (!at) return c.err(&an, path + " must be a table ([[appeals]])");
        if (auto e = c.only_keys(*at, path, {"id", "version", "addressee", "text"})) return *e;
        registry::Appeal a;
        auto aid = c.string_at(*at, "id", path, &an);
        if (!aid) return aid.error();
        a.id = *aid;
        if (a.id.empty() || a.id.size() > registry::pack_max_id ||
            a.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
            return c.err(at->get("id"), "'" + path + ".id' must be 1-64 characters of a-z, 0-9 and '-'");
        for (const auto& prev : pack.appeals)
            if (prev.id == a.id) return c.err(at->get("id"), "appeal " + quoted(a.id) + " appears twice");
        const std::string apath = "appeal " + quoted(a.id);
        auto ver = c.version_at(*at, path);
        if (!ver) return ver.error();
        a.version = *ver;
        auto addressee = c.string_at(*at, "addressee", path, &an);
        if (!addressee) return addressee.error();
        a.addressee = *addressee;

        const toml::node* texts_node = at->get("text");
        const auto* texts = texts_node ? texts_node->as_table() : nullptr;
        if (!texts) return c.err(texts_node ? texts_node : &an, apath + " has no [appeals.text.<language>] tables");
        for (auto&& [lang, tn] : *texts) {
            const std::string tpath = path + ".text." + std::string(lang.str());
            const std::uint32_t line = lang.source().begin.line ? lang.source().begin.line : Compiler::line_of(&tn);
            bool declared = false;
            for (const auto& l : pack.languages) declared = declared || l == lang.str();
            if (!declared)
                return c.err_line(line, apath + " has a text in " + quoted(lang.str()) +
                                            ", which pack.languages does not declare");
            const auto* tt = tn.as_table();
            if (!tt) return c.err_line(line, "'" + tpath + "' must be a table with title and body");
            if (auto e = c.only_keys(*tt, tpath, {"title", "body", "addressee"})) return *e;
            registry::AppealText t;
            t.lang = std::string(lang.str());
            auto title = c.string_at(*tt, "title", tpath, &tn);
            if (!title) return title.error();
            auto body = c.string_at(*tt, "body", tpath, &tn);
            if (!body) return body.error();
            t.title = *title;
            t.body = trim_end(*body);
            if (tt->get("addressee")) {  // optional: the addressee's name in this language
                auto addr = c.string_at(*tt, "addressee", tpath, &tn);
                if (!addr) return addr.error();
                t.addressee = *addr;
            }
            a.texts.push_back(std::move(t));
        }
        for (const auto& l : pack.languages) {
            bool found = false;
            for (const auto& t : a.texts) found = found || t.lang == l;
            if (!found) return c.err(&an, apath + " has no text for language " + quoted(l));
        }
        pack.appeals.push_back(std::move(a));
    }

    // [consents.<purpose>]
    const toml::node* consents_node = root.get("consents");
    const auto* consents = consents_node ? consents_node->as_table() : nullptr;
    if (!consents) return c.err(consents_node, "missing table [consents.sign_appeal]");
    for (auto&& [pkey, pn] : *consents) {
        const std::string path = "consents." + std::string(pkey.str());
        const std::uint32_t pline = pkey.source().begin.line ? pkey.source().begin.line : Compiler::line_of(&pn);
        const auto purpose = registry::purpose_from_name(pkey.str());
        if (!purpose) {
            std::string known;
            for (const auto& n : registry::kPurposeNames) known += std::string(known.empty() ? "" : ", ") + n.name;
            return c.err_line(pline, "unknown consent purpose '" + path + "' (" + known + ")");
        }
        const auto* ct = pn.as_table();
        if (!ct) return c.err_line(pline, "'" + path + "' must be a table");
        if (auto e = c.only_keys(*ct, path, {"version", "text"})) return *e;
        auto ver = c.version_at(*ct, path);
        if (!ver) return ver.error();
        const toml::node* tn = ct->get("text");
        const auto* texts = tn ? tn->as_table() : nullptr;
        if (!texts) return c.err_line(pline, "'" + path + ".text' must be a table of language = \"text\"");
        for (auto&& [lang, v] : *texts) {
            const std::uint32_t line = lang.source().begin.line ? lang.source().begin.line : Compiler::line_of(&v);
            bool declared = false;
            for (const auto& l : pack.languages) declared = declared || l == lang.str();
            if (!declared)
                return c.err_line(line, "consent " + std::string(registry::purpose_name(*purpose)) + " has a text in " +
                                            quoted(lang.str()) + ", which pack.languages does not declare");
            const auto* s = v.as_string();
            if (!s) return c.err_line(line, "'" + path + ".text." + std::string(lang.str()) + "' must be a string");
            registry::ConsentText ctext;
            ctext.purpose = *purpose;
            ctext.version = *ver;
            ctext.lang = std::string(lang.str());
            ctext.text = trim_end(s->get());
            pack.consents.push_back(std::move(ctext));
        }
        for (const auto& l : pack.languages) {
            bool found = false;
            for (const auto& ctext : pack.consents)
                found = found || (ctext.purpose == *purpose && ctext.lang == l);
            if (!found)
                return c.err_line(pline, "consent " + std::string(registry::purpose_name(*purpose)) + " has no text for language " +
                                             quoted(l));
        }
    }

    // [receipt.<language>]: optional; once given, for every language (pack_validate says so too,
    // this message has the line).
    if (const toml::node* rn = root.get("receipt")) {
        const auto* rt = rn->as_table();
        if (!rt) return c.err(rn, "'receipt' must hold [receipt.<language>] tables");
        for (auto&& [lang, ln] : *rt) {
            const std::string path = "receipt." + std::string(lang.str());
            const std::uint32_t line = lang.source().begin.line ? lang.source().begin.line : Compiler::line_of(&ln);
            bool declared = false;
            for (const auto& l : pack.languages) declared = declared || l == lang.str();
            if (!declared)
                return c.err_line(line, "receipt instructions in " + quoted(lang.str()) +
                                            ", which pack.languages does not declare");
            const auto* lt = ln.as_table();
            if (!lt) return c.err_line(line, "'" + path + "' must be a table with list_url and withdraw_contact");
            if (auto e = c.only_keys(*lt, path, {"list_url", "withdraw_contact"})) return *e;
            registry::ReceiptInfo info;
            info.lang = std::string(lang.str());
            auto url = c.string_at(*lt, "list_url", path, &ln);
            if (!url) return url.error();
            auto contact = c.string_at(*lt, "withdraw_contact", path, &ln);
            if (!contact) return contact.error();
            info.list_url = *url;
            info.withdraw_contact = *contact;
            pack.receipts.push_back(std::move(info));
        }
        for (const auto& l : pack.languages) {
            bool found = false;
            for (const auto& r : pack.receipts) found = found || r.lang == l;
            if (!found) return c.err(rn, "receipt instructions have no [receipt." + l + "] table");
        }
    }

    // Everything else (limits, UTF-8, control characters, sign_appeal present) by the same rules the
    // kiosk applies when it reads the signed pack. Those messages carry no line: they name the appeal.
    if (auto st = registry::pack_validate(pack); !st) return c.err_line(0, st.message());
    registry::compute_pack_hashes(pack);
    return pack;
}

}  // namespace

Result<AppealPack> pack_from_toml(std::string_view toml_text, std::string_view source_name) {
    const Compiler c(source_name);
    if (toml_text.size() > max_source) return c.err_line(0, "larger than 4 MiB");
    try {
        toml::table root = toml::parse(toml_text, source_name);
        return compile(root, c);
    } catch (const toml::parse_error& e) {
        return c.err_line(e.source().begin.line, "TOML syntax: " + std::string(e.description()));
    } catch (const std::bad_alloc&) {
        return c.err_line(0, "out of memory while reading the pack source");
    } catch (const std::exception& e) {
        return c.err_line(0, std::string("cannot compile: ") + e.what());
    } catch (...) {
        return c.err_line(0, "cannot compile: unexpected error");
    }
}

}  // namespace embassy::sync
