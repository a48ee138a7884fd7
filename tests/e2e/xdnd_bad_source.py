#!/usr/bin/env python3
"""Make a window's client hit an X error (BadWindow): start an XDND drag on it from a source
window that does not exist. The target answers XdndPosition with an XdndStatus sent to that
source, and the X server refuses the XSendEvent with BadWindow -- the "destroyed window" case.

   xdnd_bad_source.py WINDOW_ID      (decimal, e.g. from `xdotool search --name ...`)

Uses libX11 through ctypes, like wm_delete.py, so the tests need no python-xlib."""
import ctypes
import ctypes.util
import sys

x11 = ctypes.CDLL(ctypes.util.find_library("X11"))


class XClientMessageEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]


class XEvent(ctypes.Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", ctypes.c_long * 24)]


x11.XOpenDisplay.restype = ctypes.c_void_p
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XInternAtom.restype = ctypes.c_ulong
x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(XEvent)]
x11.XFlush.argtypes = [ctypes.c_void_p]
x11.XCloseDisplay.argtypes = [ctypes.c_void_p]

dpy = x11.XOpenDisplay(None)
if not dpy:
    sys.exit("cannot open display")
win = int(sys.argv[1])
GONE = 0x1FFFFF01  # a window id no client has: the "source" of the drag


def send(atom, data):
    ev = XEvent()
    ev.xclient.type = 33  # ClientMessage
    ev.xclient.window = win
    ev.xclient.message_type = x11.XInternAtom(dpy, atom, 0)
    ev.xclient.format = 32
    for i, v in enumerate(data):
        ev.xclient.data[i] = v
    if not x11.XSendEvent(dpy, win, 0, 0, ctypes.byref(ev)):
        sys.exit("XSendEvent failed")


text = x11.XInternAtom(dpy, b"text/uri-list", 0)
send(b"XdndEnter", [GONE, 5 << 24, text, 0, 0])          # version 5, one type, no type list
send(b"XdndPosition", [GONE, 0, (100 << 16) | 100, 0, 0])  # the reply goes to GONE: BadWindow
x11.XFlush(dpy)
x11.XCloseDisplay(dpy)
