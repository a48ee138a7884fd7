// Deduplication keys for the coordinator. Records are matched by looking keys up in an index,
// never by comparing records pairwise, so a key must map every spelling of one person's name to
// the same string: Cyrillic (Belarusian, Russian, Ukrainian), Łacinka, passport and BGN
// transliterations, Polish-style spellings, any case and diacritics.
//
// How (matchkey.cpp): (1) every letter becomes plain ASCII with our own Cyrillic and Łacinka
// tables (other scripts go through ICU "Any-Latin" first); (2) each word is read into a compact
// skeleton of sound classes: softness and iotation are dropped however written (ля/la/lia/lja,
// Марыя/Mariia/Maryja), a glide between vowels goes (-ая/-aia/-a), o/e/я merge (akanie,
// jakanie), г/х/ч merge (h, g, kh, ch, cz, č), ш/щ/ж (sh, sz, š, shch, szcz, sch, zh, ž, ż), ц/т
// (ts, c, ć: tsekanne), дз/д, з/с, w/v/ŭ and u after a vowel (ou/aŭ/ov), doubled letters collapse,
// a z reads as ц in a name written the German way (Duden: "sch", no c or ts; Schewzow = Шевцов),
// -ij/-y/-i endings fold; (3) a short table joins given-name forms that no rule reaches
// (Яўген/Евгений, Пятро/Пётр, Вольга/Ольга, ...). A patronymic after the first word of a field is
// left out, and given and family name order does not matter. Measured in
// docs/coordinator-guide.md ("How names are matched, and how well").
#pragma once

#include <string>
#include <string_view>

namespace embassy::registry {

// The rule's version. Registries store the keys they computed (the coordinator's members table), so
// any change to what name_match_key returns for any input must raise this: an existing registry
// then rebuilds its stored keys when it is next opened (sync/dedupe.hpp, rebuild_match_keys).
//   1  the first rule (schema 1)
//   2  softness and iotation, a/o/e, ц/т, дз/д, ж/ш, s/z, ў/u/w folded; patronymics dropped
//   3  a z in a German-written name reads as ц
inline constexpr int name_match_key_version = 3;

// "<skeleton>|<skeleton>" of the two fields in sorted order; "" when neither has a letter
// (such a record must not be matched on name).
std::string name_match_key(std::string_view given, std::string_view family);

// The skeleton of one field (words separated by single spaces); exposed for tests and tools.
std::string name_skeleton(std::string_view field);

// Trimmed, lower-cased email with a "+tag" removed from the local part; "" for an empty or
// unusable address.
std::string contact_match_key_email(std::string_view email);

// The looser second key (coord duplicates --review): from a name key, each word's consonants
// only, with s/z/ts/c/t as one letter, and a word-final vowel kept as a mark (so Ян/Яна and
// Іваноў/Іванова stay apart). Two members with different name keys but one loose key are listed
// for a person to decide; nothing is merged on it. "" when no consonant is left.
std::string name_loose_key(std::string_view name_key);

// Digits only, "+" kept for an international number ("00" prefix read as "+"); "" for fewer
// than 6 digits.
std::string contact_match_key_phone(std::string_view phone);

}  // namespace embassy::registry
