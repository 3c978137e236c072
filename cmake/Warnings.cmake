# One place for the warning set every target of ours uses.
add_library(gpo_warnings INTERFACE)
target_compile_options(gpo_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations)
if(GPO_WERROR)
  target_compile_options(gpo_warnings INTERFACE -Werror)
endif()
