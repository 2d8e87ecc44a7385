#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "file.h"

static const char *const names[] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
	"SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE",
	"NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
	"SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
	"SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL",
	"SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
	"BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};
#define NCAPS ((int)(sizeof names / sizeof names[0]))

#define B(c) (1ULL << (c))

int
cap_parse(const char *name)
{
	int i;

	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	for (i = 0; i < NCAPS; i++)
		if (strcasecmp(name, names[i]) == 0)
			return i;
	return -1;
}

int
caps_last(void)
{
	char buf[16];
	ssize_t n = file_read(NULL, "/proc/sys/kernel/cap_last_cap", buf, sizeof buf);

	if (n <= 0)
		return CAP_LAST_CAP;
	n = atoi(buf);
	return n > 0 && n < 64 ? (int)n : CAP_LAST_CAP;
}

uint64_t
caps_effective(uint64_t add, uint64_t drop, int last)
{
	uint64_t all = (B(last) << 1) - 1;

	return ((CAPS_DEFAULT & ~drop) | add) & all;
}

int
caps_limit_bounding(uint64_t keep, int last)
{
	int cap;

	for (cap = 0; cap <= last; cap++)
		if (!(keep & B(cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -1;
	return 0;
}

int
caps_set(uint64_t keep)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof d);
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	return (int)syscall(SYS_capset, &h, d);
}

int
caps_set_oci(uint64_t effective, uint64_t permitted, uint64_t inheritable, uint64_t ambient)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	int cap;

	memset(d, 0, sizeof d);
	d[0].effective = (uint32_t)effective;
	d[1].effective = (uint32_t)(effective >> 32);
	d[0].permitted = (uint32_t)permitted;
	d[1].permitted = (uint32_t)(permitted >> 32);
	d[0].inheritable = (uint32_t)inheritable;
	d[1].inheritable = (uint32_t)(inheritable >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -1;
	for (cap = 0; cap < 64; cap++)
		if ((ambient & B(cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return -1;
	return 0;
}
