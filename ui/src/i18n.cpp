// gettext .po loader. The parser is a small line-based state machine: it accepts the subset that
// msgmerge/Poedit/Weblate write, rejects anything else with file:line, and checks the size
// limits before it allocates (a catalog comes from a volunteer's USB stick, not from us).
#include "embassy/ui/i18n.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace embassy::ui {
namespace {

constexpr char kContextSeparator = '\x04';   // gettext's own msgctxt/msgid glue

std::string Where(std::string_view name, std::size_t line) {
    return "i18n: " + std::string(name) + ":" + std::to_string(line) + ": ";
}

// Appends the content of the quoted string starting at s[0] == '"' to out. Returns an empty
// string on success or the reason it failed.
std::string ParseQuoted(std::string_view s, std::string& out) {
    if (s.empty() || s.front() != '"') return "expected a quoted string";
    std::size_t i = 1;
    std::string piece;
    for (;; ++i) {
        if (i >= s.size()) return "unterminated string";
        const char c = s[i];
        if (c == '"') break;
        if (c != '\\') {
            piece.push_back(c);
            continue;
        }
        if (++i >= s.size()) return "unterminated string";
        switch (s[i]) {
            case 'n': piece.push_back('\n'); break;
            case 't': piece.push_back('\t'); break;
            case 'r': piece.push_back('\r'); break;
            case '"': piece.push_back('"'); break;
            case '\\': piece.push_back('\\'); break;
            default: return std::string("unsupported escape \\") + s[i];
        }
    }
    for (std::size_t j = i + 1; j < s.size(); ++j) {
        if (s[j] != ' ' && s[j] != '\t') return "text after closing quote";
    }
    if (out.size() + piece.size() > kCatalogMaxStringBytes) return "string longer than 16 kB";
    out += piece;
    return {};
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool StartsWithWord(std::string_view line, std::string_view word, std::string_view& rest) {
    if (line.substr(0, word.size()) != word) return false;
    const std::string_view after = line.substr(word.size());
    if (!after.empty() && after.front() != ' ' && after.front() != '\t') return false;
    rest = Trim(after);
    return true;
}

// Printable form of a key for problem reports: one line, at most 60 bytes, context shown as ctx|.
std::string ShowKey(std::string_view key) {
    std::string out;
    for (char c : key) {
        if (c == kContextSeparator) out += '|';
        else if (c == '\n') out += "\\n";
        else if (c == '"') out += "\\\"";
        else out += c;
        if (out.size() >= 60) {
            out += "...";
            break;
        }
    }
    return "\"" + out + "\"";
}

std::string MsgidOf(std::string_view key) {
    const std::size_t sep = key.find(kContextSeparator);
    return std::string(sep == std::string_view::npos ? key : key.substr(sep + 1));
}

std::string JoinSet(const std::set<std::string>& s) {
    std::string out;
    for (const std::string& name : s) out += (out.empty() ? "{" : " {") + name + "}";
    return out.empty() ? "(none)" : out;
}

}  // namespace

// [SECTION] Catalog

Status Catalog::LoadFile(const std::string& path) {
    entries_.clear();
    warnings_.clear();
    language_.clear();
    const std::string name = std::filesystem::path(path).filename().string();
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return make_error("i18n: " + name + ": cannot read file");
    if (size > kCatalogMaxFileBytes) return make_error("i18n: " + name + ": file larger than 1 MB");
    std::ifstream in(path, std::ios::binary);
    std::string text(static_cast<std::size_t>(size), '\0');
    if (!in.read(text.data(), static_cast<std::streamsize>(size))) return make_error("i18n: " + name + ": cannot read file");
    return LoadText(text, name);
}

Status Catalog::LoadText(std::string_view text, std::string_view name) {
    entries_.clear();
    warnings_.clear();
    language_.clear();
    auto fail = [&](std::size_t line, const std::string& why) -> Status {
        entries_.clear();
        warnings_.clear();
        language_.clear();
        return make_error(Where(name, line) + why);
    };
    if (text.size() > kCatalogMaxFileBytes) return fail(0, "text larger than 1 MB");
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);   // UTF-8 BOM from some editors

    struct Entry {
        bool has_ctx = false, has_id = false, has_str = false;
        std::string ctx, id, str, ignored;
        std::size_t line = 0;
    } e;
    std::string* target = nullptr;   // where continuation lines go

    auto finish = [&]() {
        if (!e.has_id) return;
        if (e.id.empty() && !e.has_ctx) {
            // Header entry: only the Language field matters to us.
            const std::size_t at = e.str.find("Language:");
            if (at != std::string::npos) {
                const std::size_t end = e.str.find('\n', at);
                language_ = std::string(Trim(std::string_view(e.str).substr(at + 9, end == std::string::npos ? std::string::npos : end - at - 9)));
            }
        } else {
            std::string key = e.has_ctx ? e.ctx + kContextSeparator + e.id : e.id;
            auto [it, inserted] = entries_.try_emplace(key, e.str);
            if (!inserted) {
                warnings_.push_back(Where(name, e.line) + "duplicate msgid " + ShowKey(key) + " (the last one is used)");
                it->second = e.str;
            }
        }
        e = Entry{};
    };

    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t nl = text.find('\n', pos);
        const std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++line_no;
        const std::string_view line = Trim(raw);
        if (line.empty() || line.front() == '#') continue;   // comments, flags (#, fuzzy), obsolete (#~)

        std::string_view rest;
        std::string why;
        if (line.front() == '"') {
            if (target == nullptr) return fail(line_no, "string without a keyword");
            why = ParseQuoted(line, *target);
        } else if (StartsWithWord(line, "msgctxt", rest)) {
            if (e.has_id && !e.has_str) return fail(line_no, "msgctxt before the previous msgid has a msgstr");
            finish();
            e.has_ctx = true;
            e.line = line_no;
            target = &e.ctx;
            why = ParseQuoted(rest, *target);
        } else if (StartsWithWord(line, "msgid", rest)) {
            if (e.has_id && !e.has_str) return fail(line_no, "msgid without msgstr before it");
            if (e.has_str) finish();
            e.has_id = true;
            if (e.line == 0) e.line = line_no;
            target = &e.id;
            why = ParseQuoted(rest, *target);
        } else if (StartsWithWord(line, "msgid_plural", rest)) {
            if (!e.has_id || e.has_str) return fail(line_no, "msgid_plural without msgid");
            e.ignored.clear();
            target = &e.ignored;   // plural forms are not selected: msgstr[0] serves as the text
            why = ParseQuoted(rest, *target);
        } else if (line.substr(0, 6) == "msgstr") {
            if (!e.has_id) return fail(line_no, "msgstr without msgid");
            std::string_view after = line.substr(6);
            bool primary = true;
            if (!after.empty() && after.front() == '[') {
                const std::size_t close = after.find(']');
                if (close == std::string_view::npos) return fail(line_no, "malformed msgstr[N]");
                primary = after.substr(1, close - 1) == "0";
                after = after.substr(close + 1);
            } else if (e.has_str) {
                return fail(line_no, "second msgstr for one msgid");
            }
            e.has_str = true;
            e.ignored.clear();
            target = primary ? &e.str : &e.ignored;
            why = ParseQuoted(Trim(after), *target);
        } else {
            return fail(line_no, "unexpected text (expected msgctxt, msgid, msgstr or a quoted string)");
        }
        if (!why.empty()) return fail(line_no, why);
    }
    if (e.has_id && !e.has_str) return fail(line_no, "msgid without msgstr at end of file");
    if (e.has_ctx && !e.has_id) return fail(line_no, "msgctxt without msgid at end of file");
    finish();
    return {};
}

const char* Catalog::Lookup(const std::string& key, std::string_view msgid) const {
    const auto it = entries_.find(key);
    if (it != entries_.end() && !it->second.empty()) return it->second.c_str();
    auto fb = fallback_.find(msgid);
    if (fb == fallback_.end()) fb = fallback_.emplace(msgid).first;
    return fb->c_str();
}

const char* Catalog::tr(std::string_view msgid) const { return Lookup(std::string(msgid), msgid); }

const char* Catalog::tr(std::string_view context, std::string_view msgid) const {
    std::string key(context);
    key += kContextSeparator;
    key += msgid;
    return Lookup(key, msgid);
}

bool Catalog::Has(std::string_view msgid) const { return entries_.find(msgid) != entries_.end(); }

// [SECTION] Catalogs

std::size_t Catalogs::LoadDirectory(const std::string& dir, std::vector<std::string>* errors) {
    namespace fs = std::filesystem;
    catalogs_.clear();
    current_catalog_ = nullptr;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        if (errors != nullptr) errors->push_back("i18n: catalog directory cannot be read");
        return 0;
    }
    for (const fs::directory_entry& entry : it) {
        if (entry.path().extension() != ".po") continue;
        auto catalog = std::make_unique<Catalog>();
        if (Status s = catalog->LoadFile(entry.path().string()); !s) {
            if (errors != nullptr) errors->push_back(s.message());
            continue;
        }
        catalogs_[entry.path().stem().string()] = std::move(catalog);
    }
    if (!current_.empty()) current_catalog_ = Find(current_);
    return catalogs_.size();
}

const Catalog* Catalogs::Find(std::string_view lang) const {
    const auto it = catalogs_.find(lang);
    return it == catalogs_.end() ? nullptr : it->second.get();
}

std::vector<std::string> Catalogs::Languages() const {
    std::vector<std::string> out;
    for (const auto& [lang, catalog] : catalogs_) out.push_back(lang);
    return out;
}

bool Catalogs::SetCurrent(std::string_view lang) {
    const Catalog* c = Find(lang);
    if (c == nullptr) return false;
    current_ = std::string(lang);
    current_catalog_ = c;
    return true;
}

const char* Catalogs::tr(std::string_view msgid) const {
    return (current_catalog_ != nullptr ? *current_catalog_ : empty_).tr(msgid);
}

const char* Catalogs::tr(std::string_view context, std::string_view msgid) const {
    return (current_catalog_ != nullptr ? *current_catalog_ : empty_).tr(context, msgid);
}

// [SECTION] Placeholders

namespace {

bool IsNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Walks a pattern, calling literal(text) and placeholder(name, raw) in order.
template <class Literal, class Placeholder>
void ScanPattern(std::string_view p, Literal&& literal, Placeholder&& placeholder) {
    std::size_t i = 0;
    while (i < p.size()) {
        if (p[i] == '{' && i + 1 < p.size() && p[i + 1] == '{') {
            literal(std::string_view("{"));
            i += 2;
        } else if (p[i] == '}' && i + 1 < p.size() && p[i + 1] == '}') {
            literal(std::string_view("}"));
            i += 2;
        } else if (p[i] == '{') {
            std::size_t j = i + 1;
            while (j < p.size() && IsNameChar(p[j])) ++j;
            if (j > i + 1 && j < p.size() && p[j] == '}') {
                placeholder(p.substr(i + 1, j - i - 1), p.substr(i, j - i + 1));
                i = j + 1;
            } else {
                literal(p.substr(i, 1));
                ++i;
            }
        } else {
            std::size_t j = i;
            while (j < p.size() && p[j] != '{' && p[j] != '}') ++j;
            if (j == i) ++j;   // a lone '}'
            literal(p.substr(i, j - i));
            i = j;
        }
    }
}

}  // namespace

std::string Format(std::string_view pattern,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> args) {
    std::string out;
    out.reserve(pattern.size() + 32);
    ScanPattern(
        pattern, [&](std::string_view text) { out += text; },
        [&](std::string_view name, std::string_view raw) {
            for (const auto& [key, value] : args) {
                if (key == name) {
                    out += value;
                    return;
                }
            }
            out += raw;   // unknown: visible in the UI, so a missing argument is noticed
        });
    return out;
}

std::set<std::string> Placeholders(std::string_view pattern) {
    std::set<std::string> names;
    ScanPattern(
        pattern, [](std::string_view) {}, [&](std::string_view name, std::string_view) { names.emplace(name); });
    return names;
}

// [SECTION] CheckCatalogs

std::vector<std::string> CheckCatalogs(const std::string& dir, const std::string& reference_lang) {
    namespace fs = std::filesystem;
    std::vector<std::string> problems;
    const std::string ref_file = reference_lang + ".po";
    Catalog ref;
    if (Status s = ref.LoadFile((fs::path(dir) / ref_file).string()); !s) {
        problems.push_back(s.message());
        return problems;
    }
    for (const std::string& w : ref.Warnings()) problems.push_back(w);

    std::vector<fs::path> files;
    std::error_code ec;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() == ".po" && entry.path().filename() != ref_file) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());   // stable report order

    for (const fs::path& path : files) {
        const std::string name = path.filename().string();
        Catalog c;
        if (Status s = c.LoadFile(path.string()); !s) {
            problems.push_back(s.message());
            continue;
        }
        for (const std::string& w : c.Warnings()) problems.push_back(w);
        const std::string prefix = "i18n: " + name + ": ";
        for (const auto& [key, ref_str] : ref.Entries()) {
            const auto it = c.Entries().find(key);
            if (it == c.Entries().end()) {
                problems.push_back(prefix + "missing msgid " + ShowKey(key));
                continue;
            }
            if (it->second.empty()) {
                problems.push_back(prefix + "empty msgstr for " + ShowKey(key));
                continue;
            }
            const std::set<std::string> want = Placeholders(ref_str.empty() ? MsgidOf(key) : ref_str);
            const std::set<std::string> got = Placeholders(it->second);
            if (want != got) {
                problems.push_back(prefix + "placeholders " + JoinSet(got) + " differ from the reference " +
                                   JoinSet(want) + " for " + ShowKey(key));
            }
        }
        for (const auto& [key, str] : c.Entries()) {
            if (ref.Entries().find(key) == ref.Entries().end()) {
                problems.push_back(prefix + "msgid " + ShowKey(key) + " is not in the reference " + ref_file);
            }
        }
    }
    return problems;
}

}  // namespace embassy::ui
