// Form buffers and their wiping. See form.hpp for why zeroing and releasing are separate steps.
#include "embassy/kiosk/form.hpp"

#include <sodium.h>

#include <cassert>
#include <initializer_list>

namespace embassy::kiosk {

const char* field_key(Field f) {
    switch (f) {
        case Field::given_name: return "given_name";
        case Field::family_name: return "family_name";
        case Field::country: return "country";
        case Field::city: return "city";
        case Field::email: return "email";
        case Field::phone: return "phone";
        case Field::typed_name: return "typed_name";
        case Field::count_: break;
    }
    assert(false && "field_key: not a field");
    return "";
}

std::size_t purpose_index(registry::Purpose p) {
    std::size_t i = static_cast<std::size_t>(p) - 1;  // purposes are numbered from 1
    assert(i < purpose_count);
    return i;
}

registry::Purpose purpose_at(std::size_t index) {
    assert(index < purpose_count);
    return static_cast<registry::Purpose>(index + 1);
}

void zero_in_place(std::string& s) {
    // Growing to the capacity never reallocates, and makes the bytes past size() (left over from
    // longer earlier contents) part of the string, so zeroing them is defined behaviour.
    s.resize(s.capacity());
    sodium_memzero(s.data(), s.size());
    s.clear();
}

void wipe(std::string& s) {
    zero_in_place(s);
    std::string().swap(s);  // swap, unlike shrink_to_fit, is guaranteed to give the buffer back
}

namespace {
void zero_stroke(registry::Stroke& stroke) {
    stroke.resize(stroke.capacity());  // as for strings: never reallocates, makes the tail ours
    sodium_memzero(stroke.data(), stroke.size() * sizeof(registry::StrokePoint));
    stroke.clear();
}
}  // namespace

void wipe(registry::Stroke& stroke) {
    zero_stroke(stroke);
    registry::Stroke().swap(stroke);
}

void zero_in_place(registry::Strokes& strokes) {
    for (auto& stroke : strokes) zero_stroke(stroke);
}

void wipe(registry::Strokes& strokes) {
    zero_in_place(strokes);
    registry::Strokes().swap(strokes);
}

void wipe(registry::Submission& s) {
    auto& r = s.registrant;
    for (auto* str : {&r.given_name, &r.family_name, &r.country, &r.city, &r.email, &r.phone,
                      &r.lang, &s.appeal_id, &s.appeal_lang, &s.typed_name})
        wipe(*str);
    wipe(s.strokes);
    for (auto& c : s.consents) wipe(c.lang);
    s.consents.clear();
    s.consents.shrink_to_fit();
}

namespace {
// Every buffer of a Form, listed once, so zeroing and wiping cannot cover different ones.
template <class Fn>
void for_each_entry_buffer(Form& f, Fn&& fn) {
    for (std::string* s : {&f.appeal_id, &f.consent_error, &f.signature_error}) fn(*s);
    for (auto& t : f.text) fn(t);
    for (auto& e : f.errors) fn(e);
    fn(f.strokes);
}
template <class Fn>
void for_each_buffer(Form& f, Fn&& fn) {
    fn(f.lang);
    for_each_entry_buffer(f, fn);
}
}  // namespace

void Form::zero_in_place() {
    for_each_buffer(*this, [](auto& buffer) { kiosk::zero_in_place(buffer); });
}

void Form::wipe_entries() {
    // wipe() zeroes each buffer in place before releasing it.
    for_each_entry_buffer(*this, [](auto& buffer) { kiosk::wipe(buffer); });
    consents = {};
    cannot_sign = false;
    typed_name_confirmed = false;
}

void Form::wipe() {
    wipe_entries();
    kiosk::wipe(lang);
}

bool Form::empty() const {
    for (const auto& t : text)
        if (!t.empty()) return false;
    for (bool c : consents)
        if (c) return false;
    return appeal_id.empty() && strokes.empty() && !cannot_sign && !typed_name_confirmed;
}

void AuthForm::wipe() {
    kiosk::wipe(passphrase);
    kiosk::wipe(confirm);
}

}  // namespace embassy::kiosk
