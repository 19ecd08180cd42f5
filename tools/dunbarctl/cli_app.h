// dunbarctl's entry point as a library function, so tests run the real command line against an
// in-process server and capture what it prints.
//
//   std::ostringstream out, err;
//   const char* argv[] = {"dunbarctl", "--addr", "127.0.0.1:50051", "members", "get", "m_1"};
//   int exit_code = RunCli(6, argv, out, err);   // see exit_codes.h
#pragma once

#include <ostream>

namespace dunbar::dunbarctl {

int RunCli(int argc, const char* const argv[], std::ostream& out, std::ostream& err);

}  // namespace dunbar::dunbarctl
