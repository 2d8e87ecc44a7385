#include <errno.h>
#include <string.h>

#include "errstr.h"
#include "num.h"

#define STR(x) #x
#define E(num, text) STR(num) "\0" text "\0"

/* Pairs of strings: the errno as text (so the table is made by the
 * preprocessor, whatever the architecture's numbers) and its message. */
static const char table[] =
	E(EPERM, "Operation not permitted")
	E(ENOENT, "No such file or directory")
	E(ESRCH, "No such process")
	E(E2BIG, "Argument list too long")
	E(ENOEXEC, "Exec format error")
	E(EAGAIN, "Resource temporarily unavailable")
	E(ENOMEM, "Out of memory")
	E(EACCES, "Permission denied")
	E(EBUSY, "Resource busy")
	E(ENOTDIR, "Not a directory")
	E(EISDIR, "Is a directory")
	E(EINVAL, "Invalid argument")
	E(EMFILE, "No file descriptors available")
	E(ENOTTY, "Not a tty")
	E(ETXTBSY, "Text file busy")
	E(ENOSPC, "No space left on device")
	E(EROFS, "Read-only file system")
	E(ENAMETOOLONG, "Filename too long")
	E(ELOOP, "Symbolic link loop")
	E(ECONNREFUSED, "Connection refused")
	E(ETIMEDOUT, "Operation timed out")
	E(ENETUNREACH, "Network unreachable")
	E(EHOSTUNREACH, "Host is unreachable")
	"";

const char *
errstr(int e, char *buf)
{
	const char *p = table;
	char num[NUM_BUFSZ];
	unsigned long n;

	while (*p) {
		const char *text = p + strlen(p) + 1;
		if (parse_ulong(p, 4095, &n) == 0 && (int)n == e)
			return text;
		p = text + strlen(text) + 1;
	}
	strcpy(buf, "error ");
	strcpy(buf + 6, fmt_long(num, e));
	return buf;
}
