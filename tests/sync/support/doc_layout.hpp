// Reads a layout table of docs/batch-format.md ("offset size field" rows in the first code block
// after a heading), so the tests can hold the named offsets in the code to the spec.
#pragma once

#include <cstddef>
#include <fstream>
#include <map>
#include <regex>
#include <string>

namespace doc_layout {

// Field name -> offset, from the first ``` block after the line that starts with `heading`.
// Empty if the heading or the block is missing (the caller's CHECKs then fail).
inline std::map<std::string, std::size_t> offsets(const std::string& heading) {
    std::ifstream in(std::string(EMBASSY_SOURCE_DIR) + "/docs/batch-format.md");
    std::map<std::string, std::size_t> out;
    std::string line;
    bool in_section = false, in_block = false;
    const std::regex row(R"(^(\d+)\s+\S+\s+([a-z_]+)\b.*)");
    while (std::getline(in, line)) {
        if (!in_section) {
            in_section = line.rfind(heading, 0) == 0;
            continue;
        }
        if (line.rfind("```", 0) == 0) {
            if (in_block) break;
            in_block = true;
            continue;
        }
        if (!in_block) {
            if (line.rfind("#", 0) == 0) break;   // the next heading: no table in this section
            continue;
        }
        std::smatch m;
        if (std::regex_match(line, m, row)) out[m[2]] = std::stoul(m[1]);
    }
    return out;
}

}  // namespace doc_layout
