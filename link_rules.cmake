# Which module may link what, checked when CMake configures (called at the end of CMakeLists.txt).
#
# The boundaries of DESIGN.md as build facts: the coordinator's embassy-sync runs on machines with no
# display, the pure kiosk flow is tested without a window, ui is reusable without the registry. A
# target that gains a forbidden dependency, directly or through any library it links, stops the
# configure with the chain that brought it in. tests/link_deps.cmake checks the built binaries too.

# Libraries of a display: GLFW, OpenGL, Dear ImGui (its pkg-config also pulls GLFW and stb), X11.
set(EMBASSY_DISPLAY_LINKS
  "^PkgConfig::(GLFW|IMGUI)$" "^OpenGL::" "^glfw$" "^imgui$" "^embassy_ui$"
  "/lib(glfw|GL|GLX|OpenGL|EGL|imgui|stb|X11|xcb|wayland-client)[.-]")

# The link items of one target: what it links itself and what its interface hands on.
function(_embassy_link_items target out)
  set(items "")
  get_target_property(type ${target} TYPE)
  get_target_property(imported ${target} IMPORTED)
  if(NOT imported AND NOT type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(own ${target} LINK_LIBRARIES)
    if(own)
      list(APPEND items ${own})
    endif()
  endif()
  get_target_property(iface ${target} INTERFACE_LINK_LIBRARIES)
  if(iface)
    list(APPEND items ${iface})
  endif()
  set(clean "")
  foreach(item IN LISTS items)
    # A static library's private links arrive as $<LINK_ONLY:x>; target_link_libraries from
    # another directory wraps items in ::@(dir) markers.
    if(item MATCHES "^::@")
      continue()
    endif()
    while(item MATCHES "^\\$<(LINK_ONLY|BUILD_INTERFACE|INSTALL_INTERFACE):(.*)>$")
      set(item "${CMAKE_MATCH_2}")
    endwhile()
    if(item)
      list(APPEND clean "${item}")
    endif()
  endforeach()
  set(${out} "${clean}" PARENT_SCOPE)
endfunction()

# embassy_forbid_links(<target> <why> <regex>...): fail the configure if anything <target> links,
# transitively, matches one of the regexes (target names as written, or library file paths).
function(embassy_forbid_links target why)
  if(NOT TARGET ${target})
    return()  # not built in this configuration (EMBASSY_BUILD_KIOSK=OFF)
  endif()
  set(seen "")
  set(queue ${target})
  string(MD5 key "${target}")
  set(chain_${key} "${target}")  # how each item was reached, by the MD5 of its name
  while(queue)
    list(POP_FRONT queue current)
    string(MD5 current_key "${current}")
    set(node "${current}")
    if(TARGET ${current})
      get_target_property(aliased ${current} ALIASED_TARGET)
      if(aliased)
        set(node "${aliased}")
      endif()
      _embassy_link_items(${node} items)
    else()
      set(items "")
    endif()
    foreach(item IN LISTS items)
      if(item IN_LIST seen)
        continue()
      endif()
      list(APPEND seen "${item}")
      string(MD5 key "${item}")
      set(chain_${key} "${chain_${current_key}} -> ${item}")
      set(forbidden FALSE)
      foreach(rule IN LISTS ARGN)
        if(item MATCHES "${rule}")
          set(forbidden TRUE)
        endif()
      endforeach()
      if(forbidden)
        message(SEND_ERROR "forbidden dependency: ${chain_${key}}\n  (${why})")
      else()
        list(APPEND queue "${item}")  # below a forbidden item, one report is enough
      endif()
    endforeach()
  endwhile()
endfunction()

function(embassy_check_link_rules)
  embassy_forbid_links(embassy_ui "ui knows nothing of registry or sync"
    "^embassy_registry$" "^embassy_sync$" "^kiosk_core$")
  embassy_forbid_links(embassy_sync "sync runs on coordinators' machines with no display"
    ${EMBASSY_DISPLAY_LINKS})
  embassy_forbid_links(embassy-sync "the coordinator CLI runs on machines with no display"
    ${EMBASSY_DISPLAY_LINKS})
  embassy_forbid_links(kiosk_core "the kiosk flow builds and tests without a window or sync"
    ${EMBASSY_DISPLAY_LINKS} "^embassy_sync$")
  embassy_forbid_links(test_kiosk "kiosk_core's tests build without a window or sync"
    ${EMBASSY_DISPLAY_LINKS} "^embassy_sync$")
endfunction()
