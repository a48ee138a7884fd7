// Message catalogs in gettext .po format, loaded at run time so translators can edit them
// without recompiling. One catalog per language tag ("be", "ru", "en", "pl", "lt", "uk", "de").
//
// Supported .po subset: '#' comment lines (flags such as "#, fuzzy" are ignored: the entry is
// used as written), msgctxt (optional), msgid, msgstr, strings continued over several "..."
// lines, escapes \n \t \r \" \\. msgid_plural/msgstr[N] are accepted and msgstr[0] is used for
// the singular; real plural selection is not supported. Placeholders are {name}; "{{" and "}}"
// stand for literal braces.
#pragma once

#include "embassy/result.hpp"

#include <cstddef>
#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace embassy::ui {

inline constexpr std::size_t kCatalogMaxFileBytes = 1024 * 1024;   // checked before reading
inline constexpr std::size_t kCatalogMaxStringBytes = 16 * 1024;   // per msgid/msgstr/msgctxt

class Catalog {
public:
    // Parses a .po file. On failure the message is one line saying what and where
    // ("i18n: de.po:12: unterminated string") and the catalog is left empty.
    Status LoadFile(const std::string& path);
    // Parses .po text; `name` is used in error messages.
    Status LoadText(std::string_view text, std::string_view name);

    // The translation of msgid, or msgid itself when it is missing or its msgstr is empty.
    // The pointer stays valid as long as the catalog is not reloaded or destroyed.
    const char* tr(std::string_view msgid) const;
    const char* tr(std::string_view context, std::string_view msgid) const;   // with msgctxt
    bool Has(std::string_view msgid) const;

    // Raw msgstr of every non-header entry, keyed by msgid (prefixed "ctx\x04" with a msgctxt).
    const std::map<std::string, std::string, std::less<>>& Entries() const { return entries_; }
    // Problems that do not stop loading (duplicate msgid: the last one wins).
    const std::vector<std::string>& Warnings() const { return warnings_; }
    // The "Language:" field of the header entry, if any.
    const std::string& Language() const { return language_; }
    std::size_t size() const { return entries_.size(); }

private:
    const char* Lookup(const std::string& key, std::string_view msgid) const;

    std::map<std::string, std::string, std::less<>> entries_;
    std::vector<std::string> warnings_;
    std::string language_;
    // Missing msgids handed out by tr(): string_view need not be NUL-terminated, so we keep a
    // NUL-terminated copy. Node-based, so pointers stay valid as it grows (bounded by the
    // number of distinct strings in the program).
    mutable std::set<std::string, std::less<>> fallback_;
};

class Catalogs {
public:
    // Loads every <lang>.po in dir (lang = file name without ".po"). Files that fail to parse are
    // skipped and reported in *errors. Returns the number of catalogs loaded.
    std::size_t LoadDirectory(const std::string& dir, std::vector<std::string>* errors = nullptr);

    const Catalog* Find(std::string_view lang) const;
    std::vector<std::string> Languages() const;
    // Selects the catalog tr() uses; returns false (and keeps the current one) for an unknown tag.
    bool SetCurrent(std::string_view lang);
    const std::string& Current() const { return current_; }

    // Translation in the current language; msgid itself when there is no current catalog.
    const char* tr(std::string_view msgid) const;
    const char* tr(std::string_view context, std::string_view msgid) const;

private:
    std::map<std::string, std::unique_ptr<Catalog>, std::less<>> catalogs_;
    std::string current_;
    const Catalog* current_catalog_ = nullptr;
    Catalog empty_;
};

// Substitutes {name} placeholders: Format("Signed {n} of {total}", {{"n", "3"}, {"total", "5"}}).
// Unknown placeholders are left as written; "{{" and "}}" become "{" and "}".
std::string Format(std::string_view pattern,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> args);

// The set of placeholder names in a pattern ({a} {b} {a} -> {a, b}).
std::set<std::string> Placeholders(std::string_view pattern);

// Checks every <lang>.po in dir against <reference_lang>.po and returns one line per problem:
// a file that does not parse, a reference msgid missing from a catalog, an empty msgstr, a
// placeholder set differing from the reference's (its msgstr, or its msgid when msgstr is empty),
// an msgid absent from the reference, and load warnings. Empty result = all catalogs complete.
std::vector<std::string> CheckCatalogs(const std::string& dir, const std::string& reference_lang);

}  // namespace embassy::ui
