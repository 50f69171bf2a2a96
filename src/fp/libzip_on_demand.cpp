// libzip (which brings libcrypto, 3 ms of start-up), opened on first use (see
// numkit/core/detail/on_demand_library.hpp): the functions the .npz reader calls, forwarded to
// the library's own definitions.
#include <zip.h>

#include "numkit/core/detail/on_demand_library.hpp"

namespace {
constexpr const char* kLibzip = NUMKIT_LIBZIP_LIBRARY;
}  // namespace

extern "C" {

zip_t* zip_fdopen(int fd, int flags, int* error) {
  return NUMKIT_ON_DEMAND(kLibzip, zip_fdopen)(fd, flags, error);
}
zip_t* zip_open_from_source(zip_source_t* source, int flags, zip_error_t* error) {
  return NUMKIT_ON_DEMAND(kLibzip, zip_open_from_source)(source, flags, error);
}
zip_source_t* zip_source_buffer_create(const void* data, zip_uint64_t length, int free_when_done,
                                       zip_error_t* error) {
  return NUMKIT_ON_DEMAND(kLibzip, zip_source_buffer_create)(data, length, free_when_done, error);
}
void zip_source_free(zip_source_t* source) {
  NUMKIT_ON_DEMAND(kLibzip, zip_source_free)(source);
}
void zip_discard(zip_t* archive) {
  NUMKIT_ON_DEMAND(kLibzip, zip_discard)(archive);
}
zip_int64_t zip_get_num_entries(zip_t* archive, zip_flags_t flags) {
  return NUMKIT_ON_DEMAND(kLibzip, zip_get_num_entries)(archive, flags);
}
void zip_stat_init(zip_stat_t* stat) {
  NUMKIT_ON_DEMAND(kLibzip, zip_stat_init)(stat);
}
int zip_stat_index(zip_t* archive, zip_uint64_t index, zip_flags_t flags, zip_stat_t* stat) {
  return NUMKIT_ON_DEMAND(kLibzip, zip_stat_index)(archive, index, flags, stat);
}
zip_file_t* zip_fopen_index(zip_t* archive, zip_uint64_t index, zip_flags_t flags) {
  return NUMKIT_ON_DEMAND(kLibzip, zip_fopen_index)(archive, index, flags);
}
zip_int64_t zip_fread(zip_file_t* file, void* buffer, zip_uint64_t length) {
  return NUMKIT_ON_DEMAND(kLibzip, zip_fread)(file, buffer, length);
}
int zip_fclose(zip_file_t* file) {
  return NUMKIT_ON_DEMAND(kLibzip, zip_fclose)(file);
}
zip_error_t* zip_get_error(zip_t* archive) {
  return NUMKIT_ON_DEMAND(kLibzip, zip_get_error)(archive);
}
void zip_error_init(zip_error_t* error) {
  NUMKIT_ON_DEMAND(kLibzip, zip_error_init)(error);
}
void zip_error_init_with_code(zip_error_t* error, int code) {
  NUMKIT_ON_DEMAND(kLibzip, zip_error_init_with_code)(error, code);
}
void zip_error_fini(zip_error_t* error) {
  NUMKIT_ON_DEMAND(kLibzip, zip_error_fini)(error);
}
const char* zip_error_strerror(zip_error_t* error) {
  return NUMKIT_ON_DEMAND(kLibzip, zip_error_strerror)(error);
}

}  // extern "C"
