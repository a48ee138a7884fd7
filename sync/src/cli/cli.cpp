#include "cli.hpp"

#include "embassy/registry/text.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace embassy::cli {

Args::Args(std::vector<std::string> argv, std::vector<std::string> value_options, std::vector<std::string> flag_options) {
    auto is = [](const std::vector<std::string>& v, const std::string& s) {
        for (const auto& x : v)
            if (x == s) return true;
        return false;
    };
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) == 0 && a.size() > 2) {
            std::string key = a.substr(2), value;
            bool has_inline = false;
            if (auto eq = key.find('='); eq != std::string::npos) {
                value = key.substr(eq + 1);
                key = key.substr(0, eq);
                has_inline = true;
            }
            if (is(flag_options, key)) {
                flags_[key] = true;
            } else if (is(value_options, key)) {
                if (!has_inline) {
                    if (i + 1 >= argv.size()) {
                        error_ = "option --" + key + " needs a value";
                        return;
                    }
                    value = argv[++i];
                }
                values_[key] = value;
            } else {
                error_ = "unknown option --" + key;
                return;
            }
        } else {
            positional_.push_back(a);
        }
    }
}

std::optional<std::string> Args::get(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}
std::string Args::get_or(const std::string& key, const std::string& fallback) const { return get(key).value_or(fallback); }
Result<std::string> Args::require(const std::string& key) const {
    auto v = get(key);
    if (!v) return make_error("missing --" + key);
    return *v;
}
bool Args::flag(const std::string& key) const { return flags_.count(key) != 0; }

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

Result<registry::SecretBytes> read_passphrase(const Args& args, const std::string& file_option, const char* prompt) {
    if (auto path = args.get(file_option)) {
        int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return make_error(*path + ": cannot read passphrase file");
        auto line = read_line_secret(fd, *path);
        ::close(fd);
        return line;
    }
    return prompt_tty(prompt);
}

Result<registry::SecretBytes> read_new_passphrase(const Args& args, const std::string& file_option, const char* prompt) {
    auto first = read_passphrase(args, file_option, prompt);
    if (!first) return first.error();
    if (!args.get(file_option)) {
        auto again = prompt_tty("Repeat the passphrase: ");
        if (!again) return again.error();
        if (again->view() != first->view()) return make_error("the two passphrases differ");
    }
    if (first->size() < 10) return make_error("passphrase too short: use at least 10 characters (a few words is best)");
    return first;
}

int fail(const std::string& message) {
    // Messages quote file names and reasons from files: escaped, so none can drive the terminal.
    std::cerr << "embassy-sync: " << registry::terminal_safe(message) << "\n";
    return 1;
}

std::string json_escape(std::string_view raw) {
    // terminal_safe first: JSON output lands on terminals too, and bidi controls, C1 controls and
    // invalid UTF-8 would pass a plain JSON escape.
    const std::string s = registry::terminal_safe(raw);
    std::string out;
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
    }
    return out;
}

}  // namespace embassy::cli
