# CPack WiX configuration for the Windows MSI of Faultline.
#
# Included from the top-level CMakeLists.txt on Windows, after add_subdirectory(app) (it refers to
# the faultline and faultline-cli targets):
#
#   if(WIN32)
#     include(packaging/windows/CPackWix.cmake)
#   endif()
#
# then, on the Windows builder (.github/workflows/windows.yml):
#   cmake --build build --config Release
#   cd build && cpack -G WIX -C Release        -> Faultline-<version>-win64.msi
#
# Needs the WiX Toolset 3.x (candle.exe, light.exe) on PATH or in WIX (CPack's WIX generator is
# WiX 3 up to CMake 3.29; CPACK_WIX_VERSION 4 exists from 3.30). packaging/msi/faultline.wxs is
# the same installer written by hand for wixl, and shares the UpgradeCode below.

if(NOT WIN32)
  message(WARNING "packaging/windows/CPackWix.cmake is meant for Windows builds; ignored here")
  return()
endif()

set(_faultline_win_dir ${CMAKE_CURRENT_LIST_DIR})

# --- Runtime files beside the executables (bin/) ------------------------------------------------

# The MSVC runtime (msvcp140.dll, vcruntime140*.dll ...) next to the executables.
set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION ${CMAKE_INSTALL_BINDIR})
include(InstallRequiredSystemLibraries)

# Qt: windeployqt through Qt's deploy script (Qt 6.3+ on Windows) copies the Qt DLLs, the plugins
# (platforms/qwindows, styles, imageformats, sqldrivers/qsqlite, ...) and writes qt.conf.
# faultline links every Qt module faultline-cli does, so one deployment serves both.
if(Qt6_VERSION VERSION_GREATER_EQUAL 6.5)
  qt_generate_deploy_app_script(TARGET faultline OUTPUT_SCRIPT _faultline_qt_deploy
                                NO_UNSUPPORTED_PLATFORM_ERROR)
else() # Qt 6.3 / 6.4
  qt_generate_deploy_app_script(TARGET faultline FILENAME_VARIABLE _faultline_qt_deploy
                                NO_UNSUPPORTED_PLATFORM_ERROR)
endif()
install(SCRIPT ${_faultline_qt_deploy})

# Everything else the executables load (libtorch: torch_cpu.dll, c10.dll, fbgemm.dll,
# libiomp5md.dll ...; OpenCV, LIBSVM, SQLite and their vcpkg dependencies): resolved at install
# time with file(GET_RUNTIME_DEPENDENCIES) in the directories below, minus Windows' own DLLs and
# Qt's (deployed above).
set(_faultline_dll_dirs "")
if(TORCH_INSTALL_PREFIX)
  list(APPEND _faultline_dll_dirs "${TORCH_INSTALL_PREFIX}/lib")
endif()
if(DEFINED VCPKG_INSTALLED_DIR AND DEFINED VCPKG_TARGET_TRIPLET)
  list(APPEND _faultline_dll_dirs "${VCPKG_INSTALLED_DIR}/${VCPKG_TARGET_TRIPLET}/bin")
endif()
if(OpenCV_DIR)
  # choco/official OpenCV: <root>/build/x64/vc16/lib holds the config, ../bin the DLLs.
  list(APPEND _faultline_dll_dirs "${OpenCV_DIR}/../bin" "${OpenCV_DIR}/x64/vc16/bin" "${OpenCV_DIR}/x64/vc17/bin")
endif()
set(FAULTLINE_RUNTIME_DLL_DIRS "${_faultline_dll_dirs}" CACHE STRING
    "Directories searched for the DLLs faultline.exe and faultline-cli.exe need (Windows packaging)")
set(_faultline_dll_dirs_quoted "")
foreach(_dir IN LISTS FAULTLINE_RUNTIME_DLL_DIRS)
  string(APPEND _faultline_dll_dirs_quoted " \"${_dir}\"")
endforeach()
install(CODE "
  file(GET_RUNTIME_DEPENDENCIES
    EXECUTABLES \"$<TARGET_FILE:faultline>\" \"$<TARGET_FILE:faultline-cli>\"
    DIRECTORIES ${_faultline_dll_dirs_quoted}
    RESOLVED_DEPENDENCIES_VAR _faultline_deps
    UNRESOLVED_DEPENDENCIES_VAR _faultline_missing
    PRE_EXCLUDE_REGEXES \"^api-ms-\" \"^ext-ms-\" \"^[Qq]t6\"
    POST_EXCLUDE_REGEXES \"[Ss]ystem32\" \"[Ww]in[Ss]x[Ss]\")
  foreach(_dll IN LISTS _faultline_deps)
    file(INSTALL \"\${_dll}\" DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  endforeach()
  if(_faultline_missing)
    message(WARNING \"Faultline: DLLs not found (add their folders to FAULTLINE_RUNTIME_DLL_DIRS): \${_faultline_missing}\")
  endif()
")

# --- Package metadata ---------------------------------------------------------------------------

set(CPACK_GENERATOR WIX)
set(CPACK_PACKAGE_NAME Faultline)
set(CPACK_PACKAGE_VENDOR "The Faultline developers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Find, interpret and fix the failure modes of an image classifier")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/faultline/faultline")
set(CPACK_PACKAGE_INSTALL_DIRECTORY Faultline)          # C:\Program Files\Faultline
set(CPACK_PACKAGE_FILE_NAME Faultline-${PROJECT_VERSION}-win64)

# Fixed for the life of the product (= UpgradeCode in packaging/msi/faultline.wxs): with it,
# CPack's WiX template adds MajorUpgrade, so any installed version is replaced by the new one
# (a newer one installed stops the older installer). The ProductCode is new in every build.
set(CPACK_WIX_UPGRADE_GUID "ABCB6D41-517F-4FE7-8F63-0AC35E381AB2")
set(CPACK_WIX_ARCHITECTURE x64)                        # CMake 3.24+; x64 is also the default
set(CPACK_WIX_PRODUCT_ICON ${_faultline_win_dir}/faultline.ico)
set(CPACK_WIX_PROGRAM_MENU_FOLDER Faultline)
set(CPACK_WIX_PROPERTY_ARPURLINFOABOUT "https://github.com/faultline/faultline")
set(CPACK_WIX_PROPERTY_ARPHELPLINK "https://github.com/faultline/faultline/issues")
set(CPACK_WIX_PROPERTY_ARPCOMMENTS "${CPACK_PACKAGE_DESCRIPTION_SUMMARY}")

# Per machine (Program Files, Start-menu entry for all users). CMake 3.29+ writes
# Package/@InstallScope="perMachine" (its default, stated here); before 3.29 CPack writes no
# InstallScope, so ALLUSERS=1 is set as a property instead (both at once would define ALLUSERS
# twice).
if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.29)
  set(CPACK_WIX_INSTALL_SCOPE perMachine)
else()
  set(CPACK_WIX_PROPERTY_ALLUSERS 1)
endif()

# The licence page of the installer: the WIX generator takes .rtf or .txt (converted to RTF).
configure_file(${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_BINARY_DIR}/packaging/windows/LICENSE.txt COPYONLY)
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_BINARY_DIR}/packaging/windows/LICENSE.txt)

# Start-menu shortcut "Faultline" -> bin\faultline.exe. Since CMake 3.21 the INSTALL property
# must name the file as installed (relative to the prefix), not the build-tree path.
set_property(INSTALL "${CMAKE_INSTALL_BINDIR}/$<TARGET_FILE_NAME:faultline>"
             PROPERTY CPACK_START_MENU_SHORTCUTS "Faultline")

include(CPack)
