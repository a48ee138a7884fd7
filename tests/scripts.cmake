# Script-driven tests: crash loops, end to end in a real window, fuzz smoke. Each has its own label.
set(E2E ${CMAKE_CURRENT_SOURCE_DIR}/e2e)

add_test(NAME "crash: kill -9 during submits" COMMAND ${E2E}/crash_submit.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("crash: kill -9 during submits" PROPERTIES LABELS "crash;slow" TIMEOUT 1800)

add_test(NAME "crash: kill -9 during export" COMMAND ${E2E}/crash_export.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("crash: kill -9 during export" PROPERTIES LABELS "crash;slow" TIMEOUT 1800)

add_test(NAME "crash: kill -9 during import" COMMAND ${E2E}/crash_import.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("crash: kill -9 during import" PROPERTIES LABELS "crash;slow" TIMEOUT 1800)

# The kiosk app end to end in a real window under Xvfb, driven by xdotool (tests/e2e/kiosk_*.sh).
if(EMBASSY_BUILD_KIOSK)
  foreach(t path privacy volunteer input receipt keyboard)
    add_test(NAME "e2e: kiosk ${t}" COMMAND ${E2E}/kiosk_${t}.sh $<TARGET_FILE:embassy-kiosk> $<TARGET_FILE:embassy-sync>)
    set_tests_properties("e2e: kiosk ${t}" PROPERTIES LABELS "e2e;slow" TIMEOUT 300 RUN_SERIAL TRUE)
  endforeach()
endif()

# The layout matrix: every screen x 8 languages x 6 window sizes x text size 100/130 %, one kiosk
# process per size (tests/e2e/kiosk_layout.sh; the check itself is kiosk_layout.py).
if(EMBASSY_BUILD_KIOSK)
  add_test(NAME "e2e: kiosk layout matrix" COMMAND ${E2E}/kiosk_layout.sh $<TARGET_FILE:embassy-kiosk>)
  set_tests_properties("e2e: kiosk layout matrix" PROPERTIES LABELS "e2e;slow" TIMEOUT 900 RUN_SERIAL TRUE)
endif()

add_test(NAME "e2e: coordinator CLI" COMMAND ${E2E}/coord_cli.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("e2e: coordinator CLI" PROPERTIES LABELS "e2e;slow" TIMEOUT 900)
# The CLI's contract: --json parsed everywhere, the exit-code table command by command, help, man, completion.
add_test(NAME "e2e: CLI contract" COMMAND ${E2E}/cli_contract.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("e2e: CLI contract" PROPERTIES LABELS "e2e;slow" TIMEOUT 900)
add_test(NAME "e2e: coordinator USB stick import and kiosks" COMMAND ${E2E}/coord_usb.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("e2e: coordinator USB stick import and kiosks" PROPERTIES LABELS "e2e;slow" TIMEOUT 600)

# THREAT-MODEL row 21 (docs/threat-model.md): memory scans of the real executables (EMBASSY_TEST_MEMSCAN, registry/memscan.hpp).
add_test(NAME "e2e: memory scan after CLI commands" COMMAND ${E2E}/memscan_cli.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("e2e: memory scan after CLI commands" PROPERTIES LABELS "e2e;slow" TIMEOUT 600 SKIP_RETURN_CODE 77)
if(EMBASSY_BUILD_KIOSK)
  add_test(NAME "e2e: kiosk memory scan after Lock" COMMAND ${E2E}/kiosk_memscan.sh $<TARGET_FILE:embassy-kiosk> $<TARGET_FILE:embassy-sync>)
  set_tests_properties("e2e: kiosk memory scan after Lock" PROPERTIES LABELS "e2e;slow" TIMEOUT 300 RUN_SERIAL TRUE SKIP_RETURN_CODE 77)
endif()
add_test(NAME "e2e: hostile output" COMMAND ${E2E}/hostile_output.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("e2e: hostile output" PROPERTIES LABELS "e2e;slow" TIMEOUT 300)

# scripts/setup-deps reads the system's own apt sources for the backports mirror (fixtures, no apt).
add_test(NAME "e2e: setup-deps backports source" COMMAND ${E2E}/setup_deps_sources.sh ${PROJECT_SOURCE_DIR})
set_tests_properties("e2e: setup-deps backports source" PROPERTIES LABELS "e2e")

# Disk full: submit, export, import, ack, apply-ack and the signatories CSV on a full tmpfs (in a
# private mount namespace when root, else under RLIMIT_FSIZE); prints a table of what each printed.
add_test(NAME "e2e: disk full" COMMAND ${E2E}/disk_full.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("e2e: disk full" PROPERTIES LABELS "e2e;slow" TIMEOUT 600)

# The coordinator's report from simulated batches: totals agree in text, CSV, JSON and HTML with the
# registry, and the HTML prints on at most 2 A4 pages (headless Chromium, pdfinfo; skipped without them).
add_test(NAME "e2e: report on paper" COMMAND ${E2E}/report_render.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("e2e: report on paper" PROPERTIES LABELS "e2e;slow" TIMEOUT 300 SKIP_RETURN_CODE 77)
# Possible duplicates: review (no names unless --names), merge, unmerge, keep-apart, their exit codes,
# the report and coord check following, coord log.
add_test(NAME "e2e: coordinator duplicates" COMMAND ${E2E}/coord_duplicates.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("e2e: coordinator duplicates" PROPERTIES LABELS "e2e;slow" TIMEOUT 900)
