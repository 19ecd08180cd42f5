# dunbar_proto_library(NAME PROTOS a.proto b.proto [IMPORT_DIRS dir...])
# Generates C++ messages, gRPC stubs and gMock stubs (generate_mock_code=true) with the system
# protoc and grpc_cpp_plugin, and wraps them in a static library.
find_program(DUNBAR_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)

function(dunbar_proto_library NAME)
  cmake_parse_arguments(ARG "" "ROOT" "PROTOS;IMPORT_DIRS" ${ARGN})
  set(out_dir ${CMAKE_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${out_dir})
  set(srcs)
  set(include_flags -I ${ARG_ROOT})
  foreach(dir IN LISTS ARG_IMPORT_DIRS)
    list(APPEND include_flags -I ${dir})
  endforeach()
  foreach(proto IN LISTS ARG_PROTOS)
    string(REGEX REPLACE "\\.proto$" "" stem ${proto})
    set(generated
      ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.pb.h
      ${out_dir}/${stem}.grpc.pb.cc ${out_dir}/${stem}.grpc.pb.h
      ${out_dir}/${stem}_mock.grpc.pb.h)
    add_custom_command(
      OUTPUT ${generated}
      COMMAND protobuf::protoc
        ${include_flags}
        --cpp_out=${out_dir}
        --grpc_out=generate_mock_code=true:${out_dir}
        --plugin=protoc-gen-grpc=${DUNBAR_GRPC_CPP_PLUGIN}
        ${proto}
      WORKING_DIRECTORY ${ARG_ROOT}
      DEPENDS ${ARG_ROOT}/${proto} protobuf::protoc
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(APPEND srcs ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.grpc.pb.cc)
  endforeach()
  add_library(${NAME} STATIC ${srcs})
  target_include_directories(${NAME} SYSTEM PUBLIC ${out_dir})
  target_link_libraries(${NAME} PUBLIC protobuf::libprotobuf gRPC::grpc++)
endfunction()
