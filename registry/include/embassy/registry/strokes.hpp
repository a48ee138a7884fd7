// Signature strokes: vector points only — no timestamps, no pressure — so a stored signature is a
// drawing, not biometric data. Encoding (docs/strokes-encoding.md):
//
//   u8 version (=1) · varint stroke_count · per stroke: varint point_count, varint x0, varint y0,
//   then (point_count-1) pairs of zigzag-varint deltas (dx, dy)
//
// Coordinates are on a fixed 4096 x 1638 canvas (5:2, the pad's aspect), so the encoding does not
// depend on the screen the signature was drawn on.
#pragma once

#include "embassy/registry/model.hpp"

namespace embassy::registry {

constexpr std::uint16_t kCanvasWidth = 4096;
constexpr std::uint16_t kCanvasHeight = 1638;
constexpr std::size_t kMaxStrokes = 64;
constexpr std::size_t kMaxPoints = 20000;       // all strokes together
constexpr std::size_t kMaxEncodedStrokes = 64 * 1024;
constexpr double kMinInk = 400.0;               // canvas units of pen travel (~10% of the width)

Bytes encode_strokes(const Strokes& strokes);
Result<Strokes> decode_strokes(std::span<const std::uint8_t> data);

double ink_length(const Strokes& strokes);  // canvas units of pen travel; a lone dot adds none

// What validate_strokes found, for a screen that names the problem in the registrant's language.
enum class StrokesProblem : std::uint8_t { none, too_many_strokes, outside_canvas, too_many_points, too_large, too_short };
// The signature rule, once for the kiosk's Sign screen, KioskStore::submit and the importer: too
// little ink, too many strokes or points, points outside the canvas, an encoding over the cap. The
// message is for the registrant; `problem`, when given, is set to which rule failed (none if valid).
Status validate_strokes(const Strokes& strokes, StrokesProblem* problem = nullptr);

}  // namespace embassy::registry
