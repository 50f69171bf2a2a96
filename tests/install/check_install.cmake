# `make install` as a user runs it: cmake --install into a fresh prefix, then the installed
# binary, its PETSc plugin (found at ../lib/numkit/), the completions and `man numkit` are used
# from there. Run by ctest: cmake -DBUILD_DIR=... -DPREFIX=... -DHAVE_ENGINE=ON|OFF
# -DHAVE_MAN_PAGE=0|1 -P this file.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
set(expected bin/numkit share/bash-completion/completions/numkit
             share/zsh/vendor-completions/_numkit share/fish/vendor_completions.d/numkit.fish)
if(HAVE_MAN_PAGE)  # help2man (scripts/setup.sh installs it) was found at configure time
  list(APPEND expected share/man/man1/numkit.1)
endif()
if(HAVE_ENGINE)
  list(APPEND expected lib/numkit/libnumkit_petsc_engine.so)
endif()
foreach(f IN LISTS expected)
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "not installed: ${PREFIX}/${f}")
  endif()
endforeach()

execute_process(COMMAND ${PREFIX}/bin/numkit poisson cdf 3 --mean 2 --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\"cdf\": 0.857123460498547")
  message(FATAL_ERROR "the installed numkit does not answer: ${rc} ${out}")
endif()
if(HAVE_ENGINE)  # the plugin is found relative to the installed binary
  execute_process(COMMAND ${PREFIX}/bin/numkit quad minimize -A "[[2,0],[0,4]]" -b 2,4
                          --backend petsc --json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "\"backend\": \"petsc\"")
    message(FATAL_ERROR "the installed PETSc engine does not load: ${rc} ${out} ${err}")
  endif()
endif()

# the bash completion completes a command word
file(READ ${PREFIX}/share/bash-completion/completions/numkit bash_completion)
if(NOT bash_completion MATCHES "poisson")
  message(FATAL_ERROR "the bash completion does not know the commands")
endif()

# man numkit, with the installed tree on MANPATH
find_program(MAN man)
if(MAN AND HAVE_MAN_PAGE)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env MANPATH=${PREFIX}/share/man MANPAGER=cat
                          MANWIDTH=100 ${MAN} numkit
                  RESULT_VARIABLE rc OUTPUT_VARIABLE page ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT page MATCHES "NUMKIT\\(1\\)" OR NOT page MATCHES "quadratic forms")
    message(FATAL_ERROR "man numkit: ${rc} ${err}")
  endif()
endif()
