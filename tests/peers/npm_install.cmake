# npm_install.cmake - CTest fixture peer_cli_install: installs particle-cli
# 3.40.0 and execa 5 into PREFIX once (cached: skipped when both are there).
#   cmake -DNPM=npm -DPREFIX=<build>/peers -P npm_install.cmake
# Needs the npm registry.  npm 11 does not run install scripts here; the
# native modules (usb, @serialport/bindings-cpp) ship prebuilt binaries that
# node-gyp-build finds at run time.
set(cli "${PREFIX}/node_modules/particle-cli/package.json")
set(execa "${PREFIX}/node_modules/execa/package.json")
if(EXISTS "${cli}" AND EXISTS "${execa}")
  file(READ "${cli}" text)
  string(JSON cli_version GET "${text}" version)
  file(READ "${execa}" text)
  string(JSON execa_version GET "${text}" version)
  if(cli_version STREQUAL "3.40.0" AND execa_version MATCHES "^5\\.")
    message(STATUS "particle-cli ${cli_version} and execa ${execa_version} already in ${PREFIX}")
    return()
  endif()
endif()
file(MAKE_DIRECTORY "${PREFIX}")
execute_process(
  COMMAND "${NPM}" install --no-audit --no-fund --prefix "${PREFIX}" particle-cli@3.40.0 execa@5
  RESULT_VARIABLE rc
  TIMEOUT 900)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm install of particle-cli@3.40.0 execa@5 into ${PREFIX} failed (${rc}); "
                      "the npm registry must be reachable")
endif()
