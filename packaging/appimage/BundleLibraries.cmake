# Copies into APPDIR/usr/lib every shared library that the AppDir's executables and Qt plugins
# need, except those every Linux desktop has and that must come from the host (the AppImage
# community's excludelist: the C library family, the C++ runtime, the graphics stack, X11/xcb
# and Wayland client libraries, fonts and text shaping, sound, zlib, expat …).
#   cmake -DAPPDIR=DIR -P BundleLibraries.cmake
# Writes APPDIR/../bundled-libraries.txt ("soname<TAB>source file" per line) for the licence notices.
cmake_minimum_required(VERSION 3.21)
if(NOT APPDIR)
  message(FATAL_ERROR "usage: cmake -DAPPDIR=DIR -P BundleLibraries.cmake")
endif()

set(host_libraries
  ld-linux-x86-64 ld-linux libanl libBrokenLocale libc libcidn libdl libm libmvec libnsl libnss_[a-z]+
  libpthread libresolv librt libthread_db libutil libcrypt
  libstdc\\+\\+ libgcc_s
  libGL libEGL libGLX libGLdispatch libOpenGL libglapi libGLESv2 libdrm libgbm
  libX11 libX11-xcb libxcb
  libwayland-client libwayland-cursor libwayland-egl
  libfontconfig libfreetype libharfbuzz libfribidi libthai
  libasound
  libz libexpat libgmp libcom_err libgpg-error libuuid libusb-1\\.0
  libglib-2\\.0 libgobject-2\\.0 libgio-2\\.0 libgmodule-2\\.0 libgthread-2\\.0)
list(JOIN host_libraries "|" alternatives)
set(exclude_regex "/(${alternatives})\\.so(\\.[0-9]+)*$")

set(executables "${APPDIR}/usr/bin/faultline" "${APPDIR}/usr/bin/faultline-cli")
file(GLOB_RECURSE plugins "${APPDIR}/usr/plugins/*.so")
file(GET_RUNTIME_DEPENDENCIES
  EXECUTABLES ${executables}
  MODULES ${plugins}
  RESOLVED_DEPENDENCIES_VAR resolved
  UNRESOLVED_DEPENDENCIES_VAR unresolved
  CONFLICTING_DEPENDENCIES_PREFIX conflicting
  POST_EXCLUDE_REGEXES "${exclude_regex}")
if(unresolved)
  message(FATAL_ERROR "libraries not found: ${unresolved}")
endif()
foreach(name IN LISTS conflicting_FILENAMES)
  message(WARNING "${name} found in several places: ${conflicting_${name}}; bundling the first")
  list(GET conflicting_${name} 0 first)
  list(APPEND resolved "${first}")
endforeach()

file(MAKE_DIRECTORY "${APPDIR}/usr/lib")
set(manifest "")
foreach(library IN LISTS resolved)
  get_filename_component(name "${library}" NAME)    # the soname the executables ask for
  get_filename_component(real "${library}" REALPATH) # the file behind its symlinks
  file(COPY_FILE "${real}" "${APPDIR}/usr/lib/${name}" ONLY_IF_DIFFERENT)
  string(APPEND manifest "${name}\t${real}\n")
endforeach()
list(LENGTH resolved count)
file(WRITE "${APPDIR}/../bundled-libraries.txt" "${manifest}")
message(STATUS "bundled ${count} libraries into ${APPDIR}/usr/lib")
