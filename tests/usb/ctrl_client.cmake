# tests/usb/ctrl_client.cmake - the control-request client against a fake
# Device OS (no USB).
bd_add_unit_test(usb_ctrl
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_usb_ctrl.c
  LIBS bd_usb_ctrl bd_transport)
