# dunbar_embed_files(TARGET NAMESPACE ns FILES a.lua b.lua)
# Turns text files (Lua scripts) into `constexpr std::string_view` constants in a generated header
# `<target>_embedded.h`, so scripts live in real .lua files (editable, lintable) yet ship inside
# the binary. Constant names are the file stem in kLowerCamel form: enroll_member.lua ->
# kEnrollMemberLua.
function(dunbar_embed_files TARGET)
  cmake_parse_arguments(ARG "" "NAMESPACE" "FILES" ${ARGN})
  set(header ${CMAKE_CURRENT_BINARY_DIR}/embedded/${TARGET}_embedded.h)
  set(script ${CMAKE_BINARY_DIR}/embed_${TARGET}.cmake)
  set(abs_files)
  foreach(f IN LISTS ARG_FILES)
    list(APPEND abs_files ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  endforeach()
  file(WRITE ${script} "
set(out \"// Generated from Lua sources by dunbar_embed_files. Do not edit.\\n#pragma once\\n#include <string_view>\\nnamespace ${ARG_NAMESPACE} {\\n\")
foreach(f ${abs_files})
  get_filename_component(stem \${f} NAME_WE)
  string(REGEX REPLACE \"_([a-z0-9])\" \";\\\\1\" parts \${stem})
  set(name \"k\")
  foreach(p IN LISTS parts)
    string(SUBSTRING \${p} 0 1 first)
    string(TOUPPER \${first} first)
    string(SUBSTRING \${p} 1 -1 rest)
    string(APPEND name \${first}\${rest})
  endforeach()
  file(READ \${f} body)
  string(APPEND out \"inline constexpr std::string_view \${name}Lua = R\\\"lua(\${body})lua\\\";\\n\")
endforeach()
string(APPEND out \"}  // namespace ${ARG_NAMESPACE}\\n\")
file(WRITE ${header}.tmp \"\${out}\")
execute_process(COMMAND \${CMAKE_COMMAND} -E copy_if_different ${header}.tmp ${header})
")
  add_custom_command(
    OUTPUT ${header}
    COMMAND ${CMAKE_COMMAND} -P ${script}
    DEPENDS ${abs_files} ${script}
    COMMENT "embedding ${TARGET} scripts"
    VERBATIM)
  add_custom_target(${TARGET}_embed DEPENDS ${header})
  add_dependencies(${TARGET} ${TARGET}_embed)
  target_include_directories(${TARGET} PUBLIC ${CMAKE_CURRENT_BINARY_DIR}/embedded)
endfunction()
