# Script-driven tests: crash loops, end to end in a real window, fuzz smoke. Each has its own label.
set(E2E ${CMAKE_CURRENT_SOURCE_DIR}/e2e)

add_test(NAME "crash: kill -9 during submits" COMMAND ${E2E}/crash_submit.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("crash: kill -9 during submits" PROPERTIES LABELS "crash;slow" TIMEOUT 1800)

add_test(NAME "crash: kill -9 during export" COMMAND ${E2E}/crash_export.sh $<TARGET_FILE:embassy-sync> ${PROJECT_SOURCE_DIR})
set_tests_properties("crash: kill -9 during export" PROPERTIES LABELS "crash;slow" TIMEOUT 1800)
