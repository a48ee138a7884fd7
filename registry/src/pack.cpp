// Appeal packs: validation, hashing, the signed binary format (docs/appeal-pack.md).
//
// Index of this file
//   [SECTION] Text checks: ids, language tags (UTF-8: text.hpp)
//   [SECTION] Validation
//   [SECTION] Hashes
//   [SECTION] Writer
//   [SECTION] Reader
//
// The reader is written for hostile input: the header is checked (magic, version, coordinator key,
// declared length equals the real length) and the signature verified before a single byte of the
// body is interpreted, and every length inside the body is compared with both its limit and the
// bytes actually left before anything is allocated for it.
#include "embassy/registry/pack.hpp"

#include "embassy/registry/text.hpp"
#include "embassy/registry/validate.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

namespace embassy::registry {

namespace {

constexpr char pack_magic[8] = {'E', 'M', 'B', 'P', 'A', 'C', 'K', '1'};
// 1: the first format. 2 adds a per-language addressee to each appeal text and the receipt
// instructions (list URL, withdrawal contact) per language. Readers take both; the writer writes 2
// unless asked for 1 (for kiosks not yet updated), which it refuses when the pack uses 2's fields.
constexpr std::uint16_t pack_version_min = 1;
constexpr std::string_view signature_domain = "embassy-appeal-pack-v1";

}  // namespace

// [SECTION] Text checks: ids, language tags (UTF-8: text.hpp)

bool pack_lang_allowed(std::string_view tag) {
    return is_supported_language(tag);  // validate.hpp keeps the one list
}

namespace {

bool id_valid(std::string_view id) {
    if (id.empty() || id.size() > pack_max_id) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

// Text shown on screen: valid UTF-8 and no control characters, except line breaks (and tabs) in
// multi-line texts. C1 controls (U+0080..U+009F, encoded C2 80..C2 9F) are refused as well: they
// have no business in an appeal and some terminals act on them.
const char* text_problem(std::string_view s, bool multiline) {
    if (!is_valid_utf8(s)) return "is not valid UTF-8";    // text.hpp: the one UTF-8 rule
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '\n' || c == '\t') {
            if (!multiline) return "contains a line break or tab";
            continue;
        }
        if (c < 0x20 || c == 0x7F) return "contains a control character";
        if (c == 0xC2 && i + 1 < s.size()) {
            const auto d = static_cast<unsigned char>(s[i + 1]);
            if (d >= 0x80 && d <= 0x9F) return "contains a control character";
        }
    }
    return nullptr;
}

// Safe to echo in a message: short and only letters, digits and '-'.
bool simple_tag(std::string_view s) {
    return !s.empty() && s.size() <= 16 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string q(std::string_view s) { return "'" + std::string(s) + "'"; }

// The published list's address: an absolute http(s) URL a phone opens from the QR code, with no
// fragment of its own (the code goes there) and nothing a QR reader would split at.
const char* list_url_problem(std::string_view url) {
    if (url.empty()) return "is empty";
    if (url.size() > pack_max_list_url) return "is longer than 512 bytes";
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return "must start with https:// or http://";
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F) return "must be plain ASCII without spaces (percent-encode the rest)";
        if (c == '#') return "must not hold '#': the receipt code is appended as the fragment";
    }
    return nullptr;
}

bool uses_v2(const AppealPack& pack) {
    if (!pack.receipts.empty()) return true;
    for (const auto& a : pack.appeals)
        for (const auto& t : a.texts)
            if (!t.addressee.empty()) return true;
    return false;
}

}  // namespace

std::string receipt_check_url(const ReceiptInfo& info, std::string_view code) {
    return info.list_url + "#" + std::string(code);
}

// [SECTION] Validation

Status pack_validate(const AppealPack& pack) {
    const std::string where = "appeal pack";
    if (!id_valid(pack.pack_id))
        return make_error(where + ": pack id must be 1-64 characters of a-z, 0-9 and '-'");
    if (pack.languages.empty()) return make_error(where + ": declares no languages");
    if (pack.languages.size() > pack_max_languages) return make_error(where + ": too many languages");
    std::set<std::string_view> langs;
    for (const auto& l : pack.languages) {
        if (!pack_lang_allowed(l))
            return make_error(where + ": language " + (simple_tag(l) ? q(l) : "tag") +
                              " is not one of " + supported_languages_text());
        if (!langs.insert(l).second) return make_error(where + ": language " + q(l) + " declared twice");
    }
    if (pack.appeals.empty()) return make_error(where + ": holds no appeals");
    if (pack.appeals.size() > pack_max_appeals)
        return make_error(where + ": too many appeals (" + std::to_string(pack.appeals.size()) + ", at most 64)");

    std::set<std::string_view> appeal_ids;
    for (const auto& a : pack.appeals) {
        if (!id_valid(a.id)) return make_error(where + ": appeal id must be 1-64 characters of a-z, 0-9 and '-'");
        const std::string aw = where + ": appeal " + q(a.id);
        if (!appeal_ids.insert(a.id).second) return make_error(aw + " appears twice");
        if (a.version == 0) return make_error(aw + ": version must be at least 1");
        if (a.addressee.size() > pack_max_addressee) return make_error(aw + ": addressee longer than 1 KiB");
        if (const char* p = text_problem(a.addressee, false)) return make_error(aw + ": addressee " + p);
        if (a.texts.size() > pack_max_languages) return make_error(aw + ": too many texts");
        std::set<std::string_view> seen;
        for (const auto& t : a.texts) {
            if (!langs.count(t.lang))
                return make_error(aw + " has a text in a language the pack does not declare" +
                                  (pack_lang_allowed(t.lang) ? " (" + q(t.lang) + ")" : std::string()));
            if (!seen.insert(t.lang).second) return make_error(aw + " has two texts for language " + q(t.lang));
            const std::string tw = aw + " [" + t.lang + "]";
            if (t.title.empty()) return make_error(tw + ": title is empty");
            if (t.title.size() > pack_max_title) return make_error(tw + ": title longer than 1 KiB");
            if (const char* p = text_problem(t.title, false)) return make_error(tw + ": title " + p);
            if (t.body.empty()) return make_error(tw + ": body is empty");
            if (t.body.size() > pack_max_body) return make_error(tw + ": body longer than 64 KiB");
            if (const char* p = text_problem(t.body, true)) return make_error(tw + ": body " + p);
            if (t.addressee.size() > pack_max_addressee) return make_error(tw + ": addressee longer than 1 KiB");
            if (const char* p = text_problem(t.addressee, false)) return make_error(tw + ": addressee " + p);
        }
        for (const auto& l : pack.languages)
            if (!seen.count(l)) return make_error(aw + " has no text for language " + q(l));
    }

    if (pack.consents.size() > pack_max_consents) return make_error(where + ": too many consent texts");
    std::set<std::pair<int, std::string_view>> consent_keys;
    std::set<int> purposes;
    for (const auto& c : pack.consents) {
        const auto pv = static_cast<std::uint8_t>(c.purpose);
        if (!purpose_known(pv)) return make_error(where + ": consent text with unknown purpose " + std::to_string(pv));
        const std::string cw = where + ": consent " + purpose_name(c.purpose);
        if (!langs.count(c.lang))
            return make_error(cw + " has a text in a language the pack does not declare" +
                              (pack_lang_allowed(c.lang) ? " (" + q(c.lang) + ")" : std::string()));
        if (!consent_keys.insert({pv, c.lang}).second)
            return make_error(cw + " has two texts for language " + q(c.lang));
        if (c.version == 0) return make_error(cw + ": version must be at least 1");
        if (c.text.empty()) return make_error(cw + " [" + c.lang + "]: text is empty");
        if (c.text.size() > pack_max_consent) return make_error(cw + " [" + c.lang + "]: text longer than 16 KiB");
        if (const char* p = text_problem(c.text, true)) return make_error(cw + " [" + c.lang + "]: text " + p);
        purposes.insert(pv);
    }
    // sign_appeal is required; any other purpose, once offered, must be offered in every language,
    // so that what a person may consent to never depends on the language they picked.
    purposes.insert(static_cast<int>(Purpose::sign_appeal));
    for (int pv : purposes)
        for (const auto& l : pack.languages)
            if (!consent_keys.count({pv, l}))
                return make_error(where + ": consent " + purpose_name(static_cast<Purpose>(pv)) +
                                  " has no text for language " + q(l));

    // Receipt instructions: none, or one per declared language, so every signer learns where to
    // check and whom to ask, whatever language they chose.
    if (pack.receipts.size() > pack_max_languages) return make_error(where + ": too many receipt entries");
    std::set<std::string_view> receipt_langs;
    for (const auto& r : pack.receipts) {
        if (!langs.count(r.lang))
            return make_error(where + ": receipt instructions in a language the pack does not declare" +
                              (pack_lang_allowed(r.lang) ? " (" + q(r.lang) + ")" : std::string()));
        const std::string rw = where + ": receipt [" + r.lang + "]";
        if (!receipt_langs.insert(r.lang).second) return make_error(rw + " is given twice");
        if (const char* p = list_url_problem(r.list_url)) return make_error(rw + ": list_url " + p);
        if (r.withdraw_contact.empty()) return make_error(rw + ": withdraw_contact is empty");
        if (r.withdraw_contact.size() > pack_max_contact) return make_error(rw + ": withdraw_contact longer than 512 bytes");
        if (const char* p = text_problem(r.withdraw_contact, false)) return make_error(rw + ": withdraw_contact " + p);
    }
    if (!pack.receipts.empty())
        for (const auto& l : pack.languages)
            if (!receipt_langs.count(l)) return make_error(where + ": receipt instructions missing for language " + q(l));
    return {};
}

// [SECTION] Hashes
//
// Each hash covers a canonical encoding in which every variable-length field carries its length, so
// two different objects can never encode to the same bytes; each kind has its own domain string.

namespace {

void put_str(Bytes& out, std::string_view s) {
    put_u32(out, static_cast<std::uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
}

}  // namespace

Hash appeal_text_hash(const Appeal& appeal, const AppealText& text) {
    Bytes b;
    put_str(b, appeal.id);
    put_u32(b, appeal.version);
    put_str(b, text.lang);
    put_str(b, text.title);
    put_str(b, text.body);
    // The addressee in the signer's language is part of what they read and sign. Texts without one
    // keep the v1 hash, so signatures on packs of format 1 still match their texts.
    if (text.addressee.empty()) return hash_of("embassy-appeal-text-v1", {b});
    put_str(b, text.addressee);
    return hash_of("embassy-appeal-text-v2", {b});
}

Hash appeal_content_hash(const Appeal& appeal) {
    // Over id, version, addressee and every text's hash in language-tag order, so the order in which
    // texts happen to be listed does not change it.
    std::vector<std::pair<std::string_view, Hash>> parts;
    parts.reserve(appeal.texts.size());
    for (const auto& t : appeal.texts) parts.emplace_back(t.lang, appeal_text_hash(appeal, t));
    std::sort(parts.begin(), parts.end());
    Bytes b;
    put_str(b, appeal.id);
    put_u32(b, appeal.version);
    put_str(b, appeal.addressee);
    put_u32(b, static_cast<std::uint32_t>(parts.size()));
    for (const auto& [lang, h] : parts) {
        put_str(b, lang);
        b.insert(b.end(), h.begin(), h.end());
    }
    return hash_of("embassy-appeal-content-v1", {b});
}

Hash consent_text_hash(const ConsentText& consent) {
    Bytes b;
    b.push_back(static_cast<std::uint8_t>(consent.purpose));
    put_u32(b, consent.version);
    put_str(b, consent.lang);
    put_str(b, consent.text);
    return hash_of("embassy-consent-text-v1", {b});
}

void compute_pack_hashes(AppealPack& pack) {
    for (auto& a : pack.appeals) {
        for (auto& t : a.texts) t.hash = appeal_text_hash(a, t);
        a.content_hash = appeal_content_hash(a);
    }
    for (auto& c : pack.consents) c.hash = consent_text_hash(c);
}

// [SECTION] Writer

namespace {

void put_u8_str(Bytes& out, std::string_view s) {
    out.push_back(static_cast<std::uint8_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
}
void put_u16_str(Bytes& out, std::string_view s) {
    put_u16(out, static_cast<std::uint16_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
}

Bytes encode_body(const AppealPack& pack, std::uint16_t version) {
    Bytes b;
    put_u8_str(b, pack.pack_id);
    put_u64(b, pack.created_unix);
    b.push_back(static_cast<std::uint8_t>(pack.languages.size()));
    for (const auto& l : pack.languages) put_u8_str(b, l);
    put_u16(b, static_cast<std::uint16_t>(pack.appeals.size()));
    for (const auto& a : pack.appeals) {
        put_u8_str(b, a.id);
        put_u32(b, a.version);
        put_u16_str(b, a.addressee);
        b.push_back(static_cast<std::uint8_t>(a.texts.size()));
        for (const auto& t : a.texts) {
            put_u8_str(b, t.lang);
            put_u16_str(b, t.title);
            put_str(b, t.body);
            if (version >= 2) put_u16_str(b, t.addressee);
        }
    }
    put_u16(b, static_cast<std::uint16_t>(pack.consents.size()));
    for (const auto& c : pack.consents) {
        b.push_back(static_cast<std::uint8_t>(c.purpose));
        put_u32(b, c.version);
        put_u8_str(b, c.lang);
        put_str(b, c.text);
    }
    if (version >= 2) {
        b.push_back(static_cast<std::uint8_t>(pack.receipts.size()));
        for (const auto& r : pack.receipts) {
            put_u8_str(b, r.lang);
            put_u16_str(b, r.list_url);
            put_u16_str(b, r.withdraw_contact);
        }
    }
    return b;
}

Bytes signed_message(std::span<const std::uint8_t> header_and_body) {
    // resize + memcpy rather than insert: g++ 12 emits a false -Wstringop-overflow for the latter.
    Bytes m(signature_domain.size() + header_and_body.size());
    std::memcpy(m.data(), signature_domain.data(), signature_domain.size());
    if (!header_and_body.empty())
        std::memcpy(m.data() + signature_domain.size(), header_and_body.data(), header_and_body.size());
    return m;
}

}  // namespace

Result<Bytes> pack_write(const AppealPack& pack_in, const SecretBytes& coordinator_sign_secret,
                         std::uint16_t version) {
    crypto_init();
    if (version < pack_version_min || version > pack_format_version)
        return make_error("appeal pack: cannot write format version " + std::to_string(version) + " (1 or 2)");
    if (coordinator_sign_secret.size() != crypto_sign_SECRETKEYBYTES)
        return make_error("appeal pack: the coordinator signing key has the wrong size");
    // Packs built in code before `languages` existed declare the first appeal's languages.
    AppealPack derived;
    const AppealPack* pack_ptr = &pack_in;
    if (pack_in.languages.empty() && !pack_in.appeals.empty()) {
        derived = pack_in;
        for (const auto& t : derived.appeals.front().texts) derived.languages.push_back(t.lang);
        pack_ptr = &derived;
    }
    const AppealPack& pack = *pack_ptr;
    if (auto st = pack_validate(pack); !st) return st.error();
    if (version < 2 && uses_v2(pack))
        return make_error("appeal pack: format 1 has no receipt instructions or per-language addressees; write format 2");
    const Bytes body = encode_body(pack, version);
    if (body.size() > pack_max_body_section) return make_error("appeal pack: body larger than 16 MiB");

    Bytes out;
    out.reserve(pack_header_size + body.size() + pack_signature_size);
    out.insert(out.end(), std::begin(pack_magic), std::end(pack_magic));
    put_u16(out, version);
    put_u16(out, 0);  // flags: none defined; readers refuse anything else
    // The Ed25519 secret key's second half is its public key (libsodium layout).
    out.insert(out.end(), coordinator_sign_secret.data() + 32, coordinator_sign_secret.data() + 64);
    put_u32(out, static_cast<std::uint32_t>(body.size()));
    out.insert(out.end(), body.begin(), body.end());

    const Bytes msg = signed_message(out);
    std::uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), coordinator_sign_secret.data());
    out.insert(out.end(), std::begin(sig), std::end(sig));
    return out;
}

// [SECTION] Reader

namespace {

// A cursor over the verified body. Every read checks the bytes left first; strings are checked
// against their limit and the bytes left before a std::string is built.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> data) : d_(data) {}
    std::size_t left() const { return d_.size() - pos_; }
    std::size_t pos() const { return pos_; }

    bool u8(std::uint8_t& v) {
        if (left() < 1) return false;
        v = d_[pos_++];
        return true;
    }
    bool u16(std::uint16_t& v) {
        if (left() < 2) return false;
        v = get_u16(d_.data() + pos_);
        pos_ += 2;
        return true;
    }
    bool u32(std::uint32_t& v) {
        if (left() < 4) return false;
        v = get_u32(d_.data() + pos_);
        pos_ += 4;
        return true;
    }
    bool u64(std::uint64_t& v) {
        if (left() < 8) return false;
        v = get_u64(d_.data() + pos_);
        pos_ += 8;
        return true;
    }
    // Length already read by the caller; returns an error text or nullptr.
    const char* str(std::size_t len, std::size_t limit, std::string& out) {
        if (len > limit) return "exceeds its limit";
        if (len > left()) return "runs past the end of the body";
        out.assign(reinterpret_cast<const char*>(d_.data() + pos_), len);  // NOLINT
        pos_ += len;
        return nullptr;
    }

private:
    std::span<const std::uint8_t> d_;
    std::size_t pos_ = 0;
};

Error truncated(const Reader& r, const char* what) {
    return make_error("appeal pack: body ends inside " + std::string(what) + " at offset " + std::to_string(r.pos()));
}
Error bad_str(const Reader& r, const char* what, const char* why) {
    return make_error("appeal pack: " + std::string(what) + " at offset " + std::to_string(r.pos()) + " " + why);
}

#define EMBASSY_READ(call, what) \
    do {                         \
        if (!(call)) return truncated(r, what); \
    } while (0)

Result<AppealPack> parse_body(std::span<const std::uint8_t> body, std::uint16_t version) {
    Reader r(body);
    AppealPack pack;
    std::uint8_t n8 = 0;
    std::uint16_t n16 = 0;
    std::uint32_t n32 = 0;

    EMBASSY_READ(r.u8(n8), "the pack id");
    if (const char* e = r.str(n8, pack_max_id, pack.pack_id)) return bad_str(r, "pack id", e);
    EMBASSY_READ(r.u64(pack.created_unix), "the creation time");

    EMBASSY_READ(r.u8(n8), "the language list");
    if (n8 > pack_max_languages) return make_error("appeal pack: declares too many languages");
    pack.languages.resize(n8);
    for (auto& l : pack.languages) {
        std::uint8_t len = 0;
        EMBASSY_READ(r.u8(len), "a language tag");
        if (const char* e = r.str(len, 16, l)) return bad_str(r, "language tag", e);
    }

    EMBASSY_READ(r.u16(n16), "the appeal count");
    if (n16 > pack_max_appeals) return make_error("appeal pack: claims " + std::to_string(n16) + " appeals, at most 64");
    pack.appeals.resize(n16);
    for (auto& a : pack.appeals) {
        EMBASSY_READ(r.u8(n8), "an appeal id");
        if (const char* e = r.str(n8, pack_max_id, a.id)) return bad_str(r, "appeal id", e);
        EMBASSY_READ(r.u32(a.version), "an appeal version");
        EMBASSY_READ(r.u16(n16), "an addressee");
        if (const char* e = r.str(n16, pack_max_addressee, a.addressee)) return bad_str(r, "addressee", e);
        EMBASSY_READ(r.u8(n8), "a text count");
        if (n8 > pack_max_languages) return make_error("appeal pack: an appeal claims too many texts");
        a.texts.resize(n8);
        for (auto& t : a.texts) {
            std::uint8_t len = 0;
            EMBASSY_READ(r.u8(len), "a text language");
            if (const char* e = r.str(len, 16, t.lang)) return bad_str(r, "text language", e);
            EMBASSY_READ(r.u16(n16), "a title");
            if (const char* e = r.str(n16, pack_max_title, t.title)) return bad_str(r, "title", e);
            EMBASSY_READ(r.u32(n32), "an appeal body");
            if (const char* e = r.str(n32, pack_max_body, t.body)) return bad_str(r, "appeal body", e);
            if (version >= 2) {
                EMBASSY_READ(r.u16(n16), "a text's addressee");
                if (const char* e = r.str(n16, pack_max_addressee, t.addressee)) return bad_str(r, "text addressee", e);
            }
        }
    }

    EMBASSY_READ(r.u16(n16), "the consent count");
    if (n16 > pack_max_consents) return make_error("appeal pack: claims too many consent texts");
    pack.consents.resize(n16);
    for (auto& c : pack.consents) {
        EMBASSY_READ(r.u8(n8), "a consent purpose");
        if (!purpose_known(n8)) return make_error("appeal pack: consent text with unknown purpose " + std::to_string(n8));
        c.purpose = static_cast<Purpose>(n8);
        EMBASSY_READ(r.u32(c.version), "a consent version");
        EMBASSY_READ(r.u8(n8), "a consent language");
        if (const char* e = r.str(n8, 16, c.lang)) return bad_str(r, "consent language", e);
        EMBASSY_READ(r.u32(n32), "a consent text");
        if (const char* e = r.str(n32, pack_max_consent, c.text)) return bad_str(r, "consent text", e);
    }
    if (version >= 2) {
        EMBASSY_READ(r.u8(n8), "the receipt instructions");
        if (n8 > pack_max_languages) return make_error("appeal pack: claims too many receipt entries");
        pack.receipts.resize(n8);
        for (auto& rc : pack.receipts) {
            EMBASSY_READ(r.u8(n8), "a receipt language");
            if (const char* e = r.str(n8, 16, rc.lang)) return bad_str(r, "receipt language", e);
            EMBASSY_READ(r.u16(n16), "a receipt list URL");
            if (const char* e = r.str(n16, pack_max_list_url, rc.list_url)) return bad_str(r, "receipt list URL", e);
            EMBASSY_READ(r.u16(n16), "a withdrawal contact");
            if (const char* e = r.str(n16, pack_max_contact, rc.withdraw_contact)) return bad_str(r, "withdrawal contact", e);
        }
    }
    if (r.left() != 0)
        return make_error("appeal pack: " + std::to_string(r.left()) + " unexpected bytes after the " +
                          (version >= 2 ? "receipt instructions" : "consent texts"));
    return pack;
}

#undef EMBASSY_READ

}  // namespace

Result<AppealPack> pack_read(std::span<const std::uint8_t> file, const SignPublicKey& coordinator) {
    crypto_init();
    // 1. Header, without trusting anything in it beyond what is checked here.
    if (file.size() < pack_header_size + pack_signature_size)
        return make_error("appeal pack: truncated (" + std::to_string(file.size()) + " bytes, a pack has at least " +
                          std::to_string(pack_header_size + pack_signature_size) + ")");
    if (std::memcmp(file.data(), pack_magic, sizeof pack_magic) != 0)
        return make_error("appeal pack: not an appeal pack (bad magic)");
    const std::uint16_t version = get_u16(file.data() + 8);
    if (version < pack_version_min || version > pack_format_version)
        return make_error("appeal pack: unsupported format version " + std::to_string(version) +
                          " (this build reads 1 and 2; a newer kiosk is needed)");
    if (get_u16(file.data() + 10) != 0) return make_error("appeal pack: unknown flags set in the header");
    SignPublicKey embedded{};
    std::memcpy(embedded.data(), file.data() + 12, embedded.size());
    if (sodium_memcmp(embedded.data(), coordinator.data(), embedded.size()) != 0)
        return make_error("appeal pack: signed by another coordinator (fingerprint " + fingerprint(embedded) +
                          ", expected " + fingerprint(coordinator) + ")");
    const std::uint32_t body_len = get_u32(file.data() + 44);
    if (body_len > pack_max_body_section)
        return make_error("appeal pack: header claims a body of " + std::to_string(body_len) +
                          " bytes, more than the 16 MiB limit");
    const std::size_t expected = pack_header_size + std::size_t{body_len} + pack_signature_size;
    if (file.size() != expected)
        return make_error("appeal pack: file is " + std::to_string(file.size()) + " bytes, header says " +
                          std::to_string(expected) + " (truncated or padded)");

    // 2. Signature, before the body is looked at. The copy is bounded by the file already in memory.
    const auto signed_part = file.first(pack_header_size + body_len);
    const Bytes msg = signed_message(signed_part);
    if (crypto_sign_verify_detached(file.data() + pack_header_size + body_len, msg.data(), msg.size(),
                                    coordinator.data()) != 0)
        return make_error("appeal pack: signature does not verify against coordinator " + fingerprint(coordinator));

    // 3. Parse and validate the (now authentic) body; a coordinator's tool bug must still not crash us.
    auto parsed = parse_body(file.subspan(pack_header_size, body_len), version);
    if (!parsed) return parsed.error();
    AppealPack pack = std::move(parsed).value();
    if (auto st = pack_validate(pack); !st) return st.error();
    compute_pack_hashes(pack);
    pack.pack_hash = hash_of("embassy-appeal-pack-hash-v1", {signed_part});
    return pack;
}

}  // namespace embassy::registry
