#pragma once
// numkit's side of the PETSc engine: finding and opening the plugin (libnumkit_petsc_engine.so,
// installed beside the numkit binary), MPI start-up and the collectives the drivers need. Nothing
// here links PETSc or MPI; they are loaded by dlopen the first time engine() is called.
#include <cstdint>
#include <string>

#include "numkit/petsc/engine_abi.h"

namespace numkit::petsc {

// True when an MPI launcher (mpirun, mpiexec, srun with PMI/PMIx) started this process.
bool launched_by_mpi();

// The plugin's file: $NUMKIT_PETSC_ENGINE if set, else libnumkit_petsc_engine.so beside the
// executable, else ../lib/numkit/ relative to it.
std::string plugin_path();

class Engine {
 public:
  const numkit_petsc_engine& api() const { return *api_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  const std::string& petsc_version() const { return version_; }
  const std::string& path() const { return path_; }

  // Collective error agreement: every rank calls it after a step that may have failed locally
  // (message non-empty). If any rank failed, every rank throws InputError with the message of
  // the lowest failing rank (rank 0 prints it; the others are silent), so no rank is left
  // waiting in a collective call.
  void agree(const std::string& local_error) const;
  int64_t sum(int64_t v) const;
  int64_t max(int64_t v) const;
  double sum(double v) const;
  int64_t exscan(int64_t v) const;

 private:
  friend const Engine& engine();
  Engine() = default;
  const numkit_petsc_engine* api_ = nullptr;
  int rank_ = 0, size_ = 1;
  std::string version_, path_;
};

// Loads the plugin and starts MPI and PETSc on first use (collective under mpirun). Throws
// EnvironmentError ("petsc engine: cannot load ...: reason", exit 2) when it cannot be loaded. On
// every rank but 0, standard output and standard error then go to /dev/null: rank 0 alone reports.
// PETSc and MPI are finalized at exit.
const Engine& engine();
bool engine_loaded();

}  // namespace numkit::petsc
