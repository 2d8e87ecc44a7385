/*
 * Built by hand from the kernel headers rather than with libseccomp: the
 * filter is a fixed list, a static libseccomp would triple the size of
 * mocker, and reading forty lines of BPF is easier than trusting a
 * generator. The architecture is checked first; syscalls of another ABI
 * (x32, i386 on x86_64) are refused outright.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp.h"

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define ARCH AUDIT_ARCH_I386
#else
#error "seccomp: add this architecture's AUDIT_ARCH"
#endif

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
                  CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | 0x00000080 /* NEWTIME */)

/* Refused whatever their arguments. */
static const int blocked[] = {
#ifdef SYS_kexec_load
	SYS_kexec_load,
#endif
#ifdef SYS_kexec_file_load
	SYS_kexec_file_load,
#endif
	SYS_init_module, SYS_finit_module, SYS_delete_module,
	SYS_open_by_handle_at, SYS_name_to_handle_at, SYS_bpf, SYS_perf_event_open,
	SYS_userfaultfd, SYS_add_key, SYS_request_key, SYS_keyctl,
	SYS_mount, SYS_umount2, SYS_pivot_root, SYS_move_mount, SYS_fsopen,
	SYS_fsmount, SYS_fsconfig, SYS_fspick, SYS_open_tree, SYS_mount_setattr,
	SYS_setns, SYS_reboot, SYS_swapon, SYS_swapoff, SYS_settimeofday,
	SYS_clock_settime, SYS_adjtimex, SYS_clock_adjtime, SYS_acct, SYS_syslog,
	SYS_quotactl, SYS_lookup_dcookie, SYS_vhangup,
#ifdef SYS_iopl
	SYS_iopl, SYS_ioperm,
#endif
#ifdef SYS_uselib
	SYS_uselib,
#endif
};
#define NBLOCKED (sizeof blocked / sizeof blocked[0])

#define STMT(c, k)       ((struct sock_filter)BPF_STMT(c, k))
#define JEQ(k, t, f)     ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), t, f))
#define JGE(k, t, f)     ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), t, f))
#define JSET(k, t, f)    ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (k), t, f))
#define LD_NR    STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LD_ARCH  STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch))
/* The low 32 bits of an argument (little-endian): where ioctl's command and
 * the namespace flags live, and all the kernel reads of an int command. */
#define LD_ARG_LO(n) STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[n]))
#define RET(v)   STMT(BPF_RET | BPF_K, (v))
#define EPERM_   (SECCOMP_RET_ERRNO | EPERM)
#define AND(k)   STMT(BPF_ALU | BPF_AND | BPF_K, (k))

/* Device numbers mknod may still make (CAP_MKNOD is in the default set, for
 * images that make their own /dev): the harmless character devices, as
 * userspace encodes a small dev_t, the kernel reads 32 bits of it. */
static const unsigned allowed_devices[] = {
	0x103 /* null */, 0x105 /* zero */, 0x107 /* full */, 0x108 /* random */,
	0x109 /* urandom */, 0x500 /* tty */, 0x502 /* ptmx */,
};
#define NDEVICES (sizeof allowed_devices / sizeof allowed_devices[0])

/* mknod(at): no block devices; no character devices but the harmless ones
 * (no /dev/mem, no disks: there is no device cgroup to stop their use).
 * FIFOs, sockets and files pass. Appends 11 + NDEVICES instructions. */
static unsigned
mknod_rules(struct sock_filter *f, unsigned n, int nr, int mode_arg, int dev_arg)
{
	unsigned j;

	f[n++] = LD_NR;
	f[n++] = JEQ((unsigned)nr, 0, 9 + NDEVICES);
	f[n++] = LD_ARG_LO(mode_arg);
	f[n++] = AND(S_IFMT);
	f[n++] = JEQ(S_IFBLK, 0, 1);
	f[n++] = RET(EPERM_);
	f[n++] = JEQ(S_IFCHR, 1, 0);
	f[n++] = RET(SECCOMP_RET_ALLOW);
	f[n++] = LD_ARG_LO(dev_arg);
	for (j = 0; j < NDEVICES; j++)
		f[n++] = JEQ(allowed_devices[j], (unsigned char)(NDEVICES - j), 0);
	f[n++] = RET(EPERM_);
	f[n++] = RET(SECCOMP_RET_ALLOW);
	return n;
}

int
seccomp_load_default(void)
{
	struct sock_filter f[2 * NBLOCKED + 2 * (12 + NDEVICES) + 32];
	struct sock_fprog prog = { .filter = f };
	unsigned n = 0, i;

	f[n++] = LD_ARCH;
	f[n++] = JEQ(ARCH, 1, 0);
	f[n++] = RET(EPERM_);
	f[n++] = LD_NR;
#if defined(__x86_64__)
	f[n++] = JGE(__X32_SYSCALL_BIT, 0, 1);
	f[n++] = RET(EPERM_);
#endif
	for (i = 0; i < NBLOCKED; i++) {
		f[n++] = JEQ((unsigned)blocked[i], 0, 1);
		f[n++] = RET(EPERM_);
	}
	/* clone3 passes its flags in memory the filter cannot read: ENOSYS
	 * makes libc fall back to clone, whose flags it can. */
	f[n++] = JEQ(SYS_clone3, 0, 1);
	f[n++] = RET(SECCOMP_RET_ERRNO | ENOSYS);
	/* clone and unshare: no new namespaces (the flags are argument 0). */
	f[n++] = JEQ(SYS_clone, 1, 0);
	f[n++] = JEQ(SYS_unshare, 0, 3);
	f[n++] = LD_ARG_LO(0);
	f[n++] = JSET(NS_FLAGS, 0, 1);
	f[n++] = RET(EPERM_);
	/* ioctl: no typing into the terminal (TIOCSTI) nor console tricks. */
	f[n++] = LD_NR;
	f[n++] = JEQ(SYS_ioctl, 0, 4);
	f[n++] = LD_ARG_LO(1);
	f[n++] = JEQ(TIOCSTI, 1, 0);
	f[n++] = JEQ(TIOCLINUX, 0, 1);
	f[n++] = RET(EPERM_);
#ifdef SYS_mknod
	n = mknod_rules(f, n, SYS_mknod, 1, 2);
#endif
	n = mknod_rules(f, n, SYS_mknodat, 2, 3);
	f[n++] = RET(SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)n;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}
