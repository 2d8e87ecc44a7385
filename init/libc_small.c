/*
 * The few string functions and calls of libc the init uses, in their
 * smallest form. musl's are built for speed (a word at a time: 100 to 240
 * bytes each) or carry compatibility for old kernels and ABIs; the init
 * calls them on short strings, rarely, and counts every byte (32 KiB in
 * all). A static link takes these instead of libc.a's.
 *
 * Built without the compiler's idiom recognition: it would turn these very
 * loops back into calls of themselves.
 */
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "sys.h"

#define SMALL __attribute__((used, optimize("no-tree-loop-distribute-patterns")))

extern char **environ;

SMALL size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

SMALL char *
__strchrnul(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return (char *)s;
}
char *strchrnul(const char *s, int c) __attribute__((alias("__strchrnul")));

SMALL char *
strchr(const char *s, int c)
{
	s = __strchrnul(s, c);
	return *s == (char)c ? (char *)s : NULL;
}

SMALL char *
__stpcpy(char *d, const char *s)
{
	while ((*d = *s++))
		d++;
	return d;
}
char *stpcpy(char *d, const char *s) __attribute__((alias("__stpcpy")));

SMALL char *
strcpy(char *d, const char *s)
{
	__stpcpy(d, s);
	return d;
}

SMALL char *
strcat(char *d, const char *s)
{
	__stpcpy(d + strlen(d), s);
	return d;
}

SMALL char *
strrchr(const char *s, int c)
{
	const char *last = NULL;

	do
		if (*s == (char)c)
			last = s;
	while (*s++);
	return (char *)last;
}

SMALL size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

SMALL int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *l = a, *r = b;

	for (; n && *l == *r; n--, l++, r++)
		;
	return n ? *l - *r : 0;
}

SMALL void *
memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

SMALL int
strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *l = (const void *)a, *r = (const void *)b;

	if (!n--)
		return 0;
	for (; *l && *r && n && *l == *r; l++, r++, n--)
		;
	return *l - *r;
}

SMALL int
strcmp(const char *a, const char *b)
{
	const unsigned char *l = (const void *)a, *r = (const void *)b;

	for (; *l && *l == *r; l++, r++)
		;
	return *l - *r;
}

SMALL char *
getenv(const char *name)
{
	size_t n = (size_t)(__strchrnul(name, '=') - name);
	char **e;

	for (e = environ; n && !name[n] && *e; e++)
		if (strncmp(name, *e, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* without musl's EINTR rewriting and asynchronous I/O hook: the init
 * has neither */
SMALL int
close(int fd)
{
	return (int)syscall(SYS_close, fd);
}

SMALL pid_t
tcgetpgrp(int fd)
{
	int pgrp;

	return syscall(SYS_ioctl, fd, TIOCGPGRP, &pgrp) < 0 ? -1 : pgrp;
}

SMALL int
tcsetpgrp(int fd, pid_t pgrp)
{
	int p = pgrp;

	return (int)syscall(SYS_ioctl, fd, TIOCSPGRP, &p);
}

SMALL ssize_t
readlink(const char *restrict path, char *restrict buf, size_t size)
{
	return syscall(SYS_readlink, path, buf, size);
}
