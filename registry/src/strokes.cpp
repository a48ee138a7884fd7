#include "embassy/registry/strokes.hpp"

#include <cmath>

namespace embassy::registry {
namespace {

void put_varint(Bytes& out, std::uint32_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

std::uint32_t zigzag(std::int32_t v) { return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31); }
std::int32_t unzigzag(std::uint32_t v) { return static_cast<std::int32_t>(v >> 1) ^ -static_cast<std::int32_t>(v & 1); }

struct Reader {
    std::span<const std::uint8_t> d;
    std::size_t pos = 0;
    bool get(std::uint32_t& v) {
        v = 0;
        for (int shift = 0; shift <= 28; shift += 7) {
            if (pos >= d.size()) return false;
            std::uint8_t b = d[pos++];
            v |= static_cast<std::uint32_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;  // more than 5 bytes: not ours
    }
};

}  // namespace

Bytes encode_strokes(const Strokes& strokes) {
    Bytes out;
    out.push_back(1);
    put_varint(out, static_cast<std::uint32_t>(strokes.size()));
    for (const auto& s : strokes) {
        put_varint(out, static_cast<std::uint32_t>(s.size()));
        if (s.empty()) continue;
        put_varint(out, s[0].x);
        put_varint(out, s[0].y);
        for (std::size_t i = 1; i < s.size(); ++i) {
            put_varint(out, zigzag(s[i].x - s[i - 1].x));
            put_varint(out, zigzag(s[i].y - s[i - 1].y));
        }
    }
    return out;
}

Result<Strokes> decode_strokes(std::span<const std::uint8_t> data) {
    if (data.size() > kMaxEncodedStrokes) return make_error("strokes: encoding too large");
    if (data.empty() || data[0] != 1) return make_error("strokes: unknown encoding version");
    Reader r{data, 1};
    std::uint32_t n = 0;
    if (!r.get(n) || n > kMaxStrokes) return make_error("strokes: bad stroke count");
    Strokes out;
    out.reserve(n);
    std::size_t total = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        std::uint32_t count = 0;
        if (!r.get(count) || count > kMaxPoints - total) return make_error("strokes: bad point count");
        total += count;
        Stroke s;
        s.reserve(count);
        std::int64_t x = 0, y = 0;  // 64-bit: a hostile delta must not overflow before the range check
        for (std::uint32_t k = 0; k < count; ++k) {
            std::uint32_t a = 0, b = 0;
            if (!r.get(a) || !r.get(b)) return make_error("strokes: truncated");
            if (k == 0) {
                x = a;
                y = b;
            } else {
                x += unzigzag(a);
                y += unzigzag(b);
            }
            if (x < 0 || y < 0 || x >= kCanvasWidth || y >= kCanvasHeight) return make_error("strokes: point outside the canvas");
            s.push_back({static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y)});
        }
        out.push_back(std::move(s));
    }
    if (r.pos != data.size()) return make_error("strokes: trailing bytes");
    return out;
}

double ink_length(const Strokes& strokes) {
    double len = 0;
    for (const auto& s : strokes)
        for (std::size_t i = 1; i < s.size(); ++i)
            len += std::hypot(double(s[i].x) - s[i - 1].x, double(s[i].y) - s[i - 1].y);
    return len;
}

Status validate_strokes(const Strokes& strokes, StrokesProblem* problem) {
    auto refuse = [problem](StrokesProblem p, const char* message) -> Status {
        if (problem) *problem = p;
        return make_error(message);
    };
    if (problem) *problem = StrokesProblem::none;
    if (strokes.size() > kMaxStrokes) return refuse(StrokesProblem::too_many_strokes, "signature: too many strokes");
    std::size_t total = 0;
    for (const auto& s : strokes) {
        total += s.size();
        for (auto p : s)
            if (p.x >= kCanvasWidth || p.y >= kCanvasHeight)
                return refuse(StrokesProblem::outside_canvas, "signature: point outside the pad");
    }
    if (total > kMaxPoints) return refuse(StrokesProblem::too_many_points, "signature: too many points");
    // Every reader caps the encoding at 64 KiB; a signature that would not fit must be refused here,
    // or it would be stored and then block every export.
    if (encode_strokes(strokes).size() > kMaxEncodedStrokes)
        return refuse(StrokesProblem::too_large, "signature: too large; please clear and sign again");
    if (ink_length(strokes) < kMinInk)
        return refuse(StrokesProblem::too_short, "signature: too short; please sign with your usual signature");
    return {};
}

}  // namespace embassy::registry
