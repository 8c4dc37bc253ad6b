# tests/dfu/protocol.cmake - the DFU / DfuSe protocol against an in-memory
# DfuSe device (fake_dfuse.c) and the flash pipeline's pure parts.
add_library(bd_test_fake_dfuse STATIC ${CMAKE_CURRENT_SOURCE_DIR}/fake_dfuse.c)
target_include_directories(bd_test_fake_dfuse PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(bd_test_fake_dfuse PUBLIC bd_dfu)

bd_add_unit_test(dfu_image
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_dfu_image.c
  LIBS bd_test_fake_dfuse bd_dfu bd_transport bd_test_devices)
bd_add_unit_test(flash_engine
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_flash_engine.c
  LIBS bd_engine bd_test_modbuild bd_test_devices)
