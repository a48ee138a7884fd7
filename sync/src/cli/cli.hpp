// Shared pieces of the embassy-sync command line: argument parsing, passphrases, output.
#pragma once

#include "embassy/registry/keyfile.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/registry/text.hpp"
#include "embassy/result.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace embassy::cli {

// "--key value" options, "--flag" switches and positionals. Unknown options are an error.
class Args {
public:
    Args(std::vector<std::string> argv, std::vector<std::string> value_options, std::vector<std::string> flag_options);
    const std::string& error() const { return error_; }
    std::optional<std::string> get(const std::string& key) const;
    std::string get_or(const std::string& key, const std::string& fallback) const;
    Result<std::string> require(const std::string& key) const;
    bool flag(const std::string& key) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::map<std::string, std::string> values_;
    std::map<std::string, bool> flags_;
    std::vector<std::string> positional_;
    std::string error_;
};

// The passphrase: first line of --passphrase-file, or a no-echo prompt on the terminal.
// Never from an argument, never echoed, kept in secure memory.
Result<registry::SecretBytes> read_passphrase(const Args& args, const std::string& file_option, const char* prompt);
// A new passphrase: from the file option, or prompted twice; at least 10 characters.
Result<registry::SecretBytes> read_new_passphrase(const Args& args, const std::string& file_option, const char* prompt);

// Argon2id parameters for new key files: the kiosk's rule (keyfile.hpp).
using registry::new_kdf_params;

int fail(const std::string& message);  // "embassy-sync: <message>" on stderr (terminal_safe), returns 1

// A JSON string body: terminal_safe (registry/text.hpp), then JSON escaping.
std::string json_escape(std::string_view s);
// Every string from a file, a batch or a database printed on stdout goes through this.
using registry::terminal_safe;

struct Command {
    const char* group;     // "kiosk", "coord", or "" for top-level
    const char* name;
    const char* usage;
    const char* summary;
    std::function<int(const std::vector<std::string>&)> run;
};

// Each cmd_*.cpp file adds its commands here.
void add_kiosk_commands(std::vector<Command>& out);
void add_coord_commands(std::vector<Command>& out);
void add_batch_commands(std::vector<Command>& out);

}  // namespace embassy::cli
