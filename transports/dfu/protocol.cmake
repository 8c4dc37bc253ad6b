# transports/dfu/protocol.cmake - the DFU / DfuSe protocol (included by
# CMakeLists.txt).  Pure protocol over struct bd_usb_xfer: no libusb here,
# the USB backend (transports/usb) opens devices and supplies transfers.
add_library(bd_dfu STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/dfu_proto.c
  ${CMAKE_CURRENT_SOURCE_DIR}/dfu_dfuse.c
  ${CMAKE_CURRENT_SOURCE_DIR}/dfu_image.c)
target_include_directories(bd_dfu PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/..)
target_link_libraries(bd_dfu PUBLIC bd_dfuse_layout bd_common)
