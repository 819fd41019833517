#ifndef EMBCOMPRESS_CHDF5_SHIM_H
#define EMBCOMPRESS_CHDF5_SHIM_H

#include <hdf5.h>
#include <errno.h>
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

// For the launcher that forks HDF5 readers (HDF5ChildLauncher): descriptors over a Unix socket,
// fork, and the wait-status macros, none of which Swift imports.

#include <sys/socket.h>
#include <sys/wait.h>
#include <string.h>

/// A connected pair of close-on-exec datagram sockets that keep message boundaries, or -1.
static inline int chdf5_socket_pair(int fds[2]) {
  return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
}

/// Sends one message of `length` bytes with `count` (at most 4) descriptors attached.
static inline ssize_t chdf5_send_message(int socket, const void *bytes, size_t length, const int *fds, int count) {
  struct iovec vector = {(void *)bytes, length};
  struct msghdr message;
  memset(&message, 0, sizeof message);
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  union { struct cmsghdr align; char space[CMSG_SPACE(4 * sizeof(int))]; } control;
  memset(&control, 0, sizeof control);
  if (count > 0) {
    if (count > 4) return -1;
    message.msg_control = control.space;
    message.msg_controllen = CMSG_SPACE(count * sizeof(int));
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(count * sizeof(int));
    memcpy(CMSG_DATA(header), fds, count * sizeof(int));
  }
  ssize_t sent;
  do { sent = sendmsg(socket, &message, MSG_NOSIGNAL); } while (sent < 0 && errno == EINTR);
  return sent;
}

/// Receives one message into `bytes` and up to 4 descriptors into `fds` (close-on-exec), their
/// number in `*count`; the message's length, 0 at end of file, or -1. A truncated message or
/// descriptors beyond 4 fail, their descriptors closed.
static inline ssize_t chdf5_receive_message(int socket, void *bytes, size_t length, int *fds, int *count) {
  struct iovec vector = {bytes, length};
  struct msghdr message;
  memset(&message, 0, sizeof message);
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  union { struct cmsghdr align; char space[CMSG_SPACE(4 * sizeof(int))]; } control;
  message.msg_control = control.space;
  message.msg_controllen = sizeof control.space;
  *count = 0;
  ssize_t got;
  do { got = recvmsg(socket, &message, MSG_CMSG_CLOEXEC); } while (got < 0 && errno == EINTR);
  if (got < 0) return got;
  for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    int n = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    for (int i = 0; i < n; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof fd);
      if (*count < 4) fds[(*count)++] = fd; else close(fd);
    }
  }
  if (message.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
    for (int i = 0; i < *count; i++) close(fds[i]);
    *count = 0;
    errno = EMSGSIZE;
    return -1;
  }
  return got;
}

static inline pid_t chdf5_fork(void) { return fork(); }
static inline int chdf5_exit_status(int status) { return WEXITSTATUS(status); }
static inline int chdf5_signaled(int status) { return WIFSIGNALED(status); }
static inline int chdf5_term_signal(int status) { return WTERMSIG(status); }

#endif
