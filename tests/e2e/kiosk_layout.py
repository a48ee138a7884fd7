#!/usr/bin/env python3
"""Checks the kiosk's layout from the ui-maps its --tour wrote (kiosk/src/app/ui_map.cpp).

   kiosk_layout.py SIZE MAP_DIR...      (SIZE as WxH, for the messages)

Rules, for every screen, language and text size:
  1. every widget lies inside the viewport, or inside a scroll region that shows it can scroll
     (a visible scrollbar): a widget below the fold of a region without one cannot be reached;
  2. nothing sticks out sideways of its region (there is no horizontal scrolling);
  3. the primary actions (language buttons, Back/Next/Done/Submit, "I'm still here", Unlock,
     setup and volunteer actions) are wholly visible without scrolling;
  4. no region that scrolls lies inside another region that scrolls;
  5. the field the on-screen keyboard types into is wholly visible above the keyboard;
  6. no two widgets of one region overlap (a long label pushed under its neighbour); two ids on
     one rect are one widget named twice (a notice is also a paragraph).
A failure line names screen, language, size, text size and widget. Exits 1 on any failure."""
import os
import re
import sys

PRIMARY = re.compile(r"^(lang:.*|button\.(next|back|done|submit)|read_appeal\.next|idle\.continue|unlock\.button|"
                     r"setup\.finish|settings\.save|volunteer\.start_public|keyboard\.hide)$")
SLACK = 1  # rounding of the map's integer pixels


class Map:
    def __init__(self, path):
        self.path = path
        self.screen = self.lang = "?"
        self.textsize = "?"
        self.viewport = (0, 0)
        self.focus = None
        self.items = {}    # id -> (x0, y0, x1, y1, window, shown)
        self.regions = {}  # name -> (x0, y0, x1, y1, scroll_y, scroll_max, scrollbar, parent)
        with open(path, encoding="utf-8") as f:
            for line in f:
                p = line.split()
                if not p:
                    continue
                if p[0] == "screen":
                    self.screen = p[1]
                elif p[0] == "lang":
                    self.lang = p[1]
                elif p[0] == "textsize":
                    self.textsize = p[1] + "%"
                elif p[0] == "viewport":
                    self.viewport = (int(p[1]), int(p[2]))
                elif p[0] == "focus":
                    self.focus = p[1]
                elif p[0] == "region":
                    self.regions[p[1]] = tuple(int(v) for v in p[2:9]) + (p[9],)
                elif p[0] == "hidden":
                    self.items[p[1]] = tuple(int(v) for v in p[2:6]) + (p[6], False)
                elif len(p) == 8:
                    self.items[p[0]] = tuple(int(v) for v in p[3:7]) + (p[7], True)

    def scrolls(self, name):
        r = self.regions.get(name)
        return r is not None and r[5] > 0 and r[6] == 1

    def chain(self, name):
        """The region and its ancestors, innermost first."""
        out = []
        while name in self.regions and name not in out:
            out.append(name)
            name = self.regions[name][7]
        return out


def inside(a, b):
    return a[0] >= b[0] - SLACK and a[1] >= b[1] - SLACK and a[2] <= b[2] + SLACK and a[3] <= b[3] + SLACK


def check(m, size):
    fails = []
    shot = os.path.basename(m.path)[:-4]

    def fail(widget, why):
        fails.append(f"FAIL screen {m.screen} ({shot}), language {m.lang}, size {size}, text size {m.textsize}: "
                     f"{widget}: {why}")

    vw, vh = m.viewport
    view = (0, 0, vw, vh)
    # Regions: inside the viewport unless an ancestor scrolls them; no scrolling inside scrolling.
    for name, r in m.regions.items():
        ancestors = m.chain(name)[1:]
        if not any(m.scrolls(a) for a in ancestors) and not inside(r[:4], view):
            fail("region " + name, f"rect {r[:4]} leaves the {vw}x{vh} viewport")
        if m.scrolls(name) and any(m.scrolls(a) for a in ancestors):
            fail("region " + name, "a scroll area inside a scroll area")
        if r[4] > r[5] + SLACK:
            fail("region " + name, "scrolled past its end")
        if r[5] > 0 and r[6] == 0:
            # Content runs past the region's end with no scrollbar: whatever is there is unreachable.
            hidden = [i for i, it in m.items.items() if it[4] == name and it[3] > r[3] + SLACK]
            for i in hidden:
                fail(i, f"below the end of region {name}, which cannot scroll (no scrollbar)")
    for wid, it in m.items.items():
        rect, win = it[:4], it[4]
        r = m.regions.get(win)
        if r is None:
            fail(wid, f"drawn in unknown region {win}")
            continue
        if rect[0] < r[0] - SLACK or rect[2] > r[2] + SLACK:
            fail(wid, f"x {rect[0]}..{rect[2]} sticks out of region {win} (x {r[0]}..{r[2]}): cut off, no sideways scroll")
        if not inside(rect, r[:4]) and not m.scrolls(win):
            if not (r[5] > 0 and r[6] == 0 and rect[3] > r[3] + SLACK):   # reported above already
                fail(wid, f"rect {rect} outside region {win} {r[:4]}, which does not scroll")
        if PRIMARY.match(wid) or wid == m.focus:
            what = "primary action" if PRIMARY.match(wid) else "field being typed into"
            if not it[5]:
                fail(wid, f"{what} not visible without scrolling")
                continue
            for region in m.chain(win):
                rr = m.regions[region]
                if not inside(rect, rr[:4]):
                    fail(wid, f"{what} {rect} not wholly visible in region {region} {rr[:4]}")
                    break
            if not inside(rect, view):
                fail(wid, f"{what} {rect} not wholly inside the {vw}x{vh} viewport")
    shown = sorted((it[:4], wid, it[4]) for wid, it in m.items.items())
    for i, (a, wa, ra) in enumerate(shown):
        for b, wb, rb in shown[i + 1:]:
            if b[0] >= a[2] - SLACK:
                break   # sorted by x0: nothing further right can overlap a
            if ra == rb and a != b and b[1] < a[3] - SLACK and a[1] < b[3] - SLACK:
                fail(wa, f"overlaps {wb} ({a} and {b})")
    return fails


def main():
    size = sys.argv[1]
    maps = []
    for d in sys.argv[2:]:
        maps += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".map")]
    fails = []
    for path in maps:
        fails += check(Map(path), size)
    for f in fails:
        print(f)
    print(f"{size}: {len(maps)} screen maps checked, {len(fails)} failures")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
