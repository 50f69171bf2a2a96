// Opening the PETSc engine plugin on demand (dlopen), so that commands which do not use PETSc
// never load it or MPI: their start-up stays that of a plain C++ program.
#include "numkit/petsc/engine.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "numkit/core/error.hpp"

namespace numkit::petsc {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPluginName = "libnumkit_petsc_engine.so";

Engine* g_engine = nullptr;

void finalize_at_exit() {
  if (g_engine) g_engine->api().finalize();
}

}  // namespace

bool launched_by_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(var)) return true;
  return false;
}

std::string plugin_path() {
  if (const char* env = std::getenv("NUMKIT_PETSC_ENGINE"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return kPluginName;  // the loader's search path
  const fs::path dir = exe.parent_path();
  for (const fs::path& candidate : {dir / kPluginName, dir / ".." / "lib" / "numkit" / kPluginName})
    if (fs::exists(candidate, ec)) return candidate.string();
  return (dir / kPluginName).string();
}

bool engine_loaded() {
  return g_engine != nullptr;
}

const Engine& engine() {
  if (g_engine) return *g_engine;
  const std::string path = plugin_path();
  // RTLD_GLOBAL: Open MPI opens its own components with dlopen and they need libmpi's symbols.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!handle) {
    const char* why = dlerror();
    throw EnvironmentError("petsc engine: cannot load " + path + ": " +
                           (why ? std::string(why) : "unknown reason") +
                           " (install libpetsc-real-dev and openmpi-bin, or use --backend native)");
  }
  auto entry = reinterpret_cast<numkit_petsc_entry_fn>(dlsym(handle, NUMKIT_PETSC_ENTRY_POINT));
  const numkit_petsc_engine* api = entry ? entry() : nullptr;
  if (!api || api->abi_version != NUMKIT_PETSC_ABI_VERSION)
    throw EnvironmentError("petsc engine: " + path +
                           " is not a numkit PETSc engine of interface version " +
                           std::to_string(NUMKIT_PETSC_ABI_VERSION));
  auto e = std::unique_ptr<Engine>(new Engine);
  e->api_ = api;
  e->path_ = path;
  char version[128] = {0}, err[512] = {0};
  if (api->init(&e->rank_, &e->size_, version, sizeof version, err, sizeof err))
    throw EnvironmentError(std::string("petsc engine: ") + err);
  e->version_ = version;
  g_engine = e.release();
  std::atexit(finalize_at_exit);
  if (g_engine->rank_ != 0) {
    // rank 0 alone reports; the others' output (and their copy of a shared error) is dropped
    std::fflush(stdout);
    std::fflush(stderr);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
      close(devnull);
    }
  }
  return *g_engine;
}

void Engine::agree(const std::string& local_error) const {
  int64_t failing = local_error.empty() ? size_ : rank_;
  int64_t first = failing;
  api_->allreduce_i64(&first, 1, NUMKIT_PETSC_MIN);
  if (first >= size_) return;
  int64_t length = rank_ == first ? static_cast<int64_t>(local_error.size()) : 0;
  api_->bcast(&length, sizeof length, static_cast<int>(first));
  std::string message(static_cast<std::size_t>(length), '\0');
  if (rank_ == first) message = local_error;
  if (length > 0) api_->bcast(message.data(), length, static_cast<int>(first));
  throw InputError(message);
}

int64_t Engine::sum(int64_t v) const {
  api_->allreduce_i64(&v, 1, NUMKIT_PETSC_SUM);
  return v;
}
int64_t Engine::max(int64_t v) const {
  api_->allreduce_i64(&v, 1, NUMKIT_PETSC_MAX);
  return v;
}
double Engine::sum(double v) const {
  api_->allreduce_f64(&v, 1, NUMKIT_PETSC_SUM);
  return v;
}
int64_t Engine::exscan(int64_t v) const {
  api_->exscan_i64(&v, 1);
  return v;
}

}  // namespace numkit::petsc
