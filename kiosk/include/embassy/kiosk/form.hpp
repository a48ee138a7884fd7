// The buffers one registrant fills in, and the routines that wipe them.
//
// Every buffer that ever holds personal data or a passphrase is wiped in two steps: zero it in place
// (the whole capacity, not just the current size, because an edited string may have been longer
// before), then release the allocation. The two steps are separate functions so a test can check the
// first one on the very bytes that held a canary before the allocator gets them back.
#pragma once

#include "embassy/registry/model.hpp"

#include <array>
#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>

namespace embassy::kiosk {

// Fields with a validation message. The order is the order on screen.
enum class Field : std::uint8_t {
    given_name, family_name, country, city, email, phone,  // Details screen
    typed_name,                                            // Sign screen, "I cannot sign on screen"
    count_
};
inline constexpr std::size_t field_count = static_cast<std::size_t>(Field::count_);
const char* field_key(Field f);  // "given_name", ...: the middle part of message keys "error.<key>.*"

// The four consent purposes, as indices into Form::consents.
inline constexpr std::size_t purpose_count = 4;
std::size_t purpose_index(registry::Purpose p);  // sign_appeal → 0, ...
registry::Purpose purpose_at(std::size_t index);

// Zero a string's whole buffer in place (size becomes 0, the allocation is kept).
void zero_in_place(std::string& s);
// Zero in place, then give the allocation back.
void wipe(std::string& s);
void wipe(registry::Stroke& stroke);
void zero_in_place(registry::Strokes& strokes);
void wipe(registry::Strokes& strokes);
void wipe(registry::Submission& s);  // for the app: its copy in the Submit effect

// What one registrant has entered. Plain members so the screens can bind Dear ImGui widgets to them
// directly (ImGui::InputText with imgui_stdlib, ImGui::Checkbox on consents[i]).
struct Form {
    registry::LangTag lang;           // the language chosen on Welcome
    std::string appeal_id;            // the appeal being signed
    std::array<std::string, field_count> text{};  // indexed by Field
    std::array<bool, purpose_count> consents{};   // all unticked by default
    registry::Strokes strokes;        // drawn signature, on the kCanvasWidth x kCanvasHeight canvas (strokes.hpp)
    bool cannot_sign = false;         // "I cannot sign on screen" chosen
    bool typed_name_confirmed = false;
    std::array<std::string, field_count> errors{};  // message key per field, empty = fine
    std::string consent_error;        // message key about consents, empty = fine
    std::string signature_error;      // message key about the signature, empty = fine

    std::string& operator[](Field f) { return text[static_cast<std::size_t>(f)]; }
    const std::string& operator[](Field f) const { return text[static_cast<std::size_t>(f)]; }
    bool& consent(registry::Purpose p) { return consents[purpose_index(p)]; }
    bool consent(registry::Purpose p) const { return consents[purpose_index(p)]; }
    std::string& error(Field f) { return errors[static_cast<std::size_t>(f)]; }
    const std::string& error(Field f) const { return errors[static_cast<std::size_t>(f)]; }

    void zero_in_place();  // zero every buffer, keep allocations (for tests of the wipe)
    void wipe();           // zero every buffer, release them, reset every flag
    void wipe_entries();   // the same for everything but lang (the receipt keeps the signer's language)
    bool empty() const;    // nothing of a registrant left (lang aside)
};

// Volunteer secrets typed on Setup, Unlock and re-authentication screens.
struct AuthForm {
    std::string passphrase;
    std::string confirm;   // Setup only
    void wipe();
};

}  // namespace embassy::kiosk
