#include "x11_guard.hpp"

#include <GLFW/glfw3.h>
#include <X11/Xlib.h>

// From <GLFW/glfw3native.h>, declared here: with GLFW_EXPOSE_NATIVE_X11 that header also pulls in
// <X11/extensions/Xrandr.h> (libxrandr-dev) for monitor functions the kiosk does not use.
extern "C" Display* glfwGetX11Display(void);
extern "C" Window glfwGetX11Window(GLFWwindow* window);

#include <atomic>
#include <cstdio>

namespace embassy::app {
namespace {

std::atomic<unsigned long> g_errors{0};

int OnXError(Display* display, XErrorEvent* e) {
    const unsigned long n = ++g_errors;
    if (n > 20 && n % 1000 != 0) return 0;   // a storm of errors: the first 20, then every 1000th
    char text[96] = "";
    XGetErrorText(display, e->error_code, text, sizeof text);
    std::fprintf(stderr, "embassy-kiosk: X error %d (%s), request %d.%d, resource 0x%lx; the kiosk continues (%lu so far)\n",
                 e->error_code, text, e->request_code, e->minor_code, e->resourceid, n);
    return 0;
}

int OnXIOError(Display*) {
    std::fprintf(stderr, "embassy-kiosk: the connection to the X display was lost; exiting\n");
    return 0;   // Xlib exits after this returns
}

}  // namespace

void GuardX11(GLFWwindow*) {
    if (glfwGetX11Display() == nullptr) return;
    XSetErrorHandler(OnXError);
    XSetIOErrorHandler(OnXIOError);
}

unsigned long X11ErrorCount() { return g_errors.load(); }

void ReassertX11Geometry(GLFWwindow* window, int x, int y, int w, int h) {
    Display* dpy = glfwGetX11Display();
    if (dpy == nullptr) return;
    const Window win = glfwGetX11Window(window);
    XMoveResizeWindow(dpy, win, x, y, static_cast<unsigned>(w), static_cast<unsigned>(h));
    XRaiseWindow(dpy, win);
    XFlush(dpy);
}

}  // namespace embassy::app
