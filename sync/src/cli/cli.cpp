#include "cli.hpp"

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/text.hpp"
#include "embassy/sync/coord_db.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>

namespace embassy::cli {
namespace fs = std::filesystem;

// [SECTION] Exit codes

const char* exit_code_table() {
    return "Exit codes (every command):\n"
           "  0  done\n"
           "  1  failure: it could not be done, or something was rejected (the message says what)\n"
           "  2  usage: unknown command or option, a missing or malformed value, no command given\n"
           "  3  not found: the receipt, kiosk or batch asked about does not exist\n"
           "  4  already: nothing changed, it was already so (a signature already withdrawn)\n"
           "  5  done, but it was a duplicate: what it duplicated is unchanged (coord withdraw)\n";
}

// [SECTION] Commands

namespace {

// The run function of each command, by its CLI11 node. The nodes live as long as the root App,
// which main() keeps until exit.
std::map<const CLI::App*, std::function<int()>>& commands() {
    static std::map<const CLI::App*, std::function<int()>> m;
    return m;
}

}  // namespace

CLI::App& add_command(CLI::App& group, const std::string& name, const std::string& summary, std::function<int()> run,
                      const std::string& exit_notes) {
    CLI::App* cmd = group.add_subcommand(name, summary);
    cmd->footer("\n" + (exit_notes.empty() ? std::string() : "This command:\n" + exit_notes + "\n") + exit_code_table());
    commands()[cmd] = std::move(run);
    return *cmd;
}

std::function<int()> command_of(const CLI::App& app) {
    auto it = commands().find(&app);
    return it == commands().end() ? nullptr : it->second;
}

fs::path default_coord_dir() {
    if (const char* e = std::getenv("EMBASSY_COORD_DIR"); e && *e) return e;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "embassy-coord";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".local/share/embassy-coord";
    return "embassy-coord";
}

CLI::Option* add_coord_dir(CLI::App& cmd, std::string& dir) {
    dir = default_coord_dir().string();
    // The default depends on the environment: the help states the rule, not this machine's path.
    return cmd.add_option("--dir", dir, "coordinator directory (default: $EMBASSY_COORD_DIR, else $XDG_DATA_HOME/embassy-coord, else ~/.local/share/embassy-coord)")
        ->type_name("DIR")
        ->default_str("");
}

CLI::Option* add_kiosk_dir(CLI::App& cmd, std::string& dir) {
    return cmd.add_option("--data-dir", dir, "kiosk data directory")->type_name("DIR")->required();
}

CLI::Option* add_passphrase_file(CLI::App& cmd, std::string& file, const std::string& name) {
    return cmd.add_option(name, file, "file whose first line is the passphrase (default: ask on the terminal, no echo)")
        ->type_name("FILE");
}

CLI::Validator non_negative() {
    return CLI::Validator([](std::string& v) { return v.find('-') == std::string::npos ? std::string() : "must be a whole number, 0 or more"; },
                          "", "non_negative");
}

CLI::Option* add_json_flag(CLI::App& cmd, bool& json) {
    return cmd.add_flag("--json", json, "print the result as one JSON document on stdout");
}

CLI::Option* add_quiet_flag(CLI::App& cmd, bool& quiet) {
    return cmd.add_flag("--quiet", quiet, "no progress bar on stderr");
}

Result<std::unique_ptr<sync::Coordinator>> open_coordinator(const std::string& dir, const std::string& passphrase_file) {
    if (!fs::exists(fs::path(dir) / sync::coordinator_key_file))
        return make_error(dir + ": no coordinator identity here (run 'embassy-sync coord init' first, or give --dir)");
    auto pass = read_passphrase(passphrase_file, "Coordinator passphrase: ");
    if (!pass) return pass.error();
    auto c = sync::Coordinator::open(dir, pass->view(), new_kdf_params());
    // Once after an upgrade that changed the name key (duplicates.hpp): say what it did.
    if (c && (*c)->key_rebuild().rebuilt && (*c)->key_rebuild().members > 0) {
        const auto& r = (*c)->key_rebuild();
        std::cerr << "embassy-sync: name keys rebuilt for rule " << r.to << ": " << plural(r.members, "member", "members") << ", "
                  << r.changed << " changed; " << plural(r.sharing, "member", "members")
                  << " now share a key with another (not merged: see coord duplicates --review)\n";
    }
    return c;
}

// [SECTION] Passphrases

namespace {

constexpr std::size_t kMaxPassphrase = 1024;

// Read one line straight into secret memory with read(2): no stdio or iostream buffer ever holds it.
Result<registry::SecretBytes> read_line_secret(int fd, const std::string& where) {
    registry::SecretBytes buf(kMaxPassphrase + 1);
    std::size_t n = 0;
    while (n < buf.size()) {
        char c = 0;
        ssize_t r = ::read(fd, &c, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0 || c == '\n' || c == '\r') break;
        buf.data()[n++] = static_cast<std::uint8_t>(c);
    }
    if (n > kMaxPassphrase) return make_error(where + ": passphrase longer than " + std::to_string(kMaxPassphrase) + " bytes");
    if (n == 0) return make_error(where + ": empty passphrase");
    return registry::SecretBytes(buf.data(), n);
}

Result<registry::SecretBytes> prompt_tty(const char* prompt) {
    int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) return make_error("no terminal to ask for the passphrase; use --passphrase-file");
    (void)!::write(fd, prompt, std::strlen(prompt));
    termios old{};
    bool restore = tcgetattr(fd, &old) == 0;
    if (restore) {
        termios noecho = old;
        noecho.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(fd, TCSAFLUSH, &noecho);
    }
    auto line = read_line_secret(fd, "terminal");
    if (restore) tcsetattr(fd, TCSAFLUSH, &old);
    (void)!::write(fd, "\n", 1);
    ::close(fd);
    return line;
}

}  // namespace

Result<registry::SecretBytes> read_passphrase(const std::string& file, const char* prompt) {
    if (!file.empty()) {
        int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return make_error(file + ": cannot read passphrase file");
        auto line = read_line_secret(fd, file);
        ::close(fd);
        return line;
    }
    return prompt_tty(prompt);
}

Result<registry::SecretBytes> read_new_passphrase(const std::string& file, const char* prompt) {
    auto first = read_passphrase(file, prompt);
    if (!first) return first.error();
    if (file.empty()) {
        auto again = prompt_tty("Repeat the passphrase: ");
        if (!again) return again.error();
        if (again->view() != first->view()) return make_error("the two passphrases differ");
    }
    if (first->size() < 10) return make_error("passphrase too short: use at least 10 characters (a few words is best)");
    return first;
}

// [SECTION] Output

int fail(const std::string& message, int code) {
    // Messages quote file names and reasons from files: escaped, so none can drive the terminal.
    std::cerr << "embassy-sync: " << registry::terminal_safe(message) << "\n";
    return code;
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

void print_json(const Json& j) {
    // Every string in it went through put_text() or is ours (ASCII): strict dumping cannot throw,
    // but `replace` keeps a slip from becoming an exception after the work is done.
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void put_text(Json& j, const std::string& key, std::string_view raw) {
    std::string safe = registry::terminal_safe(raw);
    const bool exact = safe == raw;
    j[key] = std::move(safe);
    if (!exact)
        j[key + "_bytes"] = to_hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()));  // NOLINT
}

}  // namespace embassy::cli
