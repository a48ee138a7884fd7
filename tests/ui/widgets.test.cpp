#include "support/imgui_harness.hpp"

#include "embassy/ui/theme.hpp"
#include "embassy/ui/widgets.hpp"

#include <catch2/catch_test_macros.hpp>

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

using embassy::ui::test::ImGuiHarness;

// [SECTION] Input-state wipe

namespace {

// Every block ImGui allocates, so the test can search all of ImGui's memory for a typed string.
struct Tracker {
    std::map<void*, std::size_t> live;
    std::vector<std::string> needles;
    bool scan_frees = false;
    int canary_in_freed_block = 0;
};
Tracker* g_tracker = nullptr;

bool Contains(const void* data, std::size_t size, const std::string& needle) {
    const auto* begin = static_cast<const char*>(data);
    return std::search(begin, begin + size, needle.begin(), needle.end()) != begin + size;
}

void* TrackedAlloc(std::size_t size, void*) {
    void* p = std::malloc(size);
    if (g_tracker != nullptr && p != nullptr) g_tracker->live[p] = size;
    return p;
}

void TrackedFree(void* p, void*) {
    if (p == nullptr) return;
    if (g_tracker != nullptr) {
        const auto it = g_tracker->live.find(p);
        if (it != g_tracker->live.end()) {
            if (g_tracker->scan_frees) {
                for (const std::string& n : g_tracker->needles) {
                    if (Contains(p, it->second, n)) ++g_tracker->canary_in_freed_block;
                }
            }
            g_tracker->live.erase(it);
        }
    }
    std::free(p);
}

// How many live ImGui allocations contain any of the needles.
int CountInLiveMemory() {
    int hits = 0;
    for (const auto& [p, size] : g_tracker->live) {
        for (const std::string& n : g_tracker->needles) {
            if (Contains(p, size, n)) ++hits;
        }
    }
    return hits;
}


}  // namespace

TEST_CASE("WipeInputState leaves no trace of typed text in ImGui's memory", "[ui][privacy]") {
    Tracker tracker;
    // "Kusь1987": the canary as UTF-8, and as ImGui's UTF-16 edit buffer holds it.
    const std::string canary_utf8 = "Kus\xD1\x8C" "1987";
    const std::string canary_utf16("K\0u\0s\0\x4C\x04" "1\0" "9\0" "8\0" "7\0", 16);
    tracker.needles = {canary_utf8, canary_utf16, "Kus"};
    g_tracker = &tracker;
    ImGui::SetAllocatorFunctions(TrackedAlloc, TrackedFree, nullptr);
    {
        ImGuiHarness h;
        ImGuiIO& io = ImGui::GetIO();
        std::string name;
        bool show_form = true;
        bool focus = true;
        auto body = [&] {
            if (!show_form) {
                ImGui::TextUnformatted("Welcome");
                return;
            }
            if (focus) ImGui::SetKeyboardFocusHere();
            focus = false;
            embassy::ui::InputTextLarge("Family name##family", name, 64);
        };
        h.Frame(body);
        h.Frame(body);
        REQUIRE(ImGui::GetActiveID() != 0);   // the field is being edited

        io.AddInputCharactersUTF8(canary_utf8.c_str());
        h.Frame(body);
        REQUIRE(name == canary_utf8);
        // Select all and delete: the text moves into stb_textedit's undo history.
        io.KeyCtrl = true;
        io.KeysDown['A'] = true;
        h.Frame(body);
        io.KeysDown['A'] = false;
        io.KeyCtrl = false;
        io.KeysDown[8] = true;
        h.Frame(body);
        io.KeysDown[8] = false;
        h.Frame(body);
        REQUIRE(name.empty());
        // The app formats the text somewhere too (review screen).
        h.Frame([&] { ImGui::Text("Family name: %s", canary_utf8.c_str()); });

        // The registrant leaves: the form is gone from the screen, but ImGui still remembers.
        show_form = false;
        embassy::ui::WipeString(name);
        h.Frame(body);
        h.Frame(body);
        REQUIRE(CountInLiveMemory() > 0);   // the test can see the leak it guards against

        tracker.scan_frees = true;
        embassy::ui::WipeInputState();
        tracker.scan_frees = false;
        CHECK(CountInLiveMemory() == 0);
        CHECK(tracker.canary_in_freed_block == 0);   // wiped before it went back to the heap
        CHECK(ImGui::GetActiveID() == 0);

        // ImGui still works afterwards: the field can be used again from scratch.
        show_form = true;
        focus = true;
        h.Frame(body);
        h.Frame(body);
        io.AddInputCharactersUTF8("Ok");
        h.Frame(body);
        CHECK(name == "Ok");
        CHECK(CountInLiveMemory() == 0);
    }
    ImGui::SetAllocatorFunctions(
        [](std::size_t size, void*) { return std::malloc(size); }, [](void* p, void*) { std::free(p); }, nullptr);
    g_tracker = nullptr;
}

// [SECTION] Text input

TEST_CASE("InputTextLarge never stores more than max_bytes and cuts on a code point", "[ui][input]") {
    ImGuiHarness h;
    std::string value;
    bool focus = true;
    bool changed = false;
    auto body = [&] {
        if (focus) ImGui::SetKeyboardFocusHere();
        focus = false;
        changed = embassy::ui::InputTextLarge("City##city", value, 7);
    };
    h.Frame(body);
    h.Frame(body);
    const char* start = value.data();
    ImGui::GetIO().AddInputCharactersUTF8("\xD0\x9C\xD1\x96\xD0\xBD\xD1\x81\xD0\xBA");   // "Мінск", 10 bytes
    h.Frame(body);
    CHECK(changed);
    CHECK(value == "\xD0\x9C\xD1\x96\xD0\xBD");   // "Мін": 6 bytes, the 4th letter would make 8
    CHECK(value.capacity() >= 8);
    CHECK(value.data() == start);   // typing did not reallocate the buffer
    h.Frame(body);
    CHECK_FALSE(changed);
}

TEST_CASE("WipeString zeroes the whole allocation", "[ui][privacy]") {
    std::string s;
    s.reserve(100);
    s = "Secret name that was typed";
    s.resize(6);   // the tail still sits in the allocation
    const char* p = s.data();
    embassy::ui::WipeString(s);
    CHECK(s.empty());
    CHECK(s.data() == p);
    CHECK(std::all_of(p, p + 27, [](char c) { return c == '\0'; }));
}

TEST_CASE("DisableClipboard stops copy and paste through ImGui", "[ui][privacy]") {
    ImGuiHarness h;
    ImGui::SetClipboardText("from a previous user");
    CHECK(std::string(ImGui::GetClipboardText()) == "from a previous user");   // ImGui's own clipboard
    embassy::ui::DisableClipboard();
    CHECK(std::string(ImGui::GetClipboardText()).empty());
    ImGui::SetClipboardText("copied name");
    CHECK(std::string(ImGui::GetClipboardText()).empty());
}

// [SECTION] Passphrase meter

TEST_CASE("the passphrase meter lights as many segments as the score it is given", "[ui][passphrase]") {
    ImGuiHarness h;
    const ImU32 unlit = ImGui::ColorConvertFloat4ToU32(ImVec4(0.86f, 0.85f, 0.81f, 1.0f)) & ~IM_COL32_A_MASK;
    for (int score : {-1, 0, 1, 2, 3, 4}) {
        INFO(score);
        int lit = -1, total = 0;
        h.Frame([&] {
            ImDrawList* dl = ImGui::GetWindowDrawList();
            const int before = dl->VtxBuffer.Size;
            embassy::ui::PassphraseMeter(score);
            int dark = 0;
            for (int v = before; v < dl->VtxBuffer.Size; ++v) dark += (dl->VtxBuffer[v].col & ~IM_COL32_A_MASK) != unlit;
            total = dl->VtxBuffer.Size - before;
            lit = total == 0 ? -1 : dark * 4 / total;   // four equal segments
        });
        REQUIRE(total > 0);
        CHECK(lit == (score < 0 ? 0 : std::max(score, 1)));
    }
}

TEST_CASE("widgets keep touch targets at least 48 px at any scale", "[ui][theme]") {
    for (float scale : {1.0f, 1.5f, 2.0f}) {
        ImGuiHarness h;
        embassy::ui::ApplyTheme(scale);
        CHECK(embassy::ui::TouchTarget() == 48.0f * scale);
        float button_h = 0, check_h = 0;
        bool value = false;
        h.Frame([&] {
            embassy::ui::BigButton("OK");
            button_h = ImGui::GetItemRectSize().y;
            embassy::ui::CheckboxLarge("I agree##c", &value);
            check_h = ImGui::GetItemRectSize().y;
        });
        CHECK(button_h >= 48.0f * scale);
        CHECK(check_h >= 48.0f * scale);
        CHECK(ImGui::GetStyle().FramePadding.y == 12.0f * scale);   // not compounded by repeated calls
    }
}

TEST_CASE("CheckboxLarge toggles when its text is tapped", "[ui][input]") {
    ImGuiHarness h;
    bool value = false;
    ImVec2 min{}, max{};
    bool toggled = false;
    auto body = [&] {
        toggled = embassy::ui::CheckboxLarge("I agree that my name is passed to the addressee##consent", &value);
        min = ImGui::GetItemRectMin();
        max = ImGui::GetItemRectMax();
    };
    h.Frame(body);
    h.ClickAt(min.x + 200, (min.y + max.y) * 0.5f, body);   // on the words, not the box
    CHECK(value);
    h.ClickAt(min.x + 10, (min.y + max.y) * 0.5f, body);
    CHECK_FALSE(value);
}

TEST_CASE("Countdown reports when time is up", "[ui][input]") {
    ImGuiHarness h;
    bool done = true;
    h.Frame([&] { done = embassy::ui::Countdown("Are you still there?", 5.2f, 15.0f); });
    CHECK_FALSE(done);
    h.Frame([&] { done = embassy::ui::Countdown("Are you still there?", 0.0f, 15.0f); });
    CHECK(done);
    h.Frame([&] { done = embassy::ui::Countdown("##silent", -1.0f, 0.0f); });
    CHECK(done);
}

TEST_CASE("ImGui runs normally on the wiping allocator", "[ui][privacy]") {
    embassy::ui::InstallWipingAllocator();
    {
        ImGuiHarness h;
        std::string text;
        bool focus = true;
        auto body = [&] {
            if (focus) ImGui::SetKeyboardFocusHere();
            focus = false;
            embassy::ui::InputTextLarge("Name##n", text, 32);
        };
        h.Frame(body);
        h.Frame(body);
        ImGui::GetIO().AddInputCharactersUTF8("abc");
        h.Frame(body);
        CHECK(text == "abc");
        embassy::ui::WipeInputState();
        h.Frame(body);
    }
    ImGui::SetAllocatorFunctions(
        [](std::size_t size, void*) { return std::malloc(size); }, [](void* p, void*) { std::free(p); }, nullptr);
}
