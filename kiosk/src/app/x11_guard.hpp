// The kiosk's guard on its X11 connection, kept in its own file because <X11/Xlib.h> defines
// macros (Status, None, Bool, Success) that clash with the rest of the app.
//
// X errors: Xlib's default handler prints and exits on any protocol error, e.g. a BadWindow when
// another client (a drag source, a window manager) destroyed a window GLFW then talks to. The kiosk
// logs the error (codes and resource ids only: no personal data can be in it) and carries on; the
// display is still there. GLFW 3.3 sets its own handler around some calls and then resets the
// handler to Xlib's default (XSetErrorHandler(NULL), not the one before), so ours is set again
// before every event poll (a pointer swap in Xlib, no round trip). Losing the display itself (an
// I/O error) cannot be survived: that is logged and Xlib exits.
#pragma once

struct GLFWwindow;

namespace embassy::app {

// Installs the handlers (again); a no-op when the window is not on X11.
void GuardX11(GLFWwindow* window);
// How many X errors were logged and survived so far.
unsigned long X11ErrorCount();
// Moves and resizes the window back over its monitor (x, y, w, h in screen pixels) and raises it:
// another X client moved or resized the full-screen kiosk.
void ReassertX11Geometry(GLFWwindow* window, int x, int y, int w, int h);

}  // namespace embassy::app
