// dunbarctl: see cli_app.h and `dunbarctl --help`.
#include <iostream>

#include "tools/dunbarctl/cli_app.h"

int main(int argc, char** argv) {
  return dunbar::dunbarctl::RunCli(argc, argv, std::cout, std::cerr);
}
