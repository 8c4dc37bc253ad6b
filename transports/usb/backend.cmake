# transports/usb/backend.cmake - the libusb backend (included by
# CMakeLists.txt).  bd_usb_ctrl is the control-request client over a
# transfer function (no libusb: unit-tested with a fake device);
# bd_usb_backend adds libusb (discovery, hotplug, open, DFU binding) and is
# linked into bd_transport by transports/CMakeLists.txt.
add_library(bd_usb_ctrl STATIC ${CMAKE_CURRENT_SOURCE_DIR}/usb_ctrl.c)
target_include_directories(bd_usb_ctrl PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/..)
target_link_libraries(bd_usb_ctrl PUBLIC bd_usb_proto bd_common)

add_library(bd_usb_backend STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/usb_backend.c
  ${CMAKE_CURRENT_SOURCE_DIR}/usb_dfu.c
  ${CMAKE_CURRENT_SOURCE_DIR}/usb_err.c
  ${CMAKE_CURRENT_SOURCE_DIR}/usb_list.c
  ${CMAKE_CURRENT_SOURCE_DIR}/usb_open.c
  ${CMAKE_CURRENT_SOURCE_DIR}/usb_ops.c)
target_include_directories(bd_usb_backend PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/..)
# bd_module comes along for the engine's flash pipeline (engine/flash.c),
# which reaches module checks through the transports.
target_link_libraries(bd_usb_backend PUBLIC bd_usb_ctrl bd_dfu bd_module bd_usb_proto bd_common
                      PkgConfig::LIBUSB)
