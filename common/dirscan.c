#include <sys/syscall.h>
#include <unistd.h>

#include "dirscan.h"

struct dirent64_raw {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

int
dir_each(int dirfd, int (*fn)(const char *name, unsigned char type, void *ctx),
         void *ctx)
{
	char buf[2048] __attribute__((aligned(8)));
	long n;

	while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof buf)) > 0) {
		long off;
		for (off = 0; off < n;) {
			struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);
			int r = fn(d->name, d->type, ctx);
			if (r)
				return r;
			off += d->reclen;
		}
	}
	return n < 0 ? -1 : 0;
}
