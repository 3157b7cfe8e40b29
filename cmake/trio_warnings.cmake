# trio_set_warnings(<target>): the project's warning set on one of its own targets.
# Third-party headers (Relacy, peers) are not compiled with it.
option(TRIO_WERROR "Treat warnings as errors" OFF)

function(trio_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion>
    $<$<COMPILE_LANG_AND_ID:C,GNU,Clang>:-Wall -Wextra -Wpedantic>)
  if(TRIO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
