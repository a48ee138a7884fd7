#!/usr/bin/env python3
"""Input-to-ink latency of the kiosk's signature pad, end to end through the X server.

   ink_latency.py X Y COUNT STEP

Presses the button at (X, Y) (screen pixels, inside the pad), then COUNT times: moves the pointer
STEP px to the right (XTest, as a real device's event enters the server) and polls the screen
under the new position (XGetImage, 3x3) until the ink shows there, i.e. until the frame that draws
it has been presented. Prints one line per sample: "ink MS" (or "miss" after 1 s), and the
measurement's own floor: "floor MS", one poll round trip at a place where the ink already shows.
Releases the button at the end. libX11 and libXtst through ctypes: no python-xlib needed."""
import ctypes
import ctypes.util
import sys
import time

x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
xtst = ctypes.CDLL(ctypes.util.find_library("Xtst"))
x11.XOpenDisplay.restype = ctypes.c_void_p
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XDefaultRootWindow.restype = ctypes.c_ulong
x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
x11.XGetImage.restype = ctypes.c_void_p
x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_uint,
                          ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
x11.XGetPixel.restype = ctypes.c_ulong
x11.XGetPixel.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
x11.XDestroyImage.argtypes = [ctypes.c_void_p]
x11.XFlush.argtypes = [ctypes.c_void_p]
x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_ulong]
xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]

ZPIXMAP = 2
ALL_PLANES = 0xFFFFFFFF

dpy = x11.XOpenDisplay(None)
if not dpy:
    sys.exit("cannot open display")
root = x11.XDefaultRootWindow(dpy)
x0, y0, count, step = (int(a) for a in sys.argv[1:5])


def ink_at(x, y):
    """Is any of the 3x3 pixels around (x, y) the pad's dark blue ink?"""
    img = x11.XGetImage(dpy, root, x - 1, y - 1, 3, 3, ALL_PLANES, ZPIXMAP)
    if not img:
        return False
    found = False
    for j in range(3):
        for i in range(3):
            p = x11.XGetPixel(img, i, j)
            r, g, b = (p >> 16) & 255, (p >> 8) & 255, p & 255
            if r < 110 and g < 110 and b > r:
                found = True
    x11.XDestroyImage(img)
    return found


xtst.XTestFakeMotionEvent(dpy, -1, x0, y0, 0)
xtst.XTestFakeButtonEvent(dpy, 1, 1, 0)
x11.XSync(dpy, 0)
time.sleep(0.3)
for k in range(1, count + 1):
    x = x0 + k * step
    t0 = time.monotonic()
    xtst.XTestFakeMotionEvent(dpy, -1, x, y0, 0)
    x11.XFlush(dpy)
    seen = False
    while time.monotonic() - t0 < 1.0:
        if ink_at(x, y0):
            seen = True
            break
    t1 = time.monotonic()
    print(f"ink {1000 * (t1 - t0):.3f}" if seen else "miss")
    if seen:
        f0 = time.monotonic()
        ink_at(x, y0)
        print(f"floor {1000 * (time.monotonic() - f0):.3f}")
    time.sleep(0.03)   # the next sample starts from an idle kiosk (it sleeps until input)
xtst.XTestFakeButtonEvent(dpy, 1, 0, 0)
x11.XSync(dpy, 0)
