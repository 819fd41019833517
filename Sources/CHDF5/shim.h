#ifndef EMBCOMPRESS_CHDF5_SHIM_H
#define EMBCOMPRESS_CHDF5_SHIM_H

#include <hdf5.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <signal.h>
#include <unistd.h>

// HDF5's type and flag "constants" are macros that expand to H5open() plus a
// global, which Swift cannot import (and Swift 6 refuses the *_g globals as
// unsafe shared state). Each one is returned from a function instead.

static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_ieee_f16le(void) {
  // HDF5 1.10 has no predefined half type; build IEEE binary16 from f32.
  hid_t t = H5Tcopy(H5T_IEEE_F32LE);
  if (t < 0) return t;
  if (H5Tset_fields(t, 15, 10, 5, 0, 10) < 0 || H5Tset_size(t, 2) < 0 ||
      H5Tset_ebias(t, 15) < 0) {
    H5Tclose(t);
    return -1;
  }
  return t;
}
static inline hid_t chdf5_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t chdf5_ieee_f32be(void) { return H5T_IEEE_F32BE; }
static inline hid_t chdf5_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t chdf5_ieee_f64be(void) { return H5T_IEEE_F64BE; }
static inline unsigned chdf5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned chdf5_acc_excl(void) { return H5F_ACC_EXCL; }
static inline hid_t chdf5_p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t chdf5_p_dataset_access(void) { return H5P_DATASET_ACCESS; }
static inline hid_t chdf5_p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t chdf5_default(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_s_all(void) { return H5S_ALL; }
static inline hid_t chdf5_e_default(void) { return H5E_DEFAULT; }

/// Turns off HDF5's automatic error printing, so the program can print its own line.
static inline void chdf5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }


/// Refuses to follow an external link: a hostile file must not make us open another file.
static inline herr_t chdf5_deny_external_link(const char *parent_file, const char *parent_group,
                                              const char *child_file, const char *child_object,
                                              unsigned *flags, hid_t fapl, void *data) {
  (void)parent_file; (void)parent_group; (void)child_file; (void)child_object;
  (void)flags; (void)fapl; (void)data;
  return -1;
}

/// A dataset access list that refuses external links (H5Dopen2 follows them otherwise); the
/// caller closes it. Without `deny`, the default list.
static inline hid_t chdf5_dataset_access(int deny) {
  if (!deny) return H5Pcreate(H5P_DATASET_ACCESS);
  hid_t list = H5Pcreate(H5P_DATASET_ACCESS);
  if (list < 0) return list;
  if (H5Pset_elink_cb(list, chdf5_deny_external_link, NULL) < 0) {
    H5Pclose(list);
    return -1;
  }
  return list;
}

static inline haddr_t chdf5_haddr_undef(void) { return HADDR_UNDEF; }

// For the child process that reads HDF5 (HDF5ChildTableSource): glibc declares these only
// under _GNU_SOURCE, which the Swift importer does not set.

/// Anonymous shared memory for the rows (memfd_create with MFD_CLOEXEC), or -1.
static inline int chdf5_shared_memory(void) {
  return (int)syscall(SYS_memfd_create, "embcompress-hdf5-rows", 1u /* MFD_CLOEXEC */);
}

/// Makes the calling process receive SIGKILL when its parent dies.
static inline int chdf5_die_with_parent(void) { return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); }

#endif
