#include <signal.h>
#include <string.h>

#include "num.h"
#include "signame.h"

static const struct { unsigned char num; char name[7]; } names[] = {
	{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" },
	{ SIGILL, "ILL" }, { SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" },
	{ SIGABRT, "IOT" }, { SIGBUS, "BUS" }, { SIGFPE, "FPE" },
	{ SIGKILL, "KILL" }, { SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" },
	{ SIGUSR2, "USR2" }, { SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" },
	{ SIGTERM, "TERM" }, { SIGSTKFLT, "STKFLT" }, { SIGCHLD, "CHLD" },
	{ SIGCHLD, "CLD" }, { SIGCONT, "CONT" }, { SIGSTOP, "STOP" },
	{ SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" }, { SIGTTOU, "TTOU" },
	{ SIGURG, "URG" }, { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
	{ SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" },
	{ SIGIO, "IO" }, { SIGPOLL, "POLL" }, { SIGPWR, "PWR" },
	{ SIGSYS, "SYS" },
};

/* The kernel's real-time range; libc's SIGRTMIN is higher (it keeps some),
 * so RTMIN+n is counted from the libc value users see in kill -l. */
#define KSIGRTMIN 32

static int
upper_prefix(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char c = *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;
		if (c != *prefix)
			return 0;
	}
	return 1;
}

static int
upper_eq(const char *s, const char *name)
{
	return upper_prefix(s, name) && !s[strlen(name)];
}

int
sig_parse(const char *s)
{
	unsigned long n;
	size_t i;

	if (!s)
		return -1;
	if (parse_ulong(s, SIG_MAX, &n) == 0)
		return n ? (int)n : -1;
	if (upper_prefix(s, "SIG"))
		s += 3;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (upper_eq(s, names[i].name))
			return names[i].num;
	if (upper_prefix(s, "RTMIN")) {
		if (!s[5])
			return SIGRTMIN;
		if (s[5] != '+' || parse_ulong(s + 6, SIG_MAX, &n) < 0)
			return -1;
		return n <= (unsigned long)(SIGRTMAX - SIGRTMIN) ? SIGRTMIN + (int)n : -1;
	}
	return -1;
}

const char *
sig_name(int sig, char *buf)
{
	char num[NUM_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].num == sig)
			return names[i].name;
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		strcpy(buf, "RTMIN+");
		strcpy(buf + 6, fmt_ulong(num, (unsigned long)(sig - SIGRTMIN)));
		return buf;
	}
	strcpy(buf, fmt_long(num, sig));
	return buf;
}

