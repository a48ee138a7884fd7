// The embassy-sync command-line framework: CLI11 parses, nlohmann::json prints --json.
//
// Index of this file
//   [SECTION] Exit codes        the one table every command returns from
//   [SECTION] Commands          how a command is added (add_X_commands, add_command, shared options)
//   [SECTION] Passphrases       never from an argument; file or no-echo prompt; secure memory
//   [SECTION] Output            fail(), plural(), JSON output and the encoding of untrusted strings
//
// Adding a command (sync/src/cli/README.md says the same at more length):
//   1. A new file sync/src/cli/cmd_<name>.cpp with `void add_<name>_commands(Tree& t)`, declared
//      below and called from main.cpp's list.
//   2. In it, per command: a struct of its option values held by a shared_ptr, add_command() with
//      a run function returning an Exit code, and the options bound to the struct's members
//      (typed: CLI11 refuses `--seed abc` with exit 2 before run is called).
//   3. Results a script wants: a `--json` flag (add_json_flag) and one print_json() document on
//      stdout. Errors always go to stderr through fail(), as text, with --json or without.
#pragma once

#include "embassy/registry/keyfile.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/registry/text.hpp"
#include "embassy/result.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace embassy::sync {
class Coordinator;
}

namespace embassy::cli {

// [SECTION] Exit codes
//
// Every command returns one of these; `embassy-sync --help`, each command's --help and the man
// page print exit_code_table(). A command that can also end in "not found" or "already done" says
// so in its own help (add_command's exit_notes).
enum Exit : int {
    exit_ok = 0,         // done
    exit_failure = 1,    // it could not be done, or something was rejected (the message says what)
    exit_usage = 2,      // unknown command or option, a missing or malformed value, no command given
    exit_not_found = 3,  // the receipt, kiosk or batch asked about does not exist
    exit_already = 4,    // nothing changed: it was already so (a signature already withdrawn)
    exit_done_duplicate = 5,  // done, but it was a duplicate: the counted one is unchanged (coord withdraw)
};
const char* exit_code_table();

// [SECTION] Commands

// The command tree: the root and its two groups. Top-level commands go on `root`.
struct Tree {
    CLI::App& root;
    CLI::App& kiosk;
    CLI::App& coord;
};

// Add command `name` to `group`. `run` is called after a successful parse (never for --help) and
// returns an Exit. `exit_notes` lists the command's own outcomes ("3  the receipt is not in the
// list"); the table above is appended to every command's help anyway.
CLI::App& add_command(CLI::App& group, const std::string& name, const std::string& summary, std::function<int()> run,
                      const std::string& exit_notes = "");
// The run function of a parsed command, or nullptr (a group without a command, help).
std::function<int()> command_of(const CLI::App& app);

// Shared options, so the same option reads the same everywhere.
// --dir: the coordinator directory; optional, default default_coord_dir().
CLI::Option* add_coord_dir(CLI::App& cmd, std::string& dir);
// --data-dir: the kiosk data directory (required: a kiosk's directory is named on purpose).
CLI::Option* add_kiosk_dir(CLI::App& cmd, std::string& dir);
// --passphrase-file (or `name`): a file whose first line is the passphrase; without it, a prompt.
CLI::Option* add_passphrase_file(CLI::App& cmd, std::string& file, const std::string& name = "--passphrase-file");
// For unsigned options: CLI11 would read "-1" as 2^64-1.
CLI::Validator non_negative();
CLI::Option* add_json_flag(CLI::App& cmd, bool& json);
CLI::Option* add_quiet_flag(CLI::App& cmd, bool& quiet);

// $EMBASSY_COORD_DIR, else $XDG_DATA_HOME/embassy-coord, else ~/.local/share/embassy-coord.
std::filesystem::path default_coord_dir();

// Unlock the coordinator in `dir` (passphrase from `passphrase_file` or a prompt) and open its
// registry. The message names the directory once.
Result<std::unique_ptr<sync::Coordinator>> open_coordinator(const std::string& dir, const std::string& passphrase_file);

// Each cmd_*.cpp file adds its commands; main.cpp calls each of these once.
void add_kiosk_commands(Tree& t);        // cmd_kiosk.cpp
void add_coord_commands(Tree& t);        // cmd_coord.cpp: identity and packs
void add_coordinator_commands(Tree& t);  // cmd_coordinator.cpp: enroll, import, report, …
void add_audit_commands(Tree& t);        // cmd_audit.cpp: coord log, coord passwd
void add_kiosks_commands(Tree& t);       // cmd_kiosks.cpp: coord kiosks, coord kiosk rename|revoke, kiosk public-key
void add_duplicates_commands(Tree& t);   // cmd_duplicates.cpp: coord duplicates, merge, unmerge, keep-apart

// [SECTION] Passphrases

// The passphrase: the first line of `file` when not empty, else a no-echo prompt on the terminal.
// Never from an argument, never echoed, kept in secure memory.
Result<registry::SecretBytes> read_passphrase(const std::string& file, const char* prompt);
// A new passphrase: from `file`, or prompted twice; at least 10 characters.
Result<registry::SecretBytes> read_new_passphrase(const std::string& file, const char* prompt);

// Argon2id parameters for new key files: the kiosk's rule (keyfile.hpp).
using registry::new_kdf_params;

// [SECTION] Output

// "embassy-sync: <message>" on stderr (terminal_safe), returns exit_failure (or `code`).
int fail(const std::string& message, int code = exit_failure);
// "1 batch", "2 batches": `n` and the singular or plural noun.
std::string plural(std::int64_t n, std::string_view one, std::string_view many);
// Every string from a file, a batch or a database printed on stdout goes through this.
using registry::terminal_safe;

// JSON output. Keys keep the order they were added in; one document, one line, on stdout.
using Json = nlohmann::ordered_json;
void print_json(const Json& j);
// A string that came from outside (a file name, a reason, a name from a batch): j[key] is
// terminal_safe(raw), which is valid UTF-8 and has no control characters, so a JSON string of
// it is valid and safe on a terminal. When that differs from the raw bytes (invalid UTF-8, a
// control, a backslash), j[key + "_bytes"] also holds the exact bytes as lowercase hex.
void put_text(Json& j, const std::string& key, std::string_view raw);

}  // namespace embassy::cli
