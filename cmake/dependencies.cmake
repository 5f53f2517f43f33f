# Every dependency is a Debian bookworm package (scripts/install-deps).

find_package(PkgConfig REQUIRED)

# SystemC 2.3.4: Debian ships only pkg-config files, and the library's ABI tag is C++17
# (sc_api_version_2_3_4_cxx201703L), so C++20 consumers must pin SC_CPLUSPLUS (toolchain.md §2).
find_package(SystemCLanguage CONFIG QUIET)
if(NOT TARGET SystemC::systemc)
  pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET GLOBAL systemc>=2.3.4)
  add_library(SystemC::systemc ALIAS PkgConfig::SYSTEMC)
  set_property(TARGET PkgConfig::SYSTEMC APPEND PROPERTY
    INTERFACE_COMPILE_DEFINITIONS SC_CPLUSPLUS=201703L)
endif()

find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(LibLZMA REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET GLOBAL libzstd)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET GLOBAL libxxhash)
find_package(GTest REQUIRED)
include(GoogleTest)
find_package(Python 3.11 REQUIRED COMPONENTS Interpreter)
