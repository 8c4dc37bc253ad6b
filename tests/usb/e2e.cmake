# tests/usb/e2e.cmake - adds tests/e2e_usb (tests/CMakeLists.txt lists its
# subdirectories by name; this keeps that file untouched).  It needs the
# virtual devices' USB models (tests/virtual/vdev_dfu.c), so it is only
# added once tests/virtual builds them.
file(READ ${PROJECT_SOURCE_DIR}/tests/virtual/CMakeLists.txt BD_VDEV_CMAKE)
string(FIND "${BD_VDEV_CMAKE}" "vdev_dfu.c" BD_VDEV_HAS_DFU)
if(BD_VDEV_HAS_DFU GREATER -1)
  add_subdirectory(${PROJECT_SOURCE_DIR}/tests/e2e_usb ${PROJECT_BINARY_DIR}/tests/e2e_usb)
else()
  message(STATUS "tests/e2e_usb: waiting for the DfuSe model in tests/virtual")
endif()
